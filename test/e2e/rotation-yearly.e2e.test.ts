/**
 * A yearly table rotated end to end through the real Pulumi CLI over two
 * simulated year boundaries. Moving pgtier:asOf moves the layout: the
 * preview lists exactly the rotation's steps, `up` archives the year that
 * went cold while an application keeps writing (every committed row is there
 * once afterwards), every period keeps its rows and checksum, and the year
 * past retention is decommissioned with a backup that restores.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { UpResult } from "@pulumi/pulumi/automation";
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
  restoredSum,
  sql,
  tableSum,
  fdwGrantsOn,
} from "../support/rotation";
import { backupDir, skipAfterFirstFailure, useStack } from "../support/stack";

const PASSWORD = "rot-Year-4c1e";
const ROWS_PER_YEAR = 3000;

describe("e2e: a yearly table rotated over two year boundaries", function () {
  const { stackName, stack } = useStack("rot-year", PASSWORD, {
    period: "year",
    firstPeriod: "2024-01-01",
    asOf: "2025-06-15",
    futurePeriods: "1",
    retentionPeriods: "3",
  });
  skipAfterFirstFailure();
  // Each step takes seconds; a rotation that hangs fails here instead of at the run's 10-minute timeout.
  this.timeout(120_000);
  let main: Database;
  let archive: Database;
  /** Count and checksum per partition before the step under test. */
  let before: Record<string, PartitionSum>;

  it("lays out 2024 archived, 2025 local and 2026 ahead, and takes rows in each year", async () => {
    const up = await stack().up({ color: "never" });
    assert.equal(up.summary.result, "succeeded");
    main = mainDb(up.outputs.mainEndpoint.value as Endpoint, PASSWORD);
    archive = archiveDb(up.outputs.archiveEndpoint.value as Endpoint, PASSWORD);
    assert.deepEqual(up.outputs.timeline.value, [
      "2024  emp_2024  [2024-01-01, 2025-01-01)  archive  archive",
      "2025  emp_2025  [2025-01-01, 2026-01-01)  local    main  <- current",
      "2026  emp_2026  [2026-01-01, 2027-01-01)  local    main",
    ]);

    for (const year of [2024, 2025, 2026]) {
      await insertRows(main, { from: `${year}-01-01`, to: `${year + 1}-01-01`, count: ROWS_PER_YEAR, tag: `y${year}` });
    }
    before = await partitionSums(main);
    assert.deepEqual(
      Object.entries(before).map(([part, sum]) => [part, sum.rows]),
      [
        ["emp_2024", ROWS_PER_YEAR],
        ["emp_2025", ROWS_PER_YEAR],
        ["emp_2026", ROWS_PER_YEAR],
      ],
    );
    assert.deepEqual(await placement(main), { emp_2024: "archive_server", emp_2025: "local", emp_2026: "local" });
  });

  it("previews 2026-01-01 as exactly two steps: emp_2025 archived in place, emp_2027 created", async () => {
    // WHEN
    await stack().setConfig("pgtier:asOf", { value: "2026-01-01" });
    const preview = await stack().preview({ color: "never" });
    // THEN
    assert.deepEqual(preview.changeSummary, { create: 1, same: 22, update: 1 });
    assert.deepEqual(
      previewSteps(preview.stdout),
      ["create TieredPartition employees-emp_2027", "update TieredPartition employees-emp_2025"],
      preview.stdout,
    );
    const detailed = await stack().preview({ color: "never", diff: true });
    assert.match(detailed.stdout, /~ tier\s*: "local" => "archive"/);
    assert.equal(detailed.stdout.match(/~ tier\b/g)?.length, 1, "only emp_2025 changes tier");
    assert.doesNotMatch(detailed.stdout, /~ (from|to|name|columns)\b/);
  });

  it("archives emp_2025 while an application writes 2025 and 2026 rows: every committed row once, every year's rows kept", async () => {
    // WHEN: a writer inserts single rows into both years for the whole update
    const writer = new ConcurrentWriter(main, "writer", ["2025-12-31", "2026-01-02", "2025-03-03"]);
    await writer.start();
    let up: UpResult;
    let duringUp: number;
    try {
      const atStart = writer.confirmed.length;
      up = await stack().up({ color: "never" });
      duringUp = writer.confirmed.length - atStart;
    } finally {
      await writer.stop();
    }
    // THEN
    assert.equal(up.summary.result, "succeeded");
    assert.deepEqual(up.summary.resourceChanges, { create: 1, same: 22, update: 1 });
    assert.match(up.stdout, /copying [\d,]+ rows of emp_2025 to the archive \(pipe\)/);
    assert.match(up.stdout, /verified [\d,]+ rows, checksum -?\d+ on both sides/);
    assert.match(up.stdout, /archived emp_2025: [\d,]+ rows/);

    const written = await sql<{ name: string; n: number }>(
      main,
      "SELECT name, count(*)::int AS n FROM employees WHERE name LIKE 'writer-%' GROUP BY name",
    );
    assert.ok(duringUp > 20, `the writer kept writing during the update (${duringUp} rows)`);
    assert.deepEqual(
      written.filter((r) => r.n !== 1),
      [],
      "no row twice",
    );
    assert.deepEqual(written.map((r) => r.name).sort(), [...writer.confirmed].sort(), "every committed row, and no other");
    // Writers to the rotating period wait for the cutover; none may fail (e.g. as a deadlock victim).
    assert.deepEqual(writer.errors, [], "every INSERT of the writer succeeded");

    // Each year's own rows are what they were; 2024 was not touched at all.
    assert.deepEqual(await partitionSums(main, "name NOT LIKE 'writer-%'"), before);
    const after = await partitionSums(main);
    assert.deepEqual(after.emp_2024, before.emp_2024);
    assert.deepEqual(await tableSum(archive, "emp_2025"), after.emp_2025, "the archive table holds what the main instance reads");
    // The table rotated in is the FDW roles' (granted before the cutover; the reads above went through the mapped role).
    const grants = await fdwGrantsOn(archive, "emp_2025");
    assert.deepEqual(grants, [
      { grantee: "employees_fdw_reader", p: "SELECT" },
      { grantee: "employees_fdw_writer", p: "DELETE,INSERT,SELECT,UPDATE" },
    ]);

    assert.deepEqual(await placement(main), {
      emp_2024: "archive_server",
      emp_2025: "archive_server",
      emp_2026: "local",
      emp_2027: "local",
    });
    assert.deepEqual(await archivedTables(archive), ["emp_2024", "emp_2025"]);
    assert.deepEqual(up.outputs.timeline.value, [
      "2024  emp_2024  [2024-01-01, 2025-01-01)  archive  archive",
      "2025  emp_2025  [2025-01-01, 2026-01-01)  archive  archive",
      "2026  emp_2026  [2026-01-01, 2027-01-01)  local    main  <- current",
      "2027  emp_2027  [2027-01-01, 2028-01-01)  local    main",
    ]);
    before = after;
  });

  it("previews 2027-01-01 as exactly three steps: emp_2024 decommissioned, emp_2026 archived, emp_2028 created", async () => {
    // WHEN
    await stack().setConfig("pgtier:asOf", { value: "2027-01-01" });
    const preview = await stack().preview({ color: "never" });
    // THEN
    assert.deepEqual(preview.changeSummary, { create: 1, delete: 1, same: 22, update: 1 });
    assert.deepEqual(
      previewSteps(preview.stdout),
      [
        "create TieredPartition employees-emp_2028",
        "delete TieredPartition employees-emp_2024",
        "update TieredPartition employees-emp_2026",
      ],
      preview.stdout,
    );
  });

  it("decommissions emp_2024: a backup that restores its rows, an audit row, both tables gone", async () => {
    const up = await stack().up({ color: "never" });
    assert.equal(up.summary.result, "succeeded");
    assert.match(up.stdout, /decommissioned emp_2024: 3,000 rows, backup /);

    // 2024 is gone; 2025 and 2026 (the writer's rows included) are what they were.
    assert.deepEqual(await partitionSums(main), { emp_2025: before.emp_2025, emp_2026: before.emp_2026 });
    assert.deepEqual(await placement(main), {
      emp_2025: "archive_server",
      emp_2026: "archive_server",
      emp_2027: "local",
      emp_2028: "local",
    });
    assert.deepEqual(await archivedTables(archive), ["emp_2025", "emp_2026"]);

    const dir = backupDir(stackName);
    const files = fs.readdirSync(dir);
    assert.equal(files.length, 1, files.join(", "));
    assert.match(files[0], /^archive_db\.public\.emp_2024\.\d{8}T\d{6}Z\.dump$/);
    const file = path.join(dir, files[0]);
    assert.deepEqual(await restoredSum(file, archive, "restored_emp_2024", "emp_2024"), before.emp_2024);

    const log = await sql(
      main,
      "SELECT table_name, partition_range, row_count::int AS row_count, backup_location, retention_reason FROM archive_decommission_log",
    );
    assert.deepEqual(log, [
      {
        table_name: "emp_2024",
        partition_range: "2024-01-01 to 2025-01-01",
        row_count: ROWS_PER_YEAR,
        backup_location: file,
        retention_reason: "retention period expired",
      },
    ]);
  });

  it("has nothing left to do afterwards", async () => {
    const preview = await stack().preview({ color: "never" });
    assert.deepEqual(preview.changeSummary, { same: 24 }, preview.stdout);
  });
});
