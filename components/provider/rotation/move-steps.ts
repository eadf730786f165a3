/**
 * The steps of a move, as the tier-change plan names them. Writers to the
 * partition go on through every step but the cutover; they hand what they
 * found on through the move's state.
 */
import { columnNamesOf } from "../../model/table-shape";
import { TierStep } from "../../planner/plan-tier-change";
import { buildCaptureSql, buildDropCaptureSql } from "../../sql/capture";
import { buildBlockWritesSql, buildLockParentSql, buildLockTimeoutSql } from "../../sql/rotation";
import { formatCount } from "../progress";
import { describeChecksum, rowCount, sameRows, TableChecksum, tableChecksum } from "./checksum";
import { copyRows } from "./copy";
import { withLockRetries } from "./move-locks";
import { emptyTargetSql, ensureTargetIndexes, letMappingInsert, startSums } from "./move-target";
import { catchUp, replayAll, verifyTarget, waitingChanges } from "./replay";
import { destinationOf, MoveState, Sessions, TierMove } from "./tier-move";

/**
 * Changes left waiting when catching up stops: the cutover replays them
 * with writers blocked, in a batch or two (a few milliseconds).
 */
export const CUTOVER_BACKLOG = 200;

/** The snapshot's count and checksum the copy step left; a plan that verifies before it copies is a bug. */
function snapshotOf(m: TierMove, state: MoveState): TableChecksum {
  if (!state.snapshot) {
    throw new Error(`${m.op.label}: the tier-change plan ran a step that needs the copy before the copy`);
  }
  return state.snapshot;
}

/** Ends the snapshot's transactions: the reader's commits what the fdw copy wrote, unless the copy failed. */
async function closeSnapshot(s: Sessions, commit: boolean): Promise<void> {
  await s.reader.end(commit);
  await s.checker.end(false);
}

/**
 * Starts recording every change to the source, and takes the snapshot the
 * copy reads, at one instant: creating the trigger waits for the writes in
 * flight and holds new ones back until it commits, and the snapshot is taken
 * before it does. Every write is then either in the snapshot or in the log,
 * never both. A capture an interrupted run left is replaced: its changes
 * are in the new snapshot.
 */
async function capture(m: TierMove, s: Sessions): Promise<void> {
  const source = m.source.table;
  await withLockRetries(m, s, `start capturing writes to ${source.name}`, () =>
    s.capture
      .transaction(async () => {
        await s.capture.run(buildLockTimeoutSql(m.lockTimeoutMs));
        await s.capture.runEach([...buildDropCaptureSql(source), ...buildCaptureSql(source)]);
        try {
          await s.checker.joinSnapshot(await s.reader.openSnapshot());
        } catch (err) {
          await closeSnapshot(s, false);
          throw err;
        }
      })
      .catch(async (err: unknown) => {
        await closeSnapshot(s, false);
        throw err;
      }),
  );
  m.op.progress(`capturing writes to ${source.name}; writers go on while its rows are copied`);
}

/**
 * Copies the snapshot's rows unless the target already holds exactly them;
 * leaves the snapshot's checksum. Through the main instance, the mapping's
 * role may insert into the target for as long as the copy runs.
 */
async function copy(m: TierMove, s: Sessions, state: MoveState): Promise<void> {
  if (!m.relay) {
    return copySnapshot(m, s, state);
  }
  const restore = await letMappingInsert(m, s);
  try {
    await copySnapshot(m, s, state);
  } catch (err) {
    await s.target.runAll(restore).catch(() => undefined);
    throw err;
  }
  // Only once the snapshot's transaction ended: postgres_fdw's remote insert commits with it.
  await s.target.runAll(restore);
}

/** The copy itself, in the capture's snapshot. */
async function copySnapshot(m: TierMove, s: Sessions, state: MoveState): Promise<void> {
  const columns = columnNamesOf(m.shape);
  const { table: from } = m.source;
  const { table: to } = m.target;
  try {
    // A target holding rows: an interrupted run's copy, or one made by hand. Its
    // checksum is computed, not taken from its sums: a TRUNCATE by hand slips past them.
    const there = (await rowCount(s.target, to)) > 0 ? await tableChecksum(s.target, to, columns) : undefined;
    if (there) {
      state.snapshot = await tableChecksum(s.checker, from, columns);
      if (sameRows(there, state.snapshot)) {
        m.op.progress(
          `${destinationOf(m)} already holds ${from.name}'s ${formatCount(there.rows)} rows (checksum matches); not copying again`,
        );
        await startSums(m, s.target, there);
        await closeSnapshot(s, true);
        return;
      }
    }
    const expectedRows = state.snapshot ? Number(state.snapshot.rows) : await rowCount(s.checker, from);
    const replaced = there ? "; it held other rows, they are replaced" : "";
    m.op.progress(`copying ${formatCount(expectedRows)} rows of ${from.name} to ${destinationOf(m)} (${m.copyMethod})${replaced}`);
    const job = {
      op: m.op,
      source: s.reader,
      target: s.target,
      watcher: s.capture,
      from,
      to,
      destination: destinationOf(m),
      columns,
      empty: emptyTargetSql(to),
      expectedRows,
      server: m.server,
      batchSize: m.batchSize,
    };
    // The checksum reads the same snapshot on its own session while the copy runs.
    const [checksum] = await Promise.all([state.snapshot ?? tableChecksum(s.checker, from, columns), copyRows(m.copyMethod, job)]);
    state.snapshot = checksum;
    state.copied = true;
    await closeSnapshot(s, true);
  } catch (err) {
    await closeSnapshot(s, false);
    throw err;
  }
}

/** The target's count and checksum equal the snapshot's; from then on its sums keep them through every replayed change. */
async function verify(m: TierMove, s: Sessions, state: MoveState): Promise<void> {
  const snapshot = snapshotOf(m, state);
  if (state.copied) {
    const there = await tableChecksum(s.target, m.target.table, columnNamesOf(m.shape));
    if (!sameRows(snapshot, there)) {
      throw new Error(
        `${m.op.label}: verification failed after copying ${m.source.table.name} to ${destinationOf(m)}: source ${describeChecksum(snapshot)}, ` +
          `target ${describeChecksum(there)}; the rows are untouched where they are — run pulumi up again`,
      );
    }
    await startSums(m, s.target, there);
  }
  state.expected = { rows: BigInt(snapshot.rows), checksum: BigInt(snapshot.checksum) };
  m.op.progress(`verified ${describeChecksum(snapshot)} on both sides`);
}

/** Replays what writers did meanwhile, until few changes wait. */
async function catchUpStep(m: TierMove, s: Sessions, state: MoveState): Promise<void> {
  m.op.progress(`catching up: ${formatCount(await waitingChanges(m, s))} change(s) writers made since the snapshot wait`);
  const waiting = await catchUp(m, s, state, CUTOVER_BACKLOG);
  m.op.progress(
    `replayed ${formatCount(state.replayed)} change(s) writers made since the snapshot; ${formatCount(waiting)} wait for the cutover`,
  );
}

/**
 * One cutover attempt, in one transaction on the main instance: the parent
 * is locked first (a writer always locks the parent before the partition,
 * so this cannot deadlock with one; reads and writes of the table queue
 * from here to the commit), then writes to the source are blocked, the last
 * changes replayed, both sides compared, and the partition switched.
 */
function cutoverAttempt(m: TierMove, s: Sessions, state: MoveState): Promise<TableChecksum> {
  const source = m.source.table;
  return (
    s.main
      .transaction(async () => {
        await s.main.run(buildLockTimeoutSql(m.lockTimeoutMs));
        await s.main.run(buildLockParentSql(m.parent));
        if (m.sourceIsPartition) {
          await s.main.run(buildBlockWritesSql(m.partition));
        } else {
          // Held until the main instance commits, against writes that reach the archive table directly.
          await s.capture.begin();
          await s.capture.run(buildLockTimeoutSql(m.lockTimeoutMs));
          await s.capture.run(buildBlockWritesSql(source));
        }
        await replayAll(m, s, state);
        const verified = await verifyTarget(m, s, state, "before the cutover");
        await s.main.runEach(m.cutover);
        if (m.probe) {
          await s.main.rows(m.probe).catch((err: unknown) => {
            throw new Error(
              `${m.op.label}: cannot read ${m.partition.name} through its new foreign partition: ${err instanceof Error ? err.message : String(err)} — ` +
                `check the ForeignServer and UserMapping of ${m.target.table.name}'s archive; rolled back, the rows are untouched where they are`,
              { cause: err },
            );
          });
        }
        return verified;
      })
      // Ends the source's write lock; it holds nothing else (the log is forgotten in autocommit).
      .finally(() => s.capture.end(true).catch(() => undefined))
  );
}

/** Catches up, then cuts over; a lock not granted in time catches up again and retries. */
async function cutOver(m: TierMove, s: Sessions, state: MoveState): Promise<void> {
  m.op.progress(`cutting over: locking ${m.parent.name} (its reads and writes wait until the cutover commits)`);
  state.verified = await withLockRetries(m, s, `cut ${m.partition.name} over`, async () => {
    await catchUp(m, s, state, CUTOVER_BACKLOG);
    return cutoverAttempt(m, s, state);
  });
  m.op.progress(`cut over: ${m.partition.name} reads from ${destinationOf(m)}`);
}

/** How each step of the plan is carried out. */
export const MOVE_STEP_RUNNERS: Readonly<Record<TierStep, (m: TierMove, s: Sessions, state: MoveState) => Promise<void>>> = {
  capture,
  copy,
  verify,
  "build indexes": (m, s) => ensureTargetIndexes(m, s.target),
  "catch up": catchUpStep,
  "cut over": cutOver,
};
