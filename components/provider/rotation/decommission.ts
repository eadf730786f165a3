/**
 * Retiring a partition past retention (the guide's "Decommissioning Old
 * Archives"): a verified final backup, a row in the audit table on the main
 * instance, then the partition on the main instance and the archive table
 * are dropped. Each step is safe to rerun: an audit row for the same rows
 * whose backup file is still there means the backup is not taken again.
 */
import * as fs from "node:fs";
import { readRelation } from "../../db/catalog";
import { withSession } from "../../db/client";
import { BACKUP_DEFAULTS, BackupSettings, withBackupDefaults } from "../../model/backup";
import { Bounds, Connection, TableName } from "../../model/types";
import { buildDropForeignTableSql } from "../../sql/fdw";
import {
  buildDecommissionLogInsertSql,
  buildDecommissionLogLockSql,
  buildDecommissionLogLookupSql,
  buildDecommissionLogTableSql,
  buildTableStatsSql,
  DECOMMISSION_LOG,
} from "../../sql/decommission";
import { buildDropTableSql } from "../../sql/tables";
import { removeLeftoverCapture } from "./leftovers";
import { Operation } from "../definition";
import { formatCount } from "../progress";
import { backUpTable } from "./backup";
import { describeChecksum, TableChecksum, tableChecksum, useStableText } from "./checksum";

/** Everything one decommission needs. */
export interface Decommission {
  readonly op: Operation;
  readonly main: Connection;
  /**
   * Where the rows are: the archive instance, or the main instance for a
   * partition that leaves retention before it was ever archived (an as-of
   * date moved by more than the archive window).
   */
  readonly holder: Connection;
  /** The partition on the main instance (a foreign table, or the local table itself). */
  readonly partition: Required<TableName>;
  /** The table holding the rows: the archive table, or the partition when local. */
  readonly table: Required<TableName>;
  /** Whether the rows are in the local partition on the main instance. */
  readonly local: boolean;
  readonly bounds: Bounds;
  readonly columns: readonly string[];
  readonly partitionKey: string;
  /** Required when the table holds rows. */
  readonly backup?: BackupSettings;
}

/** What was retired. */
export interface DecommissionOutcome {
  readonly rows: string;
  readonly backupFile?: string;
}

/** The table's rows and the audit row's facts about them. */
interface Retiring {
  readonly sum: TableChecksum;
  readonly stats: { size_bytes: string; earliest: string | null; latest: string | null };
}

/** Drops the partition on the main instance: the foreign table, or the local table with its rows. */
function dropOnMainSql(d: Decommission): string {
  return d.local ? buildDropTableSql(d.partition) : buildDropForeignTableSql(d.partition);
}

/** Count, checksum, size and key range of the table about to go. */
function readRetiring(d: Decommission): Promise<Retiring> {
  return withSession(d.op, d.holder, async (s) => {
    await useStableText(s);
    const stats = await s.first<Retiring["stats"]>(buildTableStatsSql(d.table, d.partitionKey));
    return { sum: await tableChecksum(s, d.table, d.columns), stats: stats ?? { size_bytes: "0", earliest: null, latest: null } };
  });
}

/** The backup file an earlier, interrupted run logged for the same rows; undefined when there is no such run. */
async function earlierRun(d: Decommission, sum: TableChecksum): Promise<{ backupFile?: string } | undefined> {
  return withSession(d.op, d.main, async (s) => {
    if (!(await readRelation(s, { schema: d.partition.schema, name: DECOMMISSION_LOG }))) {
      return undefined;
    }
    const row = await s.first<{ backup_location: string | null }>(buildDecommissionLogLookupSql(d.partition.schema), [
      d.partition.name,
      sum.checksum,
    ]);
    return row && { backupFile: row.backup_location ?? undefined };
  });
}

/** The verified backup, when there are rows to keep. */
async function backUp(d: Decommission, sum: TableChecksum): Promise<string | undefined> {
  if (Number(sum.rows) === 0 || !d.backup) {
    return undefined;
  }
  const backup = withBackupDefaults(d.backup);
  d.op.progress(`backing up ${d.partition.name} (${describeChecksum(sum)}) to ${backup.location}`);
  const { columns, table, holder } = d;
  const outcome = await backUpTable({
    op: d.op,
    holder,
    table,
    columns,
    expected: sum,
    location: backup.location,
    csv: backup.csv,
  });
  d.op.progress(`backup verified by restoring it into a scratch database: ${outcome.file}${outcome.csv ? `, CSV: ${outcome.csv}` : ""}`);
  return outcome.file;
}

/** The audit row and the drop on the main instance, in one transaction. */
async function logAndDrop(d: Decommission, { sum, stats }: Retiring, backupFile: string | undefined): Promise<void> {
  const schema = d.partition.schema;
  await withSession(d.op, d.main, (s) =>
    s.locked(`decommissioning ${d.partition.name}`, async () => {
      // Partitions are deleted in parallel, and CREATE TABLE IF NOT EXISTS
      // is not safe against a concurrent create of the same table.
      await s.run(buildDecommissionLogLockSql(schema));
      await s.run(buildDecommissionLogTableSql(schema));
      await s.run(buildDecommissionLogInsertSql(schema), [
        d.partition.name,
        `${d.bounds.from} to ${d.bounds.to}`,
        sum.rows,
        stats.size_bytes,
        stats.earliest,
        stats.latest,
        backupFile ?? null,
        d.backup?.reason ?? BACKUP_DEFAULTS.reason,
        sum.checksum,
      ]);
      await s.run(dropOnMainSql(d));
    }),
  );
}

/** Refuses to drop rows that nothing would keep. */
function requireBackup(d: Decommission, sum: TableChecksum): void {
  if (Number(sum.rows) > 0 && !d.backup?.location) {
    throw new Error(
      `${d.op.label}: decommissioning ${d.partition.name} would drop ${formatCount(sum.rows)} ${d.local ? "local" : "archived"} rows, and no backup location is set; ` +
        `set pgtier:backupLocation (TieredTable backup.location) to a directory for the final backup, then run pulumi up again — nothing was changed`,
    );
  }
}

/** Backs up, logs and drops a partition past retention; safe to rerun. */
export async function applyDecommission(d: Decommission): Promise<DecommissionOutcome> {
  const present = await withSession(d.op, d.holder, (s) => readRelation(s, d.table));
  if (present) {
    // A capture an interrupted move left would keep the table from being dropped.
    await withSession(d.op, d.holder, (s) => removeLeftoverCapture(d.op, s, d.table));
    const retiring = await readRetiring(d);
    requireBackup(d, retiring.sum);
    const earlier = await earlierRun(d, retiring.sum);
    let backupFile = earlier?.backupFile;
    if (earlier && (!backupFile || fs.existsSync(backupFile))) {
      d.op.progress(`an earlier run already backed up and logged ${d.partition.name}${backupFile ? ` (${backupFile})` : ""}`);
    } else {
      backupFile = await backUp(d, retiring.sum);
      await logAndDrop(d, retiring, backupFile);
    }
    await dropEverywhere(d);
    d.op.progress(
      `decommissioned ${d.partition.name}: ${formatCount(retiring.sum.rows)} rows${backupFile ? `, backup ${backupFile}` : ""}`,
    );
    return { rows: retiring.sum.rows, backupFile };
  }
  // Already dropped (a rerun): make sure the partition on the main instance is gone too.
  await withSession(d.op, d.main, (s) => s.run(dropOnMainSql(d)));
  return { rows: "0" };
}

/** The partition on the main instance (it may survive an interrupted earlier run; dropping it again is harmless) and the archive table. */
async function dropEverywhere(d: Decommission): Promise<void> {
  await withSession(d.op, d.main, (s) => s.run(dropOnMainSql(d)));
  if (!d.local) {
    await withSession(d.op, d.holder, (s) => s.run(buildDropTableSql(d.table)));
  }
}
