/**
 * A `pulumi up` killed with SIGKILL (the CLI, the program and the provider,
 * at once) in the middle of a rotation, at the two moments that matter:
 * while the rows are being copied, and once they are verified and the
 * cutover is under way. After `pulumi cancel` the next `up` converges: every
 * period holds the rows and checksum it had before the rotation, no row is
 * there twice, the rotated partition reads from the archive, and a preview
 * has nothing left to do.
 */
import assert from "node:assert/strict";
import { cancelUpdate, upKilledAt } from "../support/cli";
import {
  archiveDb,
  archivedTables,
  Database,
  duplicateIds,
  Endpoint,
  insertRows,
  mainDb,
  PartitionSum,
  partitionSums,
  placement,
  sql,
  tableSum,
} from "../support/rotation";
import { skipAfterFirstFailure, useStack } from "../support/stack";

const PASSWORD = "rot-Crash-5a7b";
/** Rows in each rotated year: enough for the copy and the cutover's checks to take a while. */
const LARGE = 300_000;

/**
 * The rerun's changes: the rotated partition's update again, and the new
 * period's create unless the killed run had already recorded it; nothing
 * deleted or replaced.
 */
function assertRotationRerun(changes: Record<string, number> | undefined, created: string): void {
  const { update, create = 0, same, ...others } = changes ?? {};
  assert.equal(update, 1);
  assert.ok(create <= 1, `${created} is created at most once`);
  assert.ok(same > 0);
  assert.deepEqual(others, {});
}

describe("e2e: SIGKILL during a rotation, then a rerun converges", function () {
  // The guide's layout as of 2025-06-15: 2024 archived, 2025 local, no future period.
  const { stackName, stack } = useStack("rot-crash", PASSWORD);
  skipAfterFirstFailure();
  // Each step takes seconds; a rotation that hangs fails here instead of at the run's 10-minute timeout.
  this.timeout(120_000);
  let main: Database;
  let archive: Database;
  /** Count and checksum per partition before the rotation under test. */
  let before: Record<string, PartitionSum>;

  /** Tables named like partitions on the main instance, local or foreign: no stray copy may be left. */
  async function mainTables(): Promise<string[]> {
    const rows = await sql<{ relname: string }>(
      main,
      "SELECT relname FROM pg_class WHERE relname LIKE 'emp\\_%' AND relkind IN ('r', 'f', 'p') ORDER BY 1",
    );
    return rows.map((r) => r.relname);
  }

  /** What a converged rotation of `year` looks like, whatever the killed run had done. */
  async function assertConverged(year: number, layout: Record<string, string>): Promise<void> {
    assert.deepEqual(await partitionSums(main), before, "every period's rows and checksum as before the rotation");
    assert.equal(await duplicateIds(main), 0, "no row twice");
    assert.deepEqual(await placement(main), layout);
    assert.deepEqual(await mainTables(), Object.keys(layout));
    assert.deepEqual(
      await archivedTables(archive),
      Object.keys(layout).filter((t) => layout[t] !== "local"),
    );
    assert.deepEqual(await tableSum(archive, `emp_${year}`), before[`emp_${year}`], "the archive table holds each row once");
  }

  it("starts with 2024 archived and a large local 2025", async () => {
    const up = await stack().up({ color: "never" });
    assert.equal(up.summary.result, "succeeded");
    main = mainDb(up.outputs.mainEndpoint.value as Endpoint, PASSWORD);
    archive = archiveDb(up.outputs.archiveEndpoint.value as Endpoint, PASSWORD);
    await insertRows(main, { from: "2024-01-01", to: "2025-01-01", count: 2000, tag: "y2024" });
    await insertRows(main, { from: "2025-01-01", to: "2026-01-01", count: LARGE, tag: "y2025" });
    before = await partitionSums(main);
    assert.deepEqual(
      Object.values(before).map((s) => s.rows),
      [2000, LARGE],
    );
  });

  it("is killed while emp_2025's rows are copied to the archive; the local partition keeps them", async () => {
    // WHEN
    await stack().setConfig("pgtier:asOf", { value: "2026-01-01" });
    const run = await upKilledAt(stackName, /copying [\d,]+ rows of emp_2025 to the archive/);
    await cancelUpdate(stackName);
    // THEN
    assert.ok(run.killed, `the copy started before up finished:\n${run.output}`);
    assert.doesNotMatch(run.output, /cutting over/);
    assert.equal((await placement(main)).emp_2025, "local");
    assert.deepEqual(await partitionSums(main), before);
  });

  it("converges on the next up: every row once, emp_2025 on the archive, nothing left to do", async () => {
    const up = await stack().up({ color: "never" });
    assert.equal(up.summary.result, "succeeded");
    assertRotationRerun(up.summary.resourceChanges, "emp_2026");
    assert.match(up.stdout, /archived emp_2025: 300,?000 rows/);
    await assertConverged(2025, { emp_2024: "archive_server", emp_2025: "archive_server", emp_2026: "local" });

    const preview = await stack().preview({ color: "never" });
    assert.deepEqual(preview.changeSummary, { same: 23 }, preview.stdout);
  });

  it("is killed again once emp_2026's rows are verified and the cutover is under way; the rows stay readable", async () => {
    await insertRows(main, { from: "2026-01-01", to: "2027-01-01", count: LARGE, tag: "y2026" });
    before = await partitionSums(main);
    // WHEN
    await stack().setConfig("pgtier:asOf", { value: "2027-01-01" });
    const run = await upKilledAt(stackName, /employees-emp_2026 .*cutting over: locking employees/);
    await cancelUpdate(stackName);
    // THEN: the cutover committed or it did not; either way every row is read once, from one place.
    assert.ok(run.killed, `the cutover started before up finished:\n${run.output}`);
    assert.doesNotMatch(run.output, /archived emp_2026/);
    assert.ok(["local", "archive_server"].includes((await placement(main)).emp_2026));
    assert.deepEqual(await partitionSums(main), before);
  });

  it("converges on the next up after the second kill too", async () => {
    const up = await stack().up({ color: "never" });
    assert.equal(up.summary.result, "succeeded");
    assertRotationRerun(up.summary.resourceChanges, "emp_2027");
    assert.match(up.stdout, /archived emp_2026: 300,?000 rows|emp_2026 already reads from the archive/);
    await assertConverged(2026, { emp_2024: "archive_server", emp_2025: "archive_server", emp_2026: "archive_server", emp_2027: "local" });

    const preview = await stack().preview({ color: "never" });
    assert.deepEqual(preview.changeSummary, { same: 24 }, preview.stdout);
  });
});
