/**
 * Catching up: the changes the source took since the capture's snapshot,
 * replayed on the target in the order they were recorded, a batch per
 * target transaction. A change is forgotten once its batch committed. A run
 * that stops halfway is never resumed: the next one starts over from a new
 * snapshot, so a change is never replayed twice.
 *
 * Only committed changes are visible in the log. One committed after a
 * later-numbered one was replayed touches other rows (the later one would
 * have waited for its row lock otherwise), so replaying it later changes
 * nothing of the outcome.
 */
import { columnNamesOf } from "../../model/table-shape";
import {
  buildCountChangesSql,
  buildForgetChangesSql,
  buildReadChangesSql,
  buildReplayDeleteSql,
  buildReplayInsertSql,
  buildReplayTruncateSql,
  buildReadSumsSql,
} from "../../sql/capture";
import { Session } from "../../db/session";
import { describeChecksum, TableChecksum } from "./checksum";
import { MoveState, Sessions, TierMove } from "./tier-move";

/** One recorded change, as {@link buildReadChangesSql} reads it. */
interface Change {
  readonly seq: string;
  /** `+` a row came, `-` a row went, `T` the table was emptied. */
  readonly op: string;
  /** The row's hash, as the checksum computes it. */
  readonly hash: string;
  /** The row's text, as the checksum hashes it. */
  readonly row: string | null;
  readonly [column: `c${number}`]: string | null;
}

/** Changes read per batch, each batch applied in one target transaction. */
const BATCH = 1000;

/** PostgreSQL's limit on parameters in one statement. */
const MAX_PARAMS = 65535;

/** The values of a change's row, in column order. */
function valuesOf(change: Change, columns: number): (string | null)[] {
  return Array.from({ length: columns }, (_, i) => change[`c${i}`] ?? null);
}

/** The partition key's value of a change's row, as text. */
function keyOf(m: TierMove, change: Change): string | null {
  return change[`c${columnNamesOf(m.shape).indexOf(m.shape.partitionKey)}`] ?? null;
}

/** A replay that found the target no longer matching what was copied. */
function diverged(m: TierMove, change: Change, what: string): Error {
  return new Error(
    `${m.op.label}: replaying change ${change.seq} on ${m.target.table.name} ${what}: the copy no longer matches the source; ` +
      `the rows are untouched where they are — run pulumi up again`,
  );
}

/** Applies `changes` on the target in order (the caller's transaction): consecutive `+`s as one INSERT. */
async function apply(m: TierMove, target: Session, changes: readonly Change[]): Promise<void> {
  const columns = columnNamesOf(m.shape);
  const perInsert = Math.max(1, Math.floor(MAX_PARAMS / columns.length));
  let rows: Change[] = [];
  const flush = async () => {
    if (rows.length > 0) {
      const inserted = await target.run(
        buildReplayInsertSql(m.target.table, columns, rows.length),
        rows.flatMap((c) => valuesOf(c, columns.length)),
      );
      if (inserted !== rows.length) {
        throw diverged(m, rows[0], `inserted ${inserted} of ${rows.length} rows`);
      }
      rows = [];
    }
  };
  for (const change of changes) {
    if (change.op === "+") {
      rows.push(change);
      if (rows.length >= perInsert) {
        await flush();
      }
      continue;
    }
    await flush();
    if (change.op === "T") {
      await target.run(buildReplayTruncateSql(m.target.table));
    } else if (
      (await target.run(buildReplayDeleteSql(m.target.table, columns, m.shape.partitionKey), [keyOf(m, change), change.row])) !== 1
    ) {
      throw diverged(m, change, "found no row to remove");
    }
  }
  await flush();
}

/** What the target holds after `changes`, from what it held before. */
function tally(expected: { rows: bigint; checksum: bigint }, changes: readonly Change[]): { rows: bigint; checksum: bigint } {
  let { rows, checksum } = expected;
  for (const change of changes) {
    if (change.op === "T") {
      rows = 0n;
      checksum = 0n;
    } else {
      const sign = change.op === "+" ? 1n : -1n;
      rows += sign;
      checksum += sign * BigInt(change.hash);
    }
  }
  return { rows, checksum };
}

/** Replays the oldest changes waiting (at most one batch); returns how many. */
export async function replayBatch(m: TierMove, s: Sessions, state: MoveState): Promise<number> {
  const changes = await s.log.rows<Change>(buildReadChangesSql(m.source.table, columnNamesOf(m.shape)), [BATCH]);
  if (changes.length === 0) {
    return 0;
  }
  await s.target.transaction(() => apply(m, s.target, changes));
  // Forgotten at once, outside any other transaction: a batch on the target is never replayed again by this run.
  await s.log.run(buildForgetChangesSql(m.source.table), [changes.map((c) => c.seq)]);
  state.expected = tally(state.expected ?? { rows: 0n, checksum: 0n }, changes);
  state.replayed += changes.length;
  return changes.length;
}

/** How many changes wait in the log. */
export async function waitingChanges(m: TierMove, s: Sessions): Promise<number> {
  return (await s.log.first<{ n: number }>(buildCountChangesSql(m.source.table)))?.n ?? 0;
}

/** Batches after which a backlog that never shrank ends the move: writers outpace the replay. */
const STALLED_AFTER = 20;

/**
 * Replays until at most `leave` changes wait (writers go on meanwhile).
 * Returns how many wait. Writers that add changes as fast as they are
 * replayed stop the move: replaying an unbounded backlog at the cutover
 * would block the whole table for as long.
 */
export async function catchUp(m: TierMove, s: Sessions, state: MoveState, leave: number): Promise<number> {
  let fewest = Infinity;
  for (let stalled = 0; ;) {
    const replayed = await replayBatch(m, s, state);
    const waiting = await waitingChanges(m, s);
    if (waiting <= leave || replayed === 0) {
      return waiting;
    }
    stalled = waiting < fewest ? 0 : stalled + 1;
    fewest = Math.min(fewest, waiting);
    if (stalled >= STALLED_AFTER) {
      throw new Error(
        `${m.op.label}: writers to ${m.source.table.name} add changes as fast as pgtier replays them (${waiting} wait after ${state.replayed} replayed); ` +
          `the rows are untouched where they are — run pulumi up again when writes to that period are slower`,
      );
    }
  }
}

/** Replays every change there is (writers are blocked then). */
export async function replayAll(m: TierMove, s: Sessions, state: MoveState): Promise<void> {
  while ((await replayBatch(m, s, state)) > 0) {
    // a batch at a time, until the log is empty
  }
}

/** The target's count and checksum as its triggers kept them. */
export async function targetSums(target: Session, m: TierMove): Promise<TableChecksum> {
  const row = await target.first<TableChecksum>(buildReadSumsSql(m.target.table));
  return { rows: row?.rows ?? "0", checksum: row?.checksum ?? "0" };
}

/** Fails, with both sides, unless the target holds what the source held in the snapshot plus every change replayed since. */
export async function verifyTarget(m: TierMove, s: Sessions, state: MoveState, when: string): Promise<TableChecksum> {
  const expected = state.expected ?? { rows: 0n, checksum: 0n };
  const want: TableChecksum = { rows: String(expected.rows), checksum: String(expected.checksum) };
  const got = await targetSums(s.target, m);
  if (got.rows !== want.rows || got.checksum !== want.checksum) {
    throw new Error(
      `${m.op.label}: verification failed ${when}: the source's snapshot plus every change replayed is ${describeChecksum(want)}, ` +
        `the target holds ${describeChecksum(got)}; the rows are untouched where they are — run pulumi up again`,
    );
  }
  return want;
}
