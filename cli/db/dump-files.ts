/**
 * The files of a backup: pg_dump into them, their table of contents,
 * pg_restore of their data, and their size and SHA-256. The passwords go to
 * the tools through their environment (components/db/client-tools.ts).
 */
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { pipeline } from "node:stream/promises";
import { execFile } from "node:child_process";
import { runClientTool } from "../../components/db/client-tools";
import { Operation } from "../../components/model/operation";
import { Connection } from "../../components/model/types";
import { parseToc, TocEntry } from "../backup/toc";

/** `pg_dump (PostgreSQL) 15.18 ...`: the version of the pg_dump on PATH. */
export function pgDumpVersion(): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile("pg_dump", ["--version"], (err, stdout) =>
      err
        ? reject(
            new Error(
              `pg_dump was not found on PATH (${err.message}) — install the PostgreSQL client tools (Debian: apt-get install postgresql-client), at the servers' major version or newer`,
            ),
          )
        : resolve(String(stdout).trim()),
    );
  });
}

/**
 * pg_dump of `c`'s database in custom format into `file`: every object of
 * it, or only `tables` when given, read in the exported `snapshot` (so the
 * rows are those the caller counted in it). pg_dump never dumps a foreign
 * table's rows (only with --include-foreign-data, which is not given).
 */
export async function dumpDatabase(
  op: Operation,
  c: Connection,
  file: string,
  options: { readonly snapshot: string; readonly tables?: readonly string[]; readonly lockWaitMs: number },
): Promise<void> {
  // Made 0600 before pg_dump writes into it (it keeps the mode of a file it truncates):
  // the main database's dump holds its user mappings, passwords included.
  fs.closeSync(fs.openSync(file, "w", 0o600));
  fs.chmodSync(file, 0o600);
  await runClientTool(
    op,
    "pg_dump",
    [
      "--format=custom",
      `--snapshot=${options.snapshot}`,
      `--lock-wait-timeout=${options.lockWaitMs}`,
      ...(options.tables ?? []).map((t) => `--table=${t}`),
      `--file=${file}`,
      `--dbname=${c.database}`,
    ],
    c,
  );
}

/** The table of contents of a dump file. */
export async function readToc(op: Operation, c: Connection, file: string): Promise<TocEntry[]> {
  return parseToc(await runClientTool(op, "pg_restore", ["--list", file], c));
}

/**
 * Restores the entries of `list` (a pg_restore listing) from `file` into
 * `c`'s database, in one transaction, without owner or privilege changes:
 * rows and sequence values only, unless `dataOnly` is false (a table the
 * target lacks, created from its definition in the dump).
 */
export async function restoreData(op: Operation, c: Connection, file: string, list: string, dataOnly = true): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pgtier-restore-"));
  const listFile = path.join(dir, "list");
  try {
    fs.writeFileSync(listFile, list);
    await runClientTool(
      op,
      "pg_restore",
      [
        ...(dataOnly ? ["--data-only"] : []),
        "--no-owner",
        "--no-privileges",
        "--single-transaction",
        "--exit-on-error",
        `--use-list=${listFile}`,
        `--dbname=${c.database}`,
        file,
      ],
      c,
    );
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** A file's size in bytes and SHA-256 (hex), read as a stream. */
export async function fileDigest(file: string): Promise<{ bytes: number; sha256: string }> {
  const hash = createHash("sha256");
  await pipeline(fs.createReadStream(file), hash);
  return { bytes: fs.statSync(file).size, sha256: hash.digest("hex") };
}

/** A file's size now, 0 while it does not exist (for progress). */
export function sizeNow(file: string): number {
  try {
    return fs.statSync(file).size;
  } catch {
    return 0;
  }
}
