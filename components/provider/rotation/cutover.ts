/**
 * The cutover, in the transaction that holds the write lock: detach the
 * local partition, drop it (or keep it renamed), attach the foreign
 * partition and count through it. And how it avoids deadlocking with the
 * writers it made wait.
 */
import { readForeignTable, readRelation } from "../../db/catalog";
import { Session } from "../../db/session";
import { quoteQualified } from "../../sql/quote";
import { buildCutoverSql, buildLockTimeoutSql, deadlockTimeoutSql, waitingLocksSql } from "../../sql/rotation";
import { ArchiveRotation } from "./archive-rotation";
import { rowCount, TableChecksum } from "./checksum";
import { lockConflict } from "../../db/blockers";

/** Whether the partition is already a foreign partition on the rotation's server (a rerun after a committed cutover). */
export async function alreadyCutOver(r: ArchiveRotation, main: Session): Promise<boolean> {
  const info = await readRelation(main, r.partition);
  if (!info) {
    throw new Error(
      `${r.op.label}: partition ${r.partition.schema}.${r.partition.name} does not exist on the main instance; ` +
        `run pulumi refresh to see what is there, then pulumi up`,
    );
  }
  return info.kind === "f" && (await readForeignTable(main, info.oid))?.server === r.target.server;
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
export async function giveWayToWaitingWriters(r: ArchiveRotation, main: Session): Promise<void> {
  const row = await main.first<{ waiting: number }>(waitingLocksSql, [quoteQualified(r.partition.schema, r.partition.name)]);
  if (row && row.waiting > 0) {
    r.op.progress(`${row.waiting} session(s) wait to write to ${r.partition.name}; letting them in before cutting over`);
    throw lockConflict(`${r.op.label}: sessions wait to write to ${r.partition.name}`);
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
export async function shortenCutoverWait(r: ArchiveRotation, main: Session): Promise<void> {
  const row = await main.first<{ ms: number }>(deadlockTimeoutSql);
  const cap = Math.max(1, Math.floor((row?.ms ?? 1000) / 2));
  if (r.settings.lockTimeoutMs > cap) {
    await main.run(buildLockTimeoutSql(cap));
  }
}

/** In the locked transaction: detach, drop or rename, attach the foreign partition, count through it. */
export async function cutOver(r: ArchiveRotation, main: Session, local: TableChecksum): Promise<void> {
  await main.runEach(
    buildCutoverSql({
      parent: r.parent,
      partition: r.partition,
      bounds: r.bounds,
      server: r.target.server,
      options: r.foreignOptions,
      keepLocal: r.settings.keepLocal,
    }),
  );
  // The application's path to the rows: through the new foreign partition
  // (postgres_fdw pushes the count down to the archive instance).
  const through = await rowCount(main, r.partition);
  if (String(through) !== local.rows) {
    throw new Error(
      `${r.op.label}: counting ${r.partition.name} through postgres_fdw after the cutover gave ${through} rows, ` +
        `expected ${local.rows}; rolled back, the local partition is untouched`,
    );
  }
}
