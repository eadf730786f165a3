/**
 * Retiring an archived partition past retention (the guide's
 * "Decommissioning Old Archives"): a verified final backup, a row in the
 * audit table on the main instance, then the foreign partition and the
 * archive table are dropped. Each step is safe to rerun: an audit row for
 * the same rows whose backup file is still there means the backup is not
 * taken again.
 */
import * as fs from "node:fs";
import { inTransaction, runStatement, withClient } from "../../db/client";
import { Bounds, Connection } from "../../model/types";
import { buildDropForeignTableSql } from "../../sql/fdw";
import {
  buildDecommissionLogInsertSql,
  buildDecommissionLogLockSql,
  buildDecommissionLogLookupSql,
  buildDecommissionLogTableSql,
  buildTableStatsSql,
  DECOMMISSION_LOG,
} from "../../sql/rotation";
import { buildDropTableSql, TableName } from "../../sql/tables";
import { firstRow } from "../handlers/common";
import { readRelation } from "../handlers/relations";
import { formatCount, Progress } from "../progress";
import { backUpTable } from "./backup";
import { describeChecksum, tableChecksum, useStableText } from "./checksum";

/** Where final backups go. */
export interface BackupSettings {
  /** Directory (absolute) on the machine running pulumi. */
  readonly location: string;
  /**
   * Also export the rows as CSV.gz beside the dump.
   * @default false
   */
  readonly csv?: boolean;
  /**
   * Recorded as retention_reason in the audit table.
   * @default "retention period expired"
   */
  readonly reason?: string;
}

/** Everything one decommission needs. */
export interface Decommission {
  readonly label: string;
  readonly main: Connection;
  /**
   * Where the rows are: the archive instance, or the main instance for a
   * partition that leaves retention before it was ever archived (an as-of
   * date moved by more than the archive window).
   */
  readonly holder: Connection;
  /** The partition on the main instance (a foreign table, or the local table itself). */
  readonly partition: TableName;
  /** The table holding the rows: the archive table, or the partition when local. */
  readonly table: TableName;
  /** Whether the rows are in the local partition on the main instance. */
  readonly local: boolean;
  readonly bounds: Bounds;
  readonly columns: readonly string[];
  readonly partitionKey: string;
  /** Required when the archive table holds rows. */
  readonly backup?: BackupSettings;
  readonly progress: Progress;
}

/** What was retired. */
export interface DecommissionOutcome {
  readonly rows: string;
  readonly backupFile?: string;
}

/** Drops the partition on the main instance: the foreign table, or the local table with its rows. */
function dropOnMainSql(d: Decommission): string {
  return d.local ? buildDropTableSql(d.partition) : buildDropForeignTableSql(d.partition);
}

/** Backs up, logs and drops a partition past retention; safe to rerun. */
export async function applyDecommission(d: Decommission): Promise<DecommissionOutcome> {
  const schema = d.partition.schema ?? "public";
  const present = await withClient(d.label, d.holder, (c) => readRelation(c, d.table.schema ?? "public", d.table.name));
  if (!present) {
    // Already dropped (a rerun): make sure the partition on the main instance is gone too.
    await withClient(d.label, d.main, (c) => runStatement(d.label, c, dropOnMainSql(d)));
    return { rows: "0" };
  }
  const { sum, stats } = await withClient(d.label, d.holder, async (c) => {
    await useStableText(c);
    return {
      sum: await tableChecksum(c, d.table, d.columns),
      stats: (await c.query(buildTableStatsSql(d.table, d.partitionKey))).rows[0] as {
        size_bytes: string;
        earliest: string | null;
        latest: string | null;
      },
    };
  });
  if (Number(sum.rows) > 0 && !d.backup?.location) {
    throw new Error(
      `${d.label}: decommissioning ${d.partition.name} would drop ${formatCount(sum.rows)} ${d.local ? "local" : "archived"} rows, and no backup location is set; ` +
        `set pgtier:backupLocation (TieredTable backup.location) to a directory for the final backup, then run pulumi up again — nothing was changed`,
    );
  }

  const earlier = await withClient(d.label, d.main, async (c) => {
    const log = await readRelation(c, schema, DECOMMISSION_LOG);
    return log
      ? firstRow<{ backup_location: string | null }>(c, buildDecommissionLogLookupSql(schema), [d.partition.name, sum.checksum])
      : undefined;
  });
  let backupFile = earlier?.backup_location ?? undefined;
  if (earlier && (!backupFile || fs.existsSync(backupFile))) {
    d.progress(`an earlier run already backed up and logged ${d.partition.name}${backupFile ? ` (${backupFile})` : ""}`);
  } else {
    if (Number(sum.rows) > 0 && d.backup) {
      d.progress(`backing up ${d.partition.name} (${describeChecksum(sum)}) to ${d.backup.location}`);
      const outcome = await backUpTable(d.label, d.holder, d.table, d.columns, sum, d.backup.location, d.backup.csv === true);
      backupFile = outcome.file;
      d.progress(`backup verified by restoring it into a scratch database: ${outcome.file}${outcome.csv ? `, CSV: ${outcome.csv}` : ""}`);
    }
    await withClient(d.label, d.main, (c) =>
      inTransaction(c, async () => {
        // Partitions are deleted in parallel, and CREATE TABLE IF NOT EXISTS
        // is not safe against a concurrent create of the same table.
        await c.query(buildDecommissionLogLockSql(schema));
        await runStatement(d.label, c, buildDecommissionLogTableSql(schema));
        await c.query(buildDecommissionLogInsertSql(schema), [
          d.partition.name,
          `${d.bounds.from} to ${d.bounds.to}`,
          sum.rows,
          stats.size_bytes,
          stats.earliest,
          stats.latest,
          backupFile ?? null,
          d.backup?.reason ?? "retention period expired",
          sum.checksum,
        ]);
        await runStatement(d.label, c, dropOnMainSql(d));
      }),
    );
  }
  // The partition may survive an interrupted earlier run; dropping it again is harmless.
  await withClient(d.label, d.main, (c) => runStatement(d.label, c, dropOnMainSql(d)));
  if (!d.local) {
    await withClient(d.label, d.holder, (c) => runStatement(d.label, c, buildDropTableSql(d.table)));
  }
  d.progress(`decommissioned ${d.partition.name}: ${formatCount(sum.rows)} rows${backupFile ? `, backup ${backupFile}` : ""}`);
  return { rows: sum.rows, backupFile };
}
