/**
 * The two ways rows reach their new table. `pipe` (the default, and the only
 * way for rows leaving an archive) streams a binary COPY out of the source
 * instance into a binary COPY on the target through the runner; `fdw` has
 * the main instance push a local partition's rows through postgres_fdw with
 * batched INSERTs, for when the runner's link to the archive is the slow
 * one. Both read in the capture's snapshot. bench/rotation-copy.ts measures
 * both.
 */
import { pipeline } from "node:stream/promises";
import { readCatalogColumns, readRelation } from "../../db/catalog";
import { Session } from "../../db/session";
import { CopyMethod } from "../../model/rotation";
import { TableName } from "../../model/types";
import { buildDropForeignTableSql } from "../../sql/fdw";
import {
  buildCopyForeignTableSql,
  buildCopyInSql,
  buildCopyOutSql,
  buildInsertSelectSql,
  clearStatsSnapshotSql,
  copyProgressSql,
  copyTableName,
} from "../../sql/rotation";
import { Operation } from "../definition";
import { formatCount } from "../progress";

/** One copy of a table's rows, as a snapshot shows them, into an emptied target. */
export interface CopyJob {
  readonly op: Operation;
  /** Source instance, in the capture's snapshot: reads the rows. */
  readonly source: Session;
  /** Target instance. */
  readonly target: Session;
  /** Another source-instance session, idle, used to watch the copy's progress. */
  readonly watcher: Session;
  /** The table the rows are in. */
  readonly from: TableName;
  /** The table they go to. */
  readonly to: TableName;
  /** Where that is, in messages: `the archive`, `the main instance`. */
  readonly destination: string;
  readonly columns: readonly string[];
  /** Statements that empty the target, in the copy's transaction (its sums go back to zero with it). */
  readonly empty: readonly string[];
  /** Rows expected, for the progress percentage. */
  readonly expectedRows: number;
  /** Foreign server on the source instance that reaches the target (fdw method). */
  readonly server: string;
  /** Rows per remote INSERT (fdw method). */
  readonly batchSize: number;
}

/** Copies with the chosen method; the target ends up holding exactly the snapshot's rows. */
export function copyRows(method: CopyMethod, job: CopyJob): Promise<void> {
  return method === "fdw" ? copyThroughFdw(job) : copyThroughPipe(job);
}

/** One progress line: rows copied, percentage, rate. */
async function reportCopied(job: CopyJob, pid: number, started: number): Promise<void> {
  // Backend status is cached per transaction; the watcher may be inside one.
  await job.watcher.run(clearStatsSnapshotSql);
  const row = await job.watcher.first<{ done: string }>(copyProgressSql, [pid]);
  if (row) {
    const done = Number(row.done);
    const rate = formatCount(Math.round(done / ((Date.now() - started) / 1000)));
    const pct = job.expectedRows > 0 ? ` (${Math.floor((100 * done) / job.expectedRows)}%)` : "";
    job.op.progress(`copied ${formatCount(done)} of ${formatCount(job.expectedRows)} rows${pct}, ${rate} rows/s`);
  }
}

/**
 * Reports rows copied every few seconds from pg_stat_progress_copy of the
 * reading session (PostgreSQL 14+). Returns the function that stops it.
 */
function watchCopy(job: CopyJob): () => Promise<void> {
  const started = Date.now();
  let polling: Promise<unknown> = Promise.resolve();
  const timer = setInterval(() => {
    polling = polling.then(() => reportCopied(job, job.source.backendPid, started)).catch(() => undefined);
  }, 2000);
  return async () => {
    clearInterval(timer);
    await polling;
  };
}

/** Rethrows a copy's failure naming the table, and that nothing was lost. */
function copyFailed(job: CopyJob, how: string, err: unknown): Error {
  const reason = err instanceof Error ? err.message : String(err);
  return new Error(`${job.op.label}: copying ${job.from.name} ${how} failed: ${reason}; the rows are untouched where they are`, {
    cause: err,
  });
}

/**
 * Binary COPY out of the source, streamed into a binary COPY into the
 * emptied target, in one target transaction. When the target refuses the
 * rows, the reading session's connection is closed (see Session.copyOut):
 * its snapshot is gone, and the caller ends it.
 */
async function copyThroughPipe(job: CopyJob): Promise<void> {
  const stop = watchCopy(job);
  try {
    await job.target.transaction(async () => {
      await job.target.runEach(job.empty);
      await pipeline(job.source.copyOut(buildCopyOutSql(job.from, job.columns)), job.target.copyIn(buildCopyInSql(job.to, job.columns)));
    });
  } catch (err) {
    throw copyFailed(job, `to ${job.destination}`, err);
  } finally {
    await stop();
  }
}

/** The source's columns with their types as the catalog prints them, in the copy's order. */
async function typedColumns(job: CopyJob): Promise<{ name: string; type: string }[]> {
  const info = await readRelation(job.source, job.from);
  const all = info ? await readCatalogColumns(job.source, info.oid) : [];
  return job.columns.map((name) => {
    const column = all.find((c) => c.name === name);
    if (!column) {
      throw new Error(
        `${job.op.label}: ${job.from.name} has no column ${JSON.stringify(name)}; run pulumi refresh to see the table as it is`,
      );
    }
    return column;
  });
}

/**
 * `INSERT INTO <foreign table> SELECT * FROM partition` on the main
 * instance, in the snapshot's transaction, through a transient foreign table
 * with batch_size. postgres_fdw commits the remote side when that
 * transaction commits (the caller ends it). The target is emptied first, on
 * its own.
 */
async function copyThroughFdw(job: CopyJob): Promise<void> {
  const copyTable: TableName = { schema: job.from.schema, name: copyTableName(job.from.name) };
  const started = Date.now();
  try {
    await job.target.runAll(job.empty);
    await job.source.runEach([
      buildDropForeignTableSql(copyTable),
      buildCopyForeignTableSql(copyTable, await typedColumns(job), job.server, job.to, job.batchSize),
      buildInsertSelectSql(copyTable, job.from, job.columns),
      buildDropForeignTableSql(copyTable),
    ]);
  } catch (err) {
    throw copyFailed(job, "through postgres_fdw", err);
  }
  const seconds = (Date.now() - started) / 1000;
  job.op.progress(`copied ${formatCount(job.expectedRows)} rows through postgres_fdw in ${seconds.toFixed(1)} s`);
}
