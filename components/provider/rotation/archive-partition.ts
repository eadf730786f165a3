/**
 * Moving a local partition to an archive instance, in the order that never
 * puts the only copy of a row at risk:
 *
 *   1. the archive table exists (CHECK constraint, indexes);
 *   2. on the main instance, a transaction locks the partition against
 *      writes (SHARE: reads and other partitions go on; writers to this
 *      partition wait, they are not lost);
 *   3. unless the archive already holds exactly these rows (a rerun), it is
 *      emptied and the rows copied;
 *   4. count and checksum are compared on both sides;
 *   5. still in that transaction: detach, drop (or rename) the local table,
 *      attach the foreign partition, count through it, commit;
 *   6. ANALYZE the archive table.
 *
 * A lock not granted within lock_timeout (or a deadlock with a writer)
 * rolls the attempt back and retries; the next attempt re-verifies and only
 * copies again if rows changed in between. A writer blocked on the
 * partition holds a lock on the parent that the cutover must wait for, so
 * steady writes to the rotating period can defeat every attempt; after
 * {@link EXCLUSIVE_AFTER} failed attempts, pgtier locks the parent
 * exclusively first, which blocks reads of the whole table for the copy
 * but cannot deadlock. A crash at any point leaves
 * either the local partition attached (and a rerun starts over at step 2)
 * or the foreign partition attached (and a rerun only analyzes).
 */
import { setTimeout as sleep } from "node:timers/promises";
import { Client } from "pg";
import { inTransaction, runInTransaction, runStatement, withClient } from "../../db/client";
import { Bounds, ColumnSpec, Connection, IndexSpec } from "../../model/types";
import {
  buildAnalyzeSql,
  buildBlockWritesSql,
  buildCountSql,
  buildCreateIndexIfMissingSql,
  buildCutoverSql,
  buildLockParentSql,
  buildLockTimeoutSql,
  deadlockTimeoutSql,
  waitingLocksSql,
} from "../../sql/rotation";
import { archiveIndex, buildCreateArchiveTableSql, TableName } from "../../sql/tables";
import { columnsSql, foreignTableSql } from "../../sql/catalog";
import { quoteQualified } from "../../sql/quote";
import { firstRow } from "../handlers/common";
import { readRelation } from "../handlers/relations";
import { formatCount, Progress } from "../progress";
import { describeChecksum, sameRows, TableChecksum, tableChecksum, useStableText } from "./checksum";
import { copyRows, CopyMethod } from "./copy";

/** Failed attempts after which the parent is locked exclusively before copying. */
export const EXCLUSIVE_AFTER = 3;

/** Everything one rotation needs. */
export interface ArchiveRotation {
  /** `TieredPartition "employees-emp_2025"`, for messages. */
  readonly label: string;
  readonly main: Connection;
  readonly archive: Connection;
  readonly parent: TableName;
  readonly partition: TableName;
  readonly archiveTable: TableName;
  readonly bounds: Bounds;
  readonly columns: readonly ColumnSpec[];
  readonly partitionKey: string;
  readonly indexes: readonly IndexSpec[];
  /** Foreign server on the main instance pointing at the archive instance. */
  readonly server: string;
  /** Foreign table options (schema_name, table_name and postgres_fdw's). */
  readonly foreignOptions: Readonly<Record<string, string>>;
  readonly method: CopyMethod;
  readonly batchSize: number;
  readonly keepLocal: boolean;
  readonly lockTimeoutMs: number;
  readonly attempts: number;
  readonly progress: Progress;
}

/** What a rotation did. */
export interface RotationOutcome extends TableChecksum {
  /** Whether rows were copied (false when a rerun found them already there). */
  readonly copied: boolean;
  /** Attempts used (more than 1 when a lock was not granted in time). */
  readonly attempts: number;
}

/** A lock not granted in time, or a deadlock with a writer: worth another attempt. */
function isLockConflict(err: unknown): boolean {
  let e: unknown = err;
  while (e) {
    const code = (e as { code?: string }).code;
    if (code === "55P03" || code === "40P01") {
      return true;
    }
    e = (e as { cause?: unknown }).cause;
  }
  return false;
}

/** Creates the archive table, or checks that the one there has the partition's columns. */
async function ensureArchiveTable(r: ArchiveRotation, archive: Client): Promise<void> {
  const info = await readRelation(archive, r.archiveTable.schema ?? "public", r.archiveTable.name);
  if (!info) {
    // Indexes come after the rows (ensureArchiveIndexes): building them once
    // over a loaded table is faster than maintaining them row by row.
    await runInTransaction(r.label, archive, buildCreateArchiveTableSql(r.archiveTable, r.columns, r.partitionKey, r.bounds, []));
    return;
  }
  const present = ((await archive.query(columnsSql, [info.oid])).rows as { name: string }[]).map((row) => row.name);
  const missing = r.columns.map((c) => c.name).filter((name) => !present.includes(name));
  if (info.kind !== "r" || missing.length > 0) {
    throw new Error(
      `${r.label}: ${r.archiveTable.schema ?? "public"}.${r.archiveTable.name} already exists on the archive instance ` +
        `${info.kind !== "r" ? "and is not a plain table" : `without column(s) ${missing.join(", ")}`}; ` +
        `rename or drop it there, then run pulumi up again — nothing was changed`,
    );
  }
}

/** Rows in a table. */
async function rowCount(client: Client, table: TableName): Promise<number> {
  return Number(((await client.query(buildCountSql(table))).rows[0] as { rows: string }).rows);
}

/** Creates the archive table's indexes that are missing (all of them after a first copy). */
async function ensureArchiveIndexes(r: ArchiveRotation, archive: Client): Promise<void> {
  for (const index of r.indexes) {
    await runStatement(r.label, archive, buildCreateIndexIfMissingSql(r.archiveTable, archiveIndex(r.archiveTable.name, index)));
  }
}

/** Whether the partition is already a foreign partition on this server (a rerun after a committed cutover). */
async function alreadyCutOver(r: ArchiveRotation, main: Client): Promise<boolean> {
  const info = await readRelation(main, r.partition.schema ?? "public", r.partition.name);
  if (!info) {
    throw new Error(
      `${r.label}: partition ${r.partition.schema ?? "public"}.${r.partition.name} does not exist on the main instance; ` +
        `run pulumi refresh to see what is there, then pulumi up`,
    );
  }
  if (info.kind !== "f") {
    return false;
  }
  const row = await firstRow<{ server: string }>(main, foreignTableSql, [info.oid]);
  return row?.server === r.server;
}

/**
 * Gives way, before the cutover waits for the parent, to sessions queued
 * behind the partition's SHARE lock. A writer routed to the partition
 * already holds ROW EXCLUSIVE on the parent, so waiting for the parent now
 * closes a deadlock cycle, and PostgreSQL aborts whichever session checks
 * first: when the writer has waited longer (deadlock_timeout), that is the
 * application's INSERT, failing with "deadlock detected" instead of waiting
 * as promised. Throwing a lock conflict instead rolls this attempt back,
 * lets the writers in, and retries. Writers that arrive after the parent
 * lock is requested queue on the parent and hold nothing the cutover needs.
 */
async function giveWayToWaitingWriters(r: ArchiveRotation, main: Client): Promise<void> {
  const row = await firstRow<{ waiting: number }>(main, waitingLocksSql, [quoteQualified(r.partition.schema, r.partition.name)]);
  if (row && row.waiting > 0) {
    r.progress(`${row.waiting} session(s) wait to write to ${r.partition.name}; letting them in before cutting over`);
    throw Object.assign(new Error(`${r.label}: sessions wait to write to ${r.partition.name}`), { code: "55P03" });
  }
}

/** The sessions one rotation works with. */
interface Sessions {
  /** Main instance: holds the locks, and cuts over. */
  readonly main: Client;
  /** Main instance: reads the partition for the copy. */
  readonly reader: Client;
  /** Main instance: the local checksum while the copy runs. */
  readonly checker: Client;
  /** Archive instance. */
  readonly archive: Client;
}

/**
 * Under the write lock: copies the rows unless the archive already holds
 * exactly them, and checks count and checksum on both sides. Returns the
 * local checksum and whether rows were copied.
 */
async function copyAndVerify(r: ArchiveRotation, s: Sessions): Promise<{ local: TableChecksum; copied: boolean }> {
  const columns = r.columns.map((c) => c.name);
  const job = {
    label: r.label,
    source: s.reader,
    target: s.archive,
    watcher: s.main,
    partition: r.partition,
    archiveTable: r.archiveTable,
    columns,
    expectedRows: await rowCount(s.main, r.partition),
    server: r.server,
    batchSize: r.batchSize,
    progress: r.progress,
  };
  let local: TableChecksum;
  if ((await rowCount(s.archive, r.archiveTable)) === 0 && job.expectedRows > 0) {
    // The usual first run: nothing to compare yet, so the local checksum is
    // computed on its own session while the copy runs (both read the same
    // locked rows).
    r.progress(`copying ${formatCount(job.expectedRows)} rows of ${r.partition.name} to the archive (${r.method})`);
    [local] = await Promise.all([tableChecksum(s.checker, r.partition, columns), copyRows(r.method, job)]);
  } else {
    local = await tableChecksum(s.main, r.partition, columns);
    if (sameRows(local, await tableChecksum(s.archive, r.archiveTable, columns))) {
      r.progress(`the archive already holds ${r.partition.name}'s ${formatCount(local.rows)} rows (checksum matches); not copying again`);
      return { local, copied: false };
    }
    r.progress(
      `copying ${formatCount(local.rows)} rows of ${r.partition.name} to the archive (${r.method}); it held other rows, they are replaced`,
    );
    await copyRows(r.method, job);
  }
  const remote = await tableChecksum(s.archive, r.archiveTable, columns);
  if (!sameRows(local, remote)) {
    throw new Error(
      `${r.label}: verification failed after copying ${r.partition.name}: local ${describeChecksum(local)}, ` +
        `archive ${describeChecksum(remote)}; the local partition is untouched — run pulumi up again`,
    );
  }
  return { local, copied: true };
}

/** In the locked transaction: detach, drop or rename, attach the foreign partition, count through it. */
async function cutOver(r: ArchiveRotation, main: Client, local: TableChecksum): Promise<void> {
  const statements = buildCutoverSql({
    parent: r.parent,
    partition: r.partition,
    bounds: r.bounds,
    server: r.server,
    options: r.foreignOptions,
    keepLocal: r.keepLocal,
  });
  for (const sql of statements) {
    await runStatement(r.label, main, sql);
  }
  // The application's path to the rows: through the new foreign partition
  // (postgres_fdw pushes the count down to the archive instance).
  const through = await rowCount(main, r.partition);
  if (String(through) !== local.rows) {
    throw new Error(
      `${r.label}: counting ${r.partition.name} through postgres_fdw after the cutover gave ${through} rows, ` +
        `expected ${local.rows}; rolled back, the local partition is untouched`,
    );
  }
}

/**
 * Caps the cutover's wait for the parent below half of deadlock_timeout. A
 * writer that slipped in after {@link giveWayToWaitingWriters} looked, and
 * now waits on the partition, started waiting before the cutover did; if the
 * cutover waited longer than deadlock_timeout, the writer's deadlock check
 * would run first and abort the application's statement. Timing out first
 * instead rolls this attempt back and lets the writer through.
 */
async function shortenCutoverWait(r: ArchiveRotation, main: Client): Promise<void> {
  const row = await firstRow<{ ms: number }>(main, deadlockTimeoutSql, []);
  const cap = Math.max(1, Math.floor((row?.ms ?? 1000) / 2));
  if (r.lockTimeoutMs > cap) {
    await main.query(buildLockTimeoutSql(cap));
  }
}

/** One attempt: lock, verify or copy, cut over, commit. Throws a lock conflict for the caller to retry. */
function attempt(r: ArchiveRotation, s: Sessions, exclusive: boolean): Promise<RotationOutcome & { attempts: 0 }> {
  return inTransaction(s.main, async () => {
    await s.main.query(buildLockTimeoutSql(r.lockTimeoutMs));
    if (exclusive) {
      await s.main.query(buildLockParentSql(r.parent));
    }
    await s.main.query(buildBlockWritesSql(r.partition));
    const { local, copied } = await copyAndVerify(r, s);
    await ensureArchiveIndexes(r, s.archive);
    if (!exclusive) {
      await giveWayToWaitingWriters(r, s.main);
      await shortenCutoverWait(r, s.main);
    }
    r.progress(`verified ${describeChecksum(local)} on both sides; cutting over`);
    await cutOver(r, s.main, local);
    return { ...local, copied, attempts: 0 };
  });
}

/** Moves the partition's rows to the archive and makes it a foreign partition; safe to rerun. */
export async function applyArchiveRotation(r: ArchiveRotation): Promise<RotationOutcome> {
  return withClient(r.label, r.main, (main) =>
    withClient(r.label, r.main, (reader) =>
      withClient(r.label, r.main, (checker) =>
        withClient(r.label, r.archive, async (archive) => {
          for (const client of [main, reader, checker, archive]) {
            await useStableText(client);
          }
          await ensureArchiveTable(r, archive);
          if (await alreadyCutOver(r, main)) {
            r.progress(`${r.partition.name} is already a foreign partition on ${r.server} (an earlier run committed the cutover)`);
            await ensureArchiveIndexes(r, archive);
            await runStatement(r.label, archive, buildAnalyzeSql(r.archiveTable));
            const sum = await tableChecksum(
              archive,
              r.archiveTable,
              r.columns.map((c) => c.name),
            );
            return { ...sum, copied: false, attempts: 0 };
          }
          for (let n = 1; ; n++) {
            try {
              const exclusive = n > EXCLUSIVE_AFTER;
              if (exclusive && n === EXCLUSIVE_AFTER + 1) {
                r.progress(`writers keep the cutover waiting; locking ${r.parent.name} exclusively for the copy (reads wait too)`);
              }
              const outcome = await attempt(r, { main, reader, checker, archive }, exclusive);
              await runStatement(r.label, archive, buildAnalyzeSql(r.archiveTable));
              r.progress(`archived ${r.partition.name}: ${describeChecksum(outcome)}`);
              return { ...outcome, attempts: n };
            } catch (err) {
              if (!isLockConflict(err) || n >= r.attempts) {
                if (isLockConflict(err)) {
                  throw new Error(
                    `${r.label}: could not lock ${r.partition.name} and ${r.parent.name} within ${r.lockTimeoutMs} ms in ${n} attempts ` +
                      `(long transactions or writers hold them); nothing was changed on the main instance — ` +
                      `run pulumi up again when they are done, or raise lockTimeoutMs`,
                    { cause: err },
                  );
                }
                throw err;
              }
              r.progress(`lock on ${r.partition.name}/${r.parent.name} not granted (attempt ${n} of ${r.attempts}); retrying`);
              await sleep(Math.min(5000, 250 * n));
            }
          }
        }),
      ),
    ),
  );
}
