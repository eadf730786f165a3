/**
 * Moving a local partition to an archive instance (the tier-change plan's
 * "archive"), in the order that never puts the only copy of a row at risk:
 *
 *   1. the archive table exists, with its CHECK constraint and no indexes yet;
 *   2. on the main instance, a transaction locks the partition against
 *      writes (SHARE: reads and other partitions go on; writers to this
 *      partition wait, they are not lost);
 *   3. in that transaction, the plan's steps:
 *      - copy: unless the archive already holds exactly these rows (a
 *        rerun), it is emptied and the rows copied;
 *      - verify: count and checksum compared on both sides;
 *      - build indexes: the archive table's, once, over the loaded rows;
 *      - cut over: detach, drop (or rename) the local table, attach the
 *        foreign partition, count through it, commit;
 *   4. ANALYZE the archive table.
 *
 * A lock not granted within lock_timeout (or a deadlock with a writer)
 * rolls the attempt back and retries; the next attempt re-verifies and only
 * copies again if rows changed in between. A writer blocked on the
 * partition holds a lock on the parent that the cutover must wait for, so
 * steady writes to the rotating period can defeat every attempt; after
 * {@link EXCLUSIVE_AFTER} failed attempts, pgtier locks the parent
 * exclusively first, which blocks reads of the whole table for the copy
 * but cannot deadlock. A crash at any point leaves either the local
 * partition attached (and a rerun starts over at step 2) or the foreign
 * partition attached (and a rerun only builds missing indexes and analyzes).
 */
import { setTimeout as sleep } from "node:timers/promises";
import { withSessions } from "../../db/client";
import { Session } from "../../db/session";
import { columnNamesOf } from "../../model/table-shape";
import { buildAnalyzeSql, buildBlockWritesSql, buildLockParentSql, buildLockTimeoutSql } from "../../sql/rotation";
import { ArchiveRotation, AttemptState, RotationOutcome, Sessions } from "./archive-rotation";
import { ARCHIVE_STEP_RUNNERS, localOf } from "./archive-steps";
import { ensureArchiveIndexes, ensureArchiveTable } from "./archive-table";
import { describeChecksum, TableChecksum, tableChecksum, useStableText } from "./checksum";
import { alreadyCutOver } from "./cutover";
import { backoffMs, Blocker, describeBlockers, isLockConflict } from "../../db/blockers";
import { readLockHolders } from "../../db/catalog";

/** Failed attempts after which the parent is locked exclusively before copying. */
export const EXCLUSIVE_AFTER = 3;

export { ArchiveRotation, RotationOutcome } from "./archive-rotation";

/** One attempt: lock, then the plan's steps, then commit. Throws a lock conflict for the caller to retry. */
function attempt(r: ArchiveRotation, s: Sessions, exclusive: boolean): Promise<TableChecksum & { copied: boolean }> {
  return s.main.transaction(async () => {
    await s.main.run(buildLockTimeoutSql(r.settings.lockTimeoutMs));
    if (exclusive) {
      await s.main.run(buildLockParentSql(r.parent));
    }
    await s.main.run(buildBlockWritesSql(r.partition));
    const state: AttemptState = { copied: false, exclusive };
    for (const step of r.steps) {
      await ARCHIVE_STEP_RUNNERS[step](r, s, state);
    }
    return { ...localOf(r, state), copied: state.copied };
  });
}

/** The error after the last attempt failed on locks, naming who held them. */
function lockedOut(r: ArchiveRotation, attempts: number, holders: readonly Blocker[], cause: unknown): Error {
  const held = holders.length > 0 ? `: ${describeBlockers(holders)}` : "";
  return new Error(
    `${r.op.label}: could not lock ${r.partition.name} and ${r.parent.name} within ${r.settings.lockTimeoutMs} ms in ${attempts} attempts ` +
      `(long transactions or writers hold them${held}); nothing was changed on the main instance — ` +
      `run pulumi up again when they are done, or raise lockTimeoutMs`,
    { cause },
  );
}

/** Who holds locks on the partition or its parent, but the rotation's own sessions. */
function holdersOf(r: ArchiveRotation, s: Sessions): Promise<Blocker[]> {
  const own = [s.main, s.reader, s.checker].map((session) => session.backendPid);
  return readLockHolders(s.main, [r.partition, r.parent], own).catch(() => []);
}

/** Attempts until one commits, backing off after each lock conflict, and saying who held the locks. */
async function attemptUntilCommitted(r: ArchiveRotation, s: Sessions): Promise<RotationOutcome> {
  for (let n = 1; ; n++) {
    const exclusive = n > EXCLUSIVE_AFTER;
    if (n === EXCLUSIVE_AFTER + 1) {
      r.op.progress(`writers keep the cutover waiting; locking ${r.parent.name} exclusively for the copy (reads wait too)`);
    }
    try {
      return { ...(await attempt(r, s, exclusive)), attempts: n };
    } catch (err) {
      if (!isLockConflict(err)) {
        throw err;
      }
      const holders = await holdersOf(r, s);
      if (n >= r.settings.attempts) {
        throw lockedOut(r, n, holders, err);
      }
      const held = holders.length > 0 ? `; held by ${describeBlockers(holders)}` : "";
      r.op.progress(`lock on ${r.partition.name}/${r.parent.name} not granted (attempt ${n} of ${r.settings.attempts})${held}; retrying`);
      await sleep(backoffMs(n));
    }
  }
}

/** A rerun after a committed cutover: what the archive holds, with its indexes complete. */
async function afterEarlierCutover(r: ArchiveRotation, archive: Session): Promise<RotationOutcome> {
  r.op.progress(`${r.partition.name} is already a foreign partition on ${r.target.server} (an earlier run committed the cutover)`);
  await ensureArchiveIndexes(archive, r.archiveTable, r.shape);
  await archive.run(buildAnalyzeSql(r.archiveTable));
  return { ...(await tableChecksum(archive, r.archiveTable, columnNamesOf(r.shape))), copied: false, attempts: 0 };
}

/** Moves the partition's rows to the archive and makes it a foreign partition; safe to rerun. */
export function applyArchiveRotation(r: ArchiveRotation): Promise<RotationOutcome> {
  const { main, target } = r;
  return withSessions(r.op, [main, main, main, target.connection], async (sessions) => {
    const [mainSession, reader, checker, archive] = sessions;
    for (const session of sessions) {
      await useStableText(session);
    }
    await ensureArchiveTable(archive, r.archiveTable, r.shape, r.bounds);
    if (await alreadyCutOver(r, mainSession)) {
      return afterEarlierCutover(r, archive);
    }
    const outcome = await attemptUntilCommitted(r, { main: mainSession, reader, checker, archive });
    await archive.run(buildAnalyzeSql(r.archiveTable));
    r.op.progress(`archived ${r.partition.name}: ${describeChecksum(outcome)}`);
    return outcome;
  });
}
