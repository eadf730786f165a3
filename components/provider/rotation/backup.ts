/**
 * The final backup of a table before it is dropped: pg_dump in custom
 * format, proved by restoring it into a scratch database on the same
 * instance and comparing count and checksum; optionally a CSV.gz export.
 */
import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { pipeline } from "node:stream/promises";
import { createGzip } from "node:zlib";
import { lockWaits } from "../../db/blockers";
import { withSession } from "../../db/client";
import { runClientTool } from "../../db/client-tools";
import { Session } from "../../db/session";
import { Operation } from "../../model/operation";
import { Connection, TableName } from "../../model/types";
import { partitionAncestorsSql } from "../../sql/catalog";
import { buildCreateDatabaseSql, buildDropDatabaseSql } from "../../sql/fdw";
import { quoteQualified } from "../../sql/quote";
import { buildCopyCsvOutSql } from "../../sql/rotation";
import { describeChecksum, sameRows, TableChecksum, tableChecksum, useStableText } from "./checksum";

/** One table to back up, and what it must be found to hold. */
export interface BackupJob {
  readonly op: Operation;
  /** The instance holding the table. */
  readonly holder: Connection;
  readonly table: Required<TableName>;
  readonly columns: readonly string[];
  /** Count and checksum the restored dump must show. */
  readonly expected: TableChecksum;
  /** Directory for the files. */
  readonly location: string;
  /** Also export CSV.gz. */
  readonly csv: boolean;
}

/** Where a backup went. */
export interface BackupOutcome {
  /** The custom-format dump. */
  readonly file: string;
  /** The CSV.gz export, when asked for. */
  readonly csv?: string;
}

/** Runs a PostgreSQL client tool with the password in its environment, never on its command line. */
async function runTool(op: Operation, tool: string, args: string[], connection: Connection): Promise<void> {
  await runClientTool(op, tool, args, connection);
}

/**
 * pg_dump patterns of the tables a partition's dump needs beside it (its
 * parent, and the parent's parent...). A local partition's dump refers to
 * its parent: `ALTER TABLE ONLY parent ATTACH PARTITION`, and the parent's
 * serial sequence as a column default; without them, restoring it into an
 * empty database (the scratch database that proves the backup) creates no
 * table and restores no rows. A partitioned parent holds no rows itself, so
 * it adds only its definition and its sequence. None for a plain table.
 */
async function ancestorPatterns(s: Session, pattern: string): Promise<string[]> {
  const rows = await s.rows<{ schema: string; name: string }>(partitionAncestorsSql, [pattern]);
  return rows.map((r) => quoteQualified(r.schema, r.name));
}

/** The file name of a backup: database, table and a UTC timestamp. */
export function backupFileName(database: string, table: TableName, at: Date): string {
  const stamp = at
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d+Z$/, "Z");
  return `${database}.${table.schema ?? "public"}.${table.name}.${stamp}.dump`;
}

/** Restores `file` into a scratch database and checks it holds what was expected; the scratch database goes either way. */
async function proveDump(job: BackupJob, file: string): Promise<void> {
  const { op, holder } = job;
  const label = op.label;
  const scratch = `pgtier_verify_${randomBytes(4).toString("hex")}`;
  await withSession(op, holder, (s) => s.run(buildCreateDatabaseSql(scratch)));
  try {
    await runTool(op, "pg_restore", ["--no-owner", `--dbname=${scratch}`, file], holder);
    const restored = await withSession(op, { ...holder, database: scratch }, async (s) => {
      await useStableText(s);
      return tableChecksum(s, job.table, job.columns);
    });
    if (!sameRows(restored, job.expected)) {
      fs.rmSync(file, { force: true });
      throw new Error(
        `${label}: the backup of ${job.table.schema}.${job.table.name} restored ${describeChecksum(restored)}, expected ${describeChecksum(job.expected)}; ` +
          `nothing was dropped — check disk space and the pg_dump version, then run pulumi up again`,
      );
    }
  } finally {
    await withSession(op, holder, (s) => s.run(buildDropDatabaseSql(scratch))).catch(() => undefined);
  }
}

/** The rows as CSV with a header, gzipped, beside the dump. */
async function exportCsv(job: BackupJob, file: string): Promise<string> {
  const csvFile = file.replace(/\.dump$/, ".csv.gz");
  await withSession(job.op, job.holder, async (s) => {
    await useStableText(s);
    await pipeline(s.copyOut(buildCopyCsvOutSql(job.table, job.columns)), createGzip(), fs.createWriteStream(csvFile));
  });
  return csvFile;
}

/**
 * Dumps the table, restores the dump into a scratch database and checks it
 * holds what was expected. Throws (and deletes the dump) when the restored
 * rows differ.
 */
export async function backUpTable(job: BackupJob): Promise<BackupOutcome> {
  fs.mkdirSync(job.location, { recursive: true });
  const file = path.join(job.location, backupFileName(job.holder.database, job.table, new Date()));
  // pg_dump reads --table as a pattern; quoted identifiers make each part literal.
  const pattern = quoteQualified(job.table.schema, job.table.name);
  const ancestors = await withSession(job.op, job.holder, (s) => ancestorPatterns(s, pattern));
  const tables = [pattern, ...ancestors].map((p) => `--table=${p}`);
  // pg_dump waits for its table locks as long as pgtier's statements do in all, then fails: nothing is dropped without a backup.
  const { timeoutMs, attempts } = lockWaits();
  const lockWait = `--lock-wait-timeout=${timeoutMs * attempts}`;
  await runTool(
    job.op,
    "pg_dump",
    ["--format=custom", lockWait, ...tables, `--file=${file}`, `--dbname=${job.holder.database}`],
    job.holder,
  );
  await proveDump(job, file);
  return job.csv ? { file, csv: await exportCsv(job, file) } : { file };
}
