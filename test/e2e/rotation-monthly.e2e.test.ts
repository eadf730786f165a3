/**
 * A monthly table spread over two archive instances, rotated end to end
 * through the real Pulumi CLI over three simulated month boundaries:
 * archive-a holds the periods before March 2026, archive-b the later ones.
 * At each boundary the preview lists exactly the rotation's steps, `up`
 * carries them out, every month keeps its rows and checksum, and each
 * archived month is on the instance its rule names. Once archive-a holds
 * nothing, it is removed from the program: its container goes, and its
 * volume stays because the stack keeps volumes.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { dockerObjectExists, removeVolume } from "../support/docker";
import {
  archiveDb,
  archivedTables,
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
import { backupDir, skipAfterFirstFailure, useStack } from "../support/stack";

const PASSWORD = "rot-Month-83d0";
const ROWS_PER_MONTH = 400;
/** The archive instances, as the issue names them; their foreign servers are `archive_a_server`, `archive_b_server`. */
const ARCHIVE_A = "archive-a";
const ARCHIVE_B = "archive-b";
const A = "archive_a_server";
const B = "archive_b_server";

/** Inserts a month's rows, tagged with the month. */
async function fillMonth(main: Database, month: number): Promise<void> {
  const mm = String(month).padStart(2, "0");
  const next = String(month + 1).padStart(2, "0");
  await insertRows(main, { from: `2026-${mm}-01`, to: `2026-${next}-01`, count: ROWS_PER_MONTH, tag: `m${mm}` });
}

/** One month boundary: what the preview lists and where every partition is afterwards. */
interface Boundary {
  readonly asOf: string;
  readonly steps: string[];
  readonly same: number;
  /** The month created ahead, filled after the update. */
  readonly created: number;
  readonly decommissioned?: string;
  readonly placement: Record<string, string>;
  readonly onA: string[];
  readonly onB: string[];
}

const boundaries: Boundary[] = [
  {
    asOf: "2026-04-10",
    steps: ["create TieredPartition employees-emp_2026_05", "update TieredPartition employees-emp_2026_03"],
    same: 34,
    created: 5,
    placement: { emp_2026_01: A, emp_2026_02: A, emp_2026_03: B, emp_2026_04: "local", emp_2026_05: "local" },
    onA: ["emp_2026_01", "emp_2026_02"],
    onB: ["emp_2026_03"],
  },
  {
    asOf: "2026-05-10",
    steps: [
      "create TieredPartition employees-emp_2026_06",
      "delete TieredPartition employees-emp_2026_01",
      "update TieredPartition employees-emp_2026_04",
    ],
    same: 34,
    created: 6,
    decommissioned: "emp_2026_01",
    placement: { emp_2026_02: A, emp_2026_03: B, emp_2026_04: B, emp_2026_05: "local", emp_2026_06: "local" },
    onA: ["emp_2026_02"],
    onB: ["emp_2026_03", "emp_2026_04"],
  },
  {
    asOf: "2026-06-10",
    steps: [
      "create TieredPartition employees-emp_2026_07",
      "delete TieredPartition employees-emp_2026_02",
      "update TieredPartition employees-emp_2026_05",
    ],
    same: 34,
    created: 7,
    decommissioned: "emp_2026_02",
    placement: { emp_2026_03: B, emp_2026_04: B, emp_2026_05: B, emp_2026_06: "local", emp_2026_07: "local" },
    onA: [],
    onB: ["emp_2026_03", "emp_2026_04", "emp_2026_05"],
  },
];

/** The change summary of a boundary's preview and update. */
function changesAt(b: Boundary): Record<string, number> {
  return { create: 1, update: 1, same: b.same, ...(b.decommissioned ? { delete: 1 } : {}) };
}

describe("e2e: a monthly table over two archive instances, rotated over three month boundaries", function () {
  const { stackName, prefix, stack } = useStack("rot-month", PASSWORD, {
    period: "month",
    firstPeriod: "2026-01-01",
    asOf: "2026-03-10",
    hotPeriods: "1",
    futurePeriods: "1",
    retentionPeriods: "4",
    archives: JSON.stringify([
      { name: ARCHIVE_A, to: "2026-03-01" },
      { name: ARCHIVE_B, from: "2026-03-01" },
    ]),
    keepVolumes: "true",
  });
  skipAfterFirstFailure();
  // Each step takes seconds; a rotation that hangs fails here instead of at the run's 10-minute timeout.
  this.timeout(120_000);
  // Runs after useStack's own `after` (hooks run in the order registered): the kept volumes outlive destroy.
  after(async () => {
    await removeVolume(`${prefix}-${ARCHIVE_A}-data`);
    await removeVolume(`${prefix}-${ARCHIVE_B}-data`);
  });
  let main: Database;
  let archiveA: Database;
  let archiveB: Database;
  /** Count and checksum per month, as last recorded. */
  let sums: Record<string, PartitionSum>;
  /** Audit rows expected in archive_decommission_log so far. */
  const decommissioned: string[] = [];

  it("lays out January and February on archive-a, March local, April ahead, and takes rows in each month", async () => {
    const up = await stack().up({ color: "never" });
    assert.equal(up.summary.result, "succeeded");
    assert.equal(up.summary.resourceChanges?.create, 35);
    const endpoints = up.outputs.archiveEndpoints.value as Record<string, Endpoint>;
    main = mainDb(up.outputs.mainEndpoint.value as Endpoint, PASSWORD);
    archiveA = archiveDb(endpoints[ARCHIVE_A], PASSWORD);
    archiveB = archiveDb(endpoints[ARCHIVE_B], PASSWORD);

    for (const month of [1, 2, 3, 4]) {
      await fillMonth(main, month);
    }
    sums = await partitionSums(main);
    assert.deepEqual(
      Object.values(sums).map((s) => s.rows),
      [ROWS_PER_MONTH, ROWS_PER_MONTH, ROWS_PER_MONTH, ROWS_PER_MONTH],
    );
    assert.deepEqual(await placement(main), { emp_2026_01: A, emp_2026_02: A, emp_2026_03: "local", emp_2026_04: "local" });
    assert.deepEqual(await archivedTables(archiveA), ["emp_2026_01", "emp_2026_02"]);
    assert.deepEqual(await archivedTables(archiveB), []);
  });

  for (const b of boundaries) {
    it(`previews ${b.asOf} as exactly: ${b.steps.map((s) => s.replace(" TieredPartition employees-", " ")).join(", ")}`, async () => {
      // WHEN
      await stack().setConfig("pgtier:asOf", { value: b.asOf });
      const preview = await stack().preview({ color: "never" });
      // THEN
      assert.deepEqual(previewSteps(preview.stdout), b.steps, preview.stdout);
      assert.deepEqual(preview.changeSummary, changesAt(b));
    });

    it(`rotates to ${b.asOf}: every month's rows kept, each archived month on its instance`, async () => {
      const up = await stack().up({ color: "never" });
      assert.equal(up.summary.result, "succeeded");
      assert.deepEqual(up.summary.resourceChanges, changesAt(b));

      const expected = { ...sums };
      if (b.decommissioned) {
        delete expected[b.decommissioned];
        decommissioned.push(b.decommissioned);
      }
      assert.deepEqual(await partitionSums(main), expected);
      assert.deepEqual(await placement(main), b.placement);
      assert.deepEqual(await archivedTables(archiveA), b.onA);
      assert.deepEqual(await archivedTables(archiveB), b.onB);
      for (const table of b.onB) {
        assert.deepEqual(await tableSum(archiveB, table), sums[table], `${table} on archive-b`);
      }

      // Every decommissioned month: a backup file and an audit row that names it.
      const log = await sql<{ table_name: string; row_count: number; backup_location: string }>(
        main,
        "SELECT table_name, row_count::int AS row_count, backup_location FROM archive_decommission_log ORDER BY id",
      ).catch(() => []);
      assert.deepEqual(
        log.map((r) => [r.table_name, r.row_count]),
        decommissioned.map((t) => [t, ROWS_PER_MONTH]),
      );
      for (const row of log) {
        assert.equal(path.dirname(row.backup_location), backupDir(stackName));
        assert.match(path.basename(row.backup_location), new RegExp(`^archive_db\\.public\\.${row.table_name}\\.\\d{8}T\\d{6}Z\\.dump$`));
        assert.ok(fs.existsSync(row.backup_location), row.backup_location);
      }

      await fillMonth(main, b.created);
      sums = await partitionSums(main);
      assert.equal(sums[`emp_2026_${String(b.created).padStart(2, "0")}`].rows, ROWS_PER_MONTH);
    });
  }

  it("previews removing archive-a, which holds nothing any more: its instance, server, mapping and FDW roles go", async () => {
    // WHEN: no archived month falls before March any more, so one rule for archive-b covers them all
    await stack().setConfig("pgtier:archives", { value: JSON.stringify([{ name: ARCHIVE_B }]) });
    await stack().setConfig("pgtier:writableArchives", { value: JSON.stringify([ARCHIVE_B]) });
    const preview = await stack().preview({ color: "never" });
    // THEN
    assert.deepEqual(
      previewSteps(preview.stdout),
      [
        `delete DockerPostgres ${ARCHIVE_A}`,
        `delete DockerVolume ${ARCHIVE_A}-data`,
        `delete ForeignServer employees-${ARCHIVE_A}-server`,
        ...["reader", "writer"].flatMap((kind) => [
          `delete Grant employees-${ARCHIVE_A}-fdw-${kind}-connect`,
          `delete Grant employees-${ARCHIVE_A}-fdw-${kind}-usage`,
        ]),
        `delete PostgresInstance ${ARCHIVE_A}`,
        `delete Role employees-${ARCHIVE_A}-fdw-reader`,
        `delete Role employees-${ARCHIVE_A}-fdw-writer`,
        `delete UserMapping employees-${ARCHIVE_A}-mapping`,
        // The connection views no longer read archive-a's sessions (and drop its foreign table before its server goes).
        "update MonitoringViews employees-monitoring",
      ],
      preview.stdout,
    );
    assert.deepEqual(preview.changeSummary, { delete: 11, same: 24, update: 1 });
  });

  it("removes archive-a: its container is gone, its volume is kept, the table is untouched", async () => {
    const up = await stack().up({ color: "never" });
    assert.equal(up.summary.result, "succeeded");
    assert.equal(await dockerObjectExists("container", `${prefix}-${ARCHIVE_A}`), false);
    assert.equal(await dockerObjectExists("volume", `${prefix}-${ARCHIVE_A}-data`), true);
    assert.equal(await dockerObjectExists("container", `${prefix}-${ARCHIVE_B}`), true);
    assert.deepEqual(up.outputs.archiveContainers.value, [`${prefix}-${ARCHIVE_B}`]);

    const servers = await sql<{ srvname: string }>(main, "SELECT srvname FROM pg_foreign_server ORDER BY 1");
    assert.deepEqual(
      servers.map((s) => s.srvname),
      [B],
    );
    assert.deepEqual(await partitionSums(main), sums);
    assert.deepEqual(await placement(main), boundaries[boundaries.length - 1].placement);

    const again = await stack().preview({ color: "never" });
    assert.deepEqual(again.changeSummary, { same: 25 }, again.stdout);
  });
});
