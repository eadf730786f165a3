/**
 * The two ways rows reach the archive table. `pipe` (the default) streams a
 * binary COPY out of the main instance into a binary COPY on the archive
 * instance through the runner; `fdw` has the main instance push the rows
 * through postgres_fdw with batched INSERTs, for when the runner's link to
 * the archive is the slow or missing one. bench/rotation-copy.ts measures both.
 */
import { pipeline } from "node:stream/promises";
import { Client } from "pg";
import { from as copyFrom, to as copyTo } from "pg-copy-streams";
import { columnsSql } from "../../sql/catalog";
import { inTransaction, runStatement } from "../../db/client";
import {
  backendPidSql,
  buildCopyForeignTableSql,
  buildCopyInSql,
  buildCopyOutSql,
  buildInsertSelectSql,
  buildTruncateSql,
  CatalogColumn,
  clearStatsSnapshotSql,
  copyProgressSql,
  copyTableName,
} from "../../sql/rotation";
import { buildDropForeignTableSql } from "../../sql/fdw";
import { TableName } from "../../sql/tables";
import { firstRow } from "../handlers/common";
import { readRelation } from "../handlers/relations";
import { formatCount, Progress } from "../progress";

/** How rows are copied. */
export type CopyMethod = "pipe" | "fdw";

/** One copy of a partition's rows into its (emptied) archive table. */
export interface CopyJob {
  readonly label: string;
  /** Connection to the main instance, used only to read the partition. */
  readonly source: Client;
  /** Connection to the archive instance. */
  readonly target: Client;
  /** Another main-instance connection, idle, used to watch the copy's progress. */
  readonly watcher: Client;
  readonly partition: TableName;
  readonly archiveTable: TableName;
  readonly columns: readonly string[];
  /** Rows expected, for the progress percentage. */
  readonly expectedRows: number;
  /** Foreign server (fdw method). */
  readonly server: string;
  /** Rows per remote INSERT (fdw method). */
  readonly batchSize: number;
  readonly progress: Progress;
}

/** Copies with the chosen method; the archive table ends up holding exactly the partition's rows. */
export function copyRows(method: CopyMethod, job: CopyJob): Promise<void> {
  return method === "fdw" ? copyThroughFdw(job) : copyThroughPipe(job);
}

/**
 * Reports rows copied every few seconds from pg_stat_progress_copy of the
 * reading session (PostgreSQL 14+). Returns the function that stops it.
 */
async function watchCopy(job: CopyJob): Promise<() => Promise<void>> {
  const pid = ((await job.source.query(backendPidSql)).rows[0] as { pid: number }).pid;
  const started = Date.now();
  let polling: Promise<unknown> = Promise.resolve();
  const timer = setInterval(() => {
    polling = polling
      .then(async () => {
        // Backend status is cached per transaction; the watcher may be inside one.
        await job.watcher.query(clearStatsSnapshotSql);
        const row = await firstRow<{ done: string }>(job.watcher, copyProgressSql, [pid]);
        if (row) {
          const done = Number(row.done);
          const seconds = (Date.now() - started) / 1000;
          const pct = job.expectedRows > 0 ? ` (${Math.floor((100 * done) / job.expectedRows)}%)` : "";
          job.progress(
            `copied ${formatCount(done)} of ${formatCount(job.expectedRows)} rows${pct}, ${formatCount(Math.round(done / seconds))} rows/s`,
          );
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
  return new Error(
    `${job.label}: copying ${job.partition.name} ${how} failed: ${(err as Error).message}; the local partition is untouched`,
    {
      cause: err,
    },
  );
}

/** Binary COPY out of the partition, streamed into a binary COPY into the archive table, in one archive transaction. */
async function copyThroughPipe(job: CopyJob): Promise<void> {
  const stop = await watchCopy(job);
  try {
    await inTransaction(job.target, async () => {
      await runStatement(job.label, job.target, buildTruncateSql(job.archiveTable));
      const out = job.source.query(copyTo(buildCopyOutSql(job.partition, job.columns)));
      const into = job.target.query(copyFrom(buildCopyInSql(job.archiveTable, job.columns)));
      await pipeline(out, into);
    });
  } catch (err) {
    throw copyFailed(job, "to the archive", err);
  } finally {
    await stop();
  }
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
    await inTransaction(job.source, async () => {
      const info = await readRelation(job.source, job.partition.schema ?? "public", job.partition.name);
      const all = (await job.source.query(columnsSql, [info?.oid])).rows as CatalogColumn[];
      const columns = job.columns.map((name) => all.find((c) => c.name === name) as CatalogColumn);
      for (const sql of [
        buildDropForeignTableSql(copyTable),
        buildCopyForeignTableSql(copyTable, columns, job.server, job.archiveTable, job.batchSize),
        buildTruncateSql(copyTable),
        buildInsertSelectSql(copyTable, job.partition, job.columns),
        buildDropForeignTableSql(copyTable),
      ]) {
        await runStatement(job.label, job.source, sql);
      }
    });
  } catch (err) {
    throw copyFailed(job, "through postgres_fdw", err);
  }
  const seconds = (Date.now() - started) / 1000;
  job.progress(`copied ${formatCount(job.expectedRows)} rows through postgres_fdw in ${seconds.toFixed(1)} s`);
}
