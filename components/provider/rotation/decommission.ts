/**
 * Retiring an archived partition past retention (the guide's
 * "Decommissioning Old Archives"): a verified final backup, a row in the
 * audit table on the main instance, then the foreign partition and the
 * archive table are dropped. Each step is safe to rerun: an audit row for
 * the same rows whose backup file is still there means the backup is not
 * taken again.
 */
import * as fs from "node:fs";
import { runInTransaction, runStatement, withClient } from "../../db/client";
import { Bounds, Connection } from "../../model/types";
import { buildDropForeignTableSql } from "../../sql/fdw";
import {
  buildDecommissionLogInsertSql,
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
  readonly archive: Connection;
  /** The foreign partition on the main instance. */
  readonly partition: TableName;
  readonly archiveTable: TableName;
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

/** Backs up, logs and drops an archived partition; safe to rerun. */
export async function applyDecommission(d: Decommission): Promise<DecommissionOutcome> {
  const schema = d.partition.schema ?? "public";
  const present = await withClient(d.label, d.archive, (c) => readRelation(c, d.archiveTable.schema ?? "public", d.archiveTable.name));
  if (!present) {
    // Already dropped on the archive (a rerun): make sure the foreign partition is gone too.
    await withClient(d.label, d.main, (c) => runStatement(d.label, c, buildDropForeignTableSql(d.partition)));
    return { rows: "0" };
  }
  const { sum, stats } = await withClient(d.label, d.archive, async (c) => {
    await useStableText(c);
    return {
      sum: await tableChecksum(c, d.archiveTable, d.columns),
      stats: (await c.query(buildTableStatsSql(d.archiveTable, d.partitionKey))).rows[0] as {
        size_bytes: string;
        earliest: string | null;
        latest: string | null;
      },
    };
  });
  if (Number(sum.rows) > 0 && !d.backup?.location) {
    throw new Error(
      `${d.label}: decommissioning ${d.partition.name} would drop ${formatCount(sum.rows)} archived rows, and no backup location is set; ` +
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
      const outcome = await backUpTable(d.label, d.archive, d.archiveTable, d.columns, sum, d.backup.location, d.backup.csv === true);
      backupFile = outcome.file;
      d.progress(`backup verified by restoring it into a scratch database: ${outcome.file}${outcome.csv ? `, CSV: ${outcome.csv}` : ""}`);
    }
    await withClient(d.label, d.main, async (c) => {
      await runInTransaction(d.label, c, [buildDecommissionLogTableSql(schema)]);
      await c.query("BEGIN");
      try {
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
        await runStatement(d.label, c, buildDropForeignTableSql(d.partition));
        await c.query("COMMIT");
      } catch (err) {
        await c.query("ROLLBACK").catch(() => undefined);
        throw err;
      }
    });
  }
  // The foreign partition may survive an interrupted earlier run; dropping it again is harmless.
  await withClient(d.label, d.main, (c) => runStatement(d.label, c, buildDropForeignTableSql(d.partition)));
  await withClient(d.label, d.archive, (c) => runStatement(d.label, c, buildDropTableSql(d.archiveTable)));
  d.progress(`decommissioned ${d.partition.name}: ${formatCount(sum.rows)} rows${backupFile ? `, backup ${backupFile}` : ""}`);
  return { rows: sum.rows, backupFile };
}
