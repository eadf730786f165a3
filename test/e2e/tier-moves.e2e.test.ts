/**
 * Tier changes in every direction through the real Pulumi CLI, each while
 * an application keeps writing to the moving period, on a stack with two
 * archive instances:
 *
 *   local → archive    the as-of date crosses a year (killed once during the catch-up);
 *   archive → archive  a placement rule moves 2024 from archive-a to archive-b
 *                      (killed once during the cutover);
 *   archive → local    hotPeriods grows to 3: 2024 and 2025 come back.
 *
 * At each step the preview lists exactly the expected updates (never a
 * replace), and after each `up` every loaded row keeps its checksum, every
 * row the writer was told it wrote is there exactly once, each archive
 * table holds what the main instance reads through it, and nothing of the
 * move is left behind.
 */
import assert from "node:assert/strict";
import { cancelUpdate, upKilledAt } from "../support/cli";
import {
  archiveDb,
  archivedTables,
  ConcurrentWriter,
  Database,
  Endpoint,
  insertRows,
  mainDb,
  PartitionSum,
  partitionSums,
  placement,
  previewSteps,
  sql,
  tableSum,
} from "../support/rotation";
import { skipAfterFirstFailure, useStack } from "../support/stack";

const PASSWORD = "tier-Moves-61c2";
const A = "archive_a_server";
const B = "archive_b_server";
/** Rows loaded into 2025 before it is archived: enough for the copy and the catch-up to take a while. */
const LARGE = 300_000;

describe("e2e: tier changes in every direction with a writer, killed during the catch-up and the cutover", function () {
  const { stackName, stack } = useStack("tier-moves", PASSWORD, {
    archives: JSON.stringify([
      { name: "archive-a", to: "2030-01-01" },
      { name: "archive-b", from: "2030-01-01" },
    ]),
  });
  skipAfterFirstFailure();
  // Each step takes seconds; a move that hangs fails here instead of at the run's timeout.
  this.timeout(180_000);
  let main: Database;
  let archiveA: Database;
  let archiveB: Database;
  /** Count and checksum per partition of the rows loaded at the start (names `y…`), which no step may change. */
  let loaded: Record<string, PartitionSum>;
  /** Every row a writer was told it wrote, across all steps. */
  const confirmed: string[] = [];

  /** Runs `fn` while a writer inserts into `dates` (single rows, or `rowsPerInsert` per statement); keeps what it wrote. */
  async function whileWriting<T>(tag: string, dates: string[], fn: () => Promise<T>, rowsPerInsert = 1): Promise<T> {
    const writer = new ConcurrentWriter(main, tag, dates, rowsPerInsert);
    await writer.start();
    try {
      return await fn();
    } finally {
      await writer.stop();
      confirmed.push(...writer.confirmed);
      // A killed update can leave a write refused by the cutover's rollback; none may be refused otherwise.
      assert.ok(writer.errors.length <= 1, `writes refused: ${writer.errors.join("; ")}`);
    }
  }

  /** Every loaded row unchanged, every written row exactly once, each archive holding what main reads through it, no leftovers. */
  async function assertConverged(layout: Record<string, string>): Promise<void> {
    assert.deepEqual(await placement(main), layout);
    assert.deepEqual(await partitionSums(main, "name LIKE 'y%'"), loaded, "the loaded rows, each once, unchanged");
    const written = await sql<{ name: string; n: number }>(
      main,
      "SELECT name, count(*)::int AS n FROM employees WHERE name LIKE 'w%' GROUP BY name",
    );
    assert.deepEqual(
      written.filter((r) => r.n !== 1),
      [],
      "no written row twice",
    );
    assert.deepEqual(written.map((r) => r.name).sort(), [...confirmed].sort(), "every confirmed row, and no other");
    const through = await partitionSums(main);
    for (const [archive, server] of [
      [archiveA, A],
      [archiveB, B],
    ] as const) {
      const tables = Object.keys(layout).filter((t) => layout[t] === server);
      assert.deepEqual(await archivedTables(archive), tables, `the tables on ${server}`);
      for (const table of tables) {
        assert.deepEqual(await tableSum(archive, table), through[table], `${table} on ${server} as main reads it`);
      }
    }
    for (const db of [main, archiveA, archiveB]) {
      const left = await sql<{ name: string }>(
        db,
        "SELECT relname AS name FROM pg_class WHERE relname LIKE '%pgtier%' UNION ALL SELECT tgname FROM pg_trigger WHERE tgname LIKE 'pgtier%'",
      );
      assert.deepEqual(left, [], "nothing of a move is left");
    }
  }

  /** A preview that lists exactly `steps`, shows `diff` in its detailed diff, and replaces nothing. */
  async function assertPreview(steps: string[], diff: RegExp): Promise<void> {
    const preview = await stack().preview({ color: "never" });
    assert.deepEqual(previewSteps(preview.stdout), steps, preview.stdout);
    assert.equal(preview.changeSummary.replace, undefined, preview.stdout);
    const detailed = await stack().preview({ color: "never", diff: true });
    assert.match(detailed.stdout, diff);
  }

  /** An up that succeeds, then a preview with nothing left to do. */
  async function upAndSettle(): Promise<string> {
    const up = await stack().up({ color: "never" });
    assert.equal(up.summary.result, "succeeded");
    const again = await stack().preview({ color: "never" });
    assert.deepEqual(Object.keys(again.changeSummary), ["same"], again.stdout);
    return up.stdout;
  }

  it("starts with 2024 on archive-a and a large local 2025", async () => {
    const up = await stack().up({ color: "never" });
    assert.equal(up.summary.result, "succeeded");
    const endpoints = up.outputs.archiveEndpoints.value as Record<string, Endpoint>;
    main = mainDb(up.outputs.mainEndpoint.value as Endpoint, PASSWORD);
    archiveA = archiveDb(endpoints["archive-a"], PASSWORD);
    archiveB = archiveDb(endpoints["archive-b"], PASSWORD);
    await insertRows(main, { from: "2024-01-01", to: "2025-01-01", count: 2000, tag: "y2024" });
    await insertRows(main, { from: "2025-01-01", to: "2026-01-01", count: LARGE, tag: "y2025" });
    loaded = await partitionSums(main, "name LIKE 'y%'");
    await assertConverged({ emp_2024: A, emp_2025: "local" });
  });

  it("local → archive: the preview lists emp_2025's update and emp_2026's create", async () => {
    await stack().setConfig("pgtier:asOf", { value: "2026-01-01" });
    await assertPreview(
      ["create TieredPartition employees-emp_2026", "update TieredPartition employees-emp_2025"],
      /~ tier\s*: "local" => "archive"/,
    );
  });

  it("is killed during emp_2025's catch-up while a writer adds rows to it; the rows stay readable, once", async () => {
    const run = await whileWriting(
      "wk",
      ["2025-02-02", "2025-08-08"],
      () => upKilledAt(stackName, /employees-emp_2025 .*catching up: [\d,]+ change\(s\)/),
      50,
    );
    await cancelUpdate(stackName);
    assert.ok(run.killed, `the catch-up started before up finished:\n${run.output}`);
    assert.doesNotMatch(run.output, /archived emp_2025/);
    assert.equal((await placement(main)).emp_2025, "local");
    assert.deepEqual(await partitionSums(main, "name LIKE 'y%'"), loaded);
  });

  it("converges on the next up with the writer going on: emp_2025 on archive-a", async () => {
    const out = await whileWriting("wa", ["2025-03-03", "2025-09-09"], () => upAndSettle());
    assert.match(out, /archived emp_2025: [\d,]+ rows, checksum -?\d+/);
    await assertConverged({ emp_2024: A, emp_2025: A, emp_2026: "local" });
  });

  it("archive → archive: a rule now places 2024 on archive-b, and the preview lists only emp_2024's update", async () => {
    await stack().setConfig("pgtier:archives", {
      value: JSON.stringify([
        { name: "archive-b", to: "2025-01-01" },
        { name: "archive-a", from: "2025-01-01" },
      ]),
    });
    await assertPreview(["update TieredPartition employees-emp_2024"], /~ archive\s*:/);
  });

  it("is killed during emp_2024's cutover while a writer adds rows to it; the rows stay readable, once", async () => {
    const run = await whileWriting("wc", ["2024-04-04", "2024-10-10"], () =>
      upKilledAt(stackName, /employees-emp_2024 .*cutting over: locking employees/),
    );
    await cancelUpdate(stackName);
    assert.ok(run.killed, `the cutover started before up finished:\n${run.output}`);
    assert.ok([A, B].includes((await placement(main)).emp_2024));
    assert.deepEqual(await partitionSums(main, "name LIKE 'y%'"), loaded);
  });

  it("converges on the next up with the writer going on: emp_2024 on archive-b, gone from archive-a", async () => {
    const out = await whileWriting("wb", ["2024-05-05", "2024-11-11"], () => upAndSettle());
    assert.match(out, /moved emp_2024: [\d,]+ rows|emp_2024 already reads from the new archive/);
    await assertConverged({ emp_2024: B, emp_2025: A, emp_2026: "local" });
  });

  it("archive → local: hotPeriods 3 brings 2024 and 2025 back, and the preview lists exactly their updates", async () => {
    await stack().setConfig("pgtier:hotPeriods", { value: "3" });
    await assertPreview(
      ["update TieredPartition employees-emp_2024", "update TieredPartition employees-emp_2025"],
      /~ tier\s*: "archive" => "local"/,
    );
  });

  it("brings them back with the writer going on: both local, with their rows, the archive tables dropped", async () => {
    const out = await whileWriting("wr", ["2024-06-06", "2025-06-06"], () => upAndSettle());
    assert.match(out, /restored emp_2024: [\d,]+ rows/);
    assert.match(out, /restored emp_2025: [\d,]+ rows/);
    await assertConverged({ emp_2024: "local", emp_2025: "local", emp_2026: "local" });
  });
});
