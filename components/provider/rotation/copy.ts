/**
 * The two ways rows reach the archive table. `pipe` (the default) streams a
 * binary COPY out of the main instance into a binary COPY on the archive
 * instance through the runner; `fdw` has the main instance push the rows
 * through postgres_fdw with batched INSERTs, for when the runner's link to
 * the archive is the slow or missing one. bench/rotation-copy.ts measures both.
 */
import { pipeline } from "node:stream/promises";
import { readCatalogColumns, readRelation } from "../../db/catalog";
import { Session } from "../../db/session";
import { CopyMethod } from "../../model/rotation";
import { TableName } from "../../model/types";
import { buildDropForeignTableSql } from "../../sql/fdw";
import {
  backendPidSql,
  buildCopyForeignTableSql,
  buildCopyInSql,
  buildCopyOutSql,
  buildInsertSelectSql,
  buildTruncateSql,
  clearStatsSnapshotSql,
  copyProgressSql,
  copyTableName,
} from "../../sql/rotation";
import { Operation } from "../definition";
import { formatCount } from "../progress";

/** One copy of a partition's rows into its (emptied) archive table. */
export interface CopyJob {
  readonly op: Operation;
  /** Main instance, used only to read the partition. */
  readonly source: Session;
  /** Archive instance. */
  readonly target: Session;
  /** Another main-instance session, idle, used to watch the copy's progress. */
  readonly watcher: Session;
  readonly partition: TableName;
  readonly archiveTable: TableName;
  readonly columns: readonly string[];
  /** Rows expected, for the progress percentage. */
  readonly expectedRows: number;
  /** Foreign server (fdw method). */
  readonly server: string;
  /** Rows per remote INSERT (fdw method). */
  readonly batchSize: number;
}

/** Copies with the chosen method; the archive table ends up holding exactly the partition's rows. */
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
async function watchCopy(job: CopyJob): Promise<() => Promise<void>> {
  const pid = (await job.source.first<{ pid: number }>(backendPidSql))?.pid;
  const started = Date.now();
  let polling: Promise<unknown> = Promise.resolve();
  const timer = setInterval(() => {
    polling = polling
      .then(async () => {
        if (pid !== undefined) {
          await reportCopied(job, pid, started);
        }
      })
      .catch(() => undefined);
  }, 2000);
  return async () => {
    clearInterval(timer);
    await polling;
  };
}

/** Rethrows a copy's failure naming the partition, and that nothing was lost. */
function copyFailed(job: CopyJob, how: string, err: unknown): Error {
  const reason = err instanceof Error ? err.message : String(err);
  return new Error(`${job.op.label}: copying ${job.partition.name} ${how} failed: ${reason}; the local partition is untouched`, {
    cause: err,
  });
}

/** Binary COPY out of the partition, streamed into a binary COPY into the archive table, in one archive transaction. */
async function copyThroughPipe(job: CopyJob): Promise<void> {
  const stop = await watchCopy(job);
  try {
    await job.target.transaction(async () => {
      await job.target.run(buildTruncateSql(job.archiveTable));
      await pipeline(
        job.source.copyOut(buildCopyOutSql(job.partition, job.columns)),
        job.target.copyIn(buildCopyInSql(job.archiveTable, job.columns)),
      );
    });
  } catch (err) {
    throw copyFailed(job, "to the archive", err);
  } finally {
    await stop();
  }
}

/** The partition's columns with their types as the catalog prints them, in the copy's order. */
async function typedColumns(job: CopyJob): Promise<{ name: string; type: string }[]> {
  const info = await readRelation(job.source, job.partition);
  const all = info ? await readCatalogColumns(job.source, info.oid) : [];
  return job.columns.map((name) => {
    const column = all.find((c) => c.name === name);
    if (!column) {
      throw new Error(
        `${job.op.label}: ${job.partition.name} has no column ${JSON.stringify(name)}; run pulumi refresh to see the table as it is`,
      );
    }
    return column;
  });
}

/**
 * `INSERT INTO <foreign table> SELECT * FROM partition` on the main instance,
 * through a transient foreign table with batch_size. postgres_fdw commits the
 * remote side when the local transaction commits.
 */
async function copyThroughFdw(job: CopyJob): Promise<void> {
  const copyTable: TableName = { schema: job.partition.schema, name: copyTableName(job.partition.name) };
  const started = Date.now();
  try {
    await job.source.transaction(async () =>
      job.source.runEach([
        buildDropForeignTableSql(copyTable),
        buildCopyForeignTableSql(copyTable, await typedColumns(job), job.server, job.archiveTable, job.batchSize),
        buildTruncateSql(copyTable),
        buildInsertSelectSql(copyTable, job.partition, job.columns),
        buildDropForeignTableSql(copyTable),
      ]),
    );
  } catch (err) {
    throw copyFailed(job, "through postgres_fdw", err);
  }
  const seconds = (Date.now() - started) / 1000;
  job.op.progress(`copied ${formatCount(job.expectedRows)} rows through postgres_fdw in ${seconds.toFixed(1)} s`);
}
