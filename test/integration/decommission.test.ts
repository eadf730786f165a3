import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import { gunzipSync } from "node:zlib";
import { Connection } from "../../components/model/types";
import { PgtierProvider } from "../../components/provider/provider";
import { partitionsOf, relkind } from "../support/catalog";
import { connectionOf, PostgresPair, query } from "../support/postgres";
import { Props, rejectionOf } from "../support/provider";
import {
  loadEmployees,
  resetTables,
  rowsAndChecksum,
  RowsAndChecksum,
  startTieredPair,
  TieredPartitionUnderTest,
  yearInputs,
} from "../support/tiered";

describe("TieredPartition decommission (integration)", () => {
  const provider = new PgtierProvider();
  let pair: PostgresPair;
  let main: Connection;
  let archive: Connection;
  let backups: string;

  before(async () => {
    pair = await startTieredPair(provider);
    main = connectionOf(pair.main);
    archive = connectionOf(pair.archive);
  });

  after(async () => {
    await pair?.stop();
  });

  beforeEach(() => {
    backups = fs.mkdtempSync(path.join(os.tmpdir(), "pgtier-backups-"));
  });

  afterEach(async () => {
    fs.rmSync(backups, { recursive: true, force: true });
    await resetTables(pair);
  });

  /** An archived emp_2022 holding `count` employees written through the parent. */
  async function archivedYear(
    partition: TieredPartitionUnderTest,
    count: number,
    extra: Props = {},
  ): Promise<{ id: string; outs: Props; before: RowsAndChecksum }> {
    const { id, outs } = await partition.create(yearInputs(pair, 2022, "archive", extra));
    if (count > 0) {
      await loadEmployees(main, 2022, count);
    }
    return { id, outs, before: await rowsAndChecksum(archive, "emp_2022") };
  }

  interface AuditRow {
    table_name: string;
    partition_range: string;
    row_count: string;
    size_bytes: string;
    earliest_date: string;
    latest_date: string;
    backup_location: string | null;
    retention_reason: string;
    row_checksum: string;
  }

  /** The guide's audit trail on the main instance; empty when the table does not exist yet. */
  async function auditRows(): Promise<AuditRow[]> {
    if ((await relkind(main, "archive_decommission_log")) === undefined) {
      return [];
    }
    return query<AuditRow>(
      main,
      `SELECT table_name, partition_range, row_count::text, size_bytes::text, earliest_date, latest_date, backup_location,
              retention_reason, row_checksum
         FROM archive_decommission_log ORDER BY id`,
    );
  }

  /** Runs pg_restore (or another client tool) against the archive instance, the password in the environment. */
  async function runTool(tool: string, args: string[]): Promise<void> {
    const env = { ...process.env, PGHOST: archive.host, PGPORT: String(archive.port), PGUSER: archive.user, PGPASSWORD: archive.password };
    await promisify(execFile)(tool, args, { env });
  }

  it("backs up (dump and CSV.gz), writes the audit row, then drops the foreign partition and the archive table", async () => {
    const partition = new TieredPartitionUnderTest("emp-2022");
    const backup = { location: backups, csv: true, reason: "7-year retention period expired" };
    const { id, outs, before } = await archivedYear(partition, 3_000, { backup });
    assert.equal(before.rows, 3_000);

    // WHEN
    await partition.delete(id, outs);

    // THEN: the dump and the CSV export
    const files = fs.readdirSync(backups).sort();
    assert.equal(files.length, 2, files.join(", "));
    const [csv, dump] = files.map((f) => path.join(backups, f));
    assert.match(path.basename(dump), /^archive_db\.public\.emp_2022\.\d{8}T\d{6}Z\.dump$/);
    assert.equal(csv, dump.replace(/\.dump$/, ".csv.gz"));
    const lines = gunzipSync(fs.readFileSync(csv)).toString("utf8").trimEnd().split("\n");
    assert.equal(lines[0], "id,name,hire_date,department,salary");
    assert.equal(lines.length, 3_001);

    // THEN: the audit row
    const audit = await auditRows();
    assert.equal(audit.length, 1);
    assert.equal(Number(audit[0].size_bytes) > 0, true);
    assert.deepEqual(
      { ...audit[0], size_bytes: "" },
      {
        table_name: "emp_2022",
        partition_range: "2022-01-01 to 2023-01-01",
        row_count: "3000",
        size_bytes: "",
        earliest_date: "2022-01-01",
        latest_date: "2022-12-31",
        backup_location: dump,
        retention_reason: "7-year retention period expired",
        row_checksum: before.checksum,
      },
    );

    // THEN: gone from both instances, and no scratch database left
    assert.equal(await relkind(main, "emp_2022"), undefined);
    assert.deepEqual(await partitionsOf(main, "employees"), {});
    assert.equal(await relkind(archive, "emp_2022"), undefined);
    assert.deepEqual(await query(archive, "SELECT datname FROM pg_database WHERE datname LIKE 'pgtier_verify_%'"), []);
    assert.deepEqual(partition.progress, [
      `backing up emp_2022 (3000 rows, checksum ${before.checksum}) to ${backups}`,
      `backup verified by restoring it into a scratch database: ${dump}, CSV: ${csv}`,
      `decommissioned emp_2022: 3,000 rows, backup ${dump}`,
    ]);

    // THEN: the dump restores, as a user would, into a fresh database with the same rows
    await query(archive, "CREATE DATABASE restored_emp_2022");
    await runTool("pg_restore", ["--no-owner", "--dbname=restored_emp_2022", dump]);
    assert.deepEqual(await rowsAndChecksum({ ...archive, database: "restored_emp_2022" }, "emp_2022"), before);
  });

  it("refuses to drop archived rows without a backup location, and changes nothing", async () => {
    const partition = new TieredPartitionUnderTest("emp-2022");
    const { id, outs, before } = await archivedYear(partition, 1_500);

    // WHEN
    const message = await rejectionOf(partition.delete(id, outs));

    // THEN
    assert.equal(
      message,
      `TieredPartition "emp-2022": decommissioning emp_2022 would drop 1,500 archived rows, and no backup location is set; ` +
        `set pgtier:backupLocation (TieredTable backup.location) to a directory for the final backup, then run pulumi up again — nothing was changed`,
    );
    assert.equal(await relkind(main, "emp_2022"), "f");
    assert.deepEqual(await rowsAndChecksum(main, "employees"), before);
    assert.deepEqual(await rowsAndChecksum(archive, "emp_2022"), before);
    assert.deepEqual(await auditRows(), []);
  });

  it("drops an empty archived partition without a backup, and logs it", async () => {
    const partition = new TieredPartitionUnderTest("emp-2022");
    const { id, outs } = await archivedYear(partition, 0);

    // WHEN
    await partition.delete(id, outs);

    // THEN
    assert.equal(await relkind(main, "emp_2022"), undefined);
    assert.equal(await relkind(archive, "emp_2022"), undefined);
    const audit = await auditRows();
    assert.deepEqual(
      audit.map((a) => [a.table_name, a.row_count, a.backup_location, a.earliest_date]),
      [["emp_2022", "0", null, null]],
    );
    assert.deepEqual(partition.progress, ["decommissioned emp_2022: 0 rows"]);
  });

  it("decommissions several partitions at once, as a destroy does, each logged once", async () => {
    // Five rounds: the audit table is created by whichever delete comes first.
    for (let round = 0; round < 5; round++) {
      const years = [2019, 2020, 2021];
      const created = await Promise.all(
        years.map(async (year) => {
          const partition = new TieredPartitionUnderTest(`emp-${year}`);
          const { id, outs } = await partition.create(yearInputs(pair, year, "archive"));
          return { partition, id, outs };
        }),
      );

      // WHEN: the engine deletes them in parallel
      await Promise.all(created.map(({ partition, id, outs }) => partition.delete(id, outs)));

      // THEN
      assert.deepEqual(
        (await auditRows()).map((a) => a.table_name).sort(),
        years.map((y) => `emp_${y}`),
        `round ${round}`,
      );
      await resetTables(pair);
    }
  });

  it("a rerun after the archive table's drop failed converges: no second backup or audit row", async () => {
    const partition = new TieredPartitionUnderTest("emp-2022");
    const { id, outs } = await archivedYear(partition, 1_000, { backup: { location: backups } });
    // Something on the archive depends on the table, so the last step fails.
    await query(archive, "CREATE VIEW pgtier_blocker AS SELECT count(*) FROM emp_2022");

    // WHEN
    const message = await rejectionOf(partition.delete(id, outs));

    // THEN: backed up, logged and detached; the archive table is still there
    assert.match(
      message,
      /^TieredPartition "emp-2022": PostgreSQL refused DROP TABLE IF EXISTS "public"\."emp_2022": cannot drop table emp_2022/,
    );
    assert.equal(await relkind(main, "emp_2022"), undefined);
    assert.equal((await rowsAndChecksum(archive, "emp_2022")).rows, 1_000);
    const [dump] = fs.readdirSync(backups).map((f) => path.join(backups, f));
    assert.deepEqual(
      (await auditRows()).map((a) => a.backup_location),
      [dump],
    );

    // WHEN: the user removes the view and runs pulumi up again
    await query(archive, "DROP VIEW pgtier_blocker");
    await partition.delete(id, outs);

    // THEN
    assert.equal(await relkind(archive, "emp_2022"), undefined);
    assert.deepEqual(fs.readdirSync(backups), [path.basename(dump)]);
    assert.equal((await auditRows()).length, 1);
    assert.equal(partition.progress[0], `an earlier run already backed up and logged emp_2022 (${dump})`);

    // WHEN: and once more, as if the engine had not recorded the delete
    await partition.delete(id, outs);

    // THEN
    assert.equal((await auditRows()).length, 1);
  });

  it("a local partition with rows is backed up the same way before it is dropped", async () => {
    const partition = new TieredPartitionUnderTest("emp-2022");
    const { id, outs } = await partition.create(yearInputs(pair, 2022, "local", { backup: { location: backups } }));
    await loadEmployees(main, 2022, 2_000);
    const before = await rowsAndChecksum(main, "emp_2022");

    // WHEN
    await partition.delete(id, outs);

    // THEN
    assert.equal(await relkind(main, "emp_2022"), undefined);
    const [dump] = fs.readdirSync(backups).map((f) => path.join(backups, f));
    assert.match(path.basename(dump), /^appdb\.public\.emp_2022\.\d{8}T\d{6}Z\.dump$/);
    assert.deepEqual(
      (await auditRows()).map((a) => [a.table_name, a.row_count, a.backup_location, a.row_checksum]),
      [["emp_2022", "2000", dump, before.checksum]],
    );
    await query(archive, "CREATE DATABASE restored_local");
    await runTool("pg_restore", ["--no-owner", "--dbname=restored_local", dump]);
    assert.deepEqual(await rowsAndChecksum({ ...archive, database: "restored_local" }, "emp_2022"), before);
  });

  it("refuses to drop a local partition's rows without a backup location; drops an empty one", async () => {
    const partition = new TieredPartitionUnderTest("emp-2022");
    const { id, outs } = await partition.create(yearInputs(pair, 2022, "local"));
    await loadEmployees(main, 2022, 10);

    // WHEN
    const message = await rejectionOf(partition.delete(id, outs));

    // THEN
    assert.equal(
      message,
      `TieredPartition "emp-2022": decommissioning emp_2022 would drop 10 local rows, and no backup location is set; ` +
        `set pgtier:backupLocation (TieredTable backup.location) to a directory for the final backup, then run pulumi up again — nothing was changed`,
    );
    assert.equal((await rowsAndChecksum(main, "emp_2022")).rows, 10);

    // WHEN: emptied
    await query(main, "DELETE FROM employees");
    await partition.delete(id, outs);

    // THEN
    assert.equal(await relkind(main, "emp_2022"), undefined);
  });

  it("an archive table already dropped by hand: delete drops the foreign partition", async () => {
    const partition = new TieredPartitionUnderTest("emp-2022");
    const { id, outs } = await archivedYear(partition, 100, { backup: { location: backups } });
    await query(archive, "DROP TABLE emp_2022");

    // WHEN
    await partition.delete(id, outs);

    // THEN
    assert.equal(await relkind(main, "emp_2022"), undefined);
    assert.deepEqual(await partitionsOf(main, "employees"), {});
    assert.deepEqual(fs.readdirSync(backups), []);
  });
});
