/**
 * The final backup of an archive table before it is dropped: pg_dump in
 * custom format, proved by restoring it into a scratch database on the same
 * instance and comparing count and checksum; optionally a CSV.gz export.
 */
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { pipeline } from "node:stream/promises";
import { createGzip } from "node:zlib";
import { Client } from "pg";
import { to as copyTo } from "pg-copy-streams";
import { runStatement, withClient } from "../../db/client";
import { Connection } from "../../model/types";
import { buildCreateDatabaseSql, buildDropDatabaseSql } from "../../sql/fdw";
import { partitionAncestorsSql } from "../../sql/catalog";
import { quoteQualified } from "../../sql/quote";
import { buildCopyCsvOutSql } from "../../sql/rotation";
import { TableName } from "../../sql/tables";
import { describeChecksum, sameRows, TableChecksum, tableChecksum, useStableText } from "./checksum";

/** Runs a PostgreSQL client tool with the password in its environment, never on its command line. */
function runTool(label: string, tool: string, args: string[], c: Connection): Promise<void> {
  const env = { ...process.env, PGPASSWORD: c.password, PGHOST: c.host, PGPORT: String(c.port), PGUSER: c.user };
  return new Promise((resolve, reject) => {
    execFile(tool, args, { env, maxBuffer: 16 * 1024 * 1024 }, (err, _stdout, stderr) => {
      if (!err) {
        resolve();
        return;
      }
      const code = (err as NodeJS.ErrnoException).code;
      reject(
        new Error(
          code === "ENOENT"
            ? `${label}: ${tool} was not found on PATH; install the PostgreSQL client tools (Debian: apt-get install postgresql-client), at the server's major version or newer`
            : `${label}: ${tool} failed: ${String(stderr).trim() || (err as Error).message}`,
        ),
      );
    });
  });
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
async function ancestorPatterns(client: Client, pattern: string): Promise<string[]> {
  const rows = (await client.query(partitionAncestorsSql, [pattern])).rows as { schema: string; name: string }[];
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

/** Where a backup went and what it holds. */
export interface BackupOutcome {
  /** The custom-format dump. */
  readonly file: string;
  /** The CSV.gz export, when asked for. */
  readonly csv?: string;
}

/**
 * Dumps `table`, restores the dump into a scratch database and checks it
 * holds `expected`; the scratch database is dropped either way. Throws (and
 * deletes the dump) when the restored rows differ.
 */
export async function backUpTable(
  label: string,
  archive: Connection,
  table: TableName,
  columns: readonly string[],
  expected: TableChecksum,
  location: string,
  csv: boolean,
): Promise<BackupOutcome> {
  fs.mkdirSync(location, { recursive: true });
  const file = path.join(location, backupFileName(archive.database, table, new Date()));
  const qualified = `${table.schema ?? "public"}.${table.name}`;
  // pg_dump reads --table as a pattern; quoted identifiers make each part literal.
  const pattern = quoteQualified(table.schema ?? "public", table.name);
  const ancestors = await withClient(label, archive, (c) => ancestorPatterns(c, pattern));
  await runTool(
    label,
    "pg_dump",
    ["--format=custom", ...[pattern, ...ancestors].map((p) => `--table=${p}`), `--file=${file}`, `--dbname=${archive.database}`],
    archive,
  );

  const scratch = `pgtier_verify_${randomBytes(4).toString("hex")}`;
  await withClient(label, archive, (c) => runStatement(label, c, buildCreateDatabaseSql(scratch)));
  try {
    await runTool(label, "pg_restore", ["--no-owner", `--dbname=${scratch}`, file], archive);
    const restored = await withClient(label, { ...archive, database: scratch }, async (c) => {
      await useStableText(c);
      return tableChecksum(c, table, columns);
    });
    if (!sameRows(restored, expected)) {
      fs.rmSync(file, { force: true });
      throw new Error(
        `${label}: the backup of ${qualified} restored ${describeChecksum(restored)}, expected ${describeChecksum(expected)}; ` +
          `nothing was dropped — check disk space and the pg_dump version, then run pulumi up again`,
      );
    }
  } finally {
    await withClient(label, archive, (c) => runStatement(label, c, buildDropDatabaseSql(scratch))).catch(() => undefined);
  }
  if (!csv) {
    return { file };
  }
  const csvFile = file.replace(/\.dump$/, ".csv.gz");
  await withClient(label, archive, async (c: Client) => {
    await useStableText(c);
    await pipeline(c.query(copyTo(buildCopyCsvOutSql(table, columns))), createGzip(), fs.createWriteStream(csvFile));
  });
  return { file, csv: csvFile };
}
