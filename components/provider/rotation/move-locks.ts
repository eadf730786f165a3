/**
 * The locks a move takes (on the source when the capture starts, on the
 * parent at the cutover) are waited for at most lockTimeoutMs at a time:
 * everything queued behind them waits no longer than that. A lock not
 * granted in time rolls the attempt back and tries again, up to `attempts`
 * times, saying who holds it.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { backoffMs, Blocker, describeBlockers, isLockConflict } from "../../db/blockers";
import { readLockHolders } from "../../db/catalog";
import { Sessions, TierMove } from "./tier-move";

/** Who holds locks on the partition, its parent or the source, but the move's own sessions. */
async function holdersOf(m: TierMove, s: Sessions): Promise<Blocker[]> {
  const own = [s.main, s.capture, s.reader, s.checker, s.target].map((session) => session.backendPid);
  const onMain = await readLockHolders(s.main, [m.partition, m.parent], own).catch(() => []);
  const onSource = m.sourceIsPartition ? [] : await readLockHolders(s.capture, [m.source.table], own).catch(() => []);
  return [...onMain, ...onSource];
}

/** The error after the last attempt failed on locks, naming who held them. */
function lockedOut(m: TierMove, what: string, holders: readonly Blocker[], cause: unknown): Error {
  const held = holders.length > 0 ? `: ${describeBlockers(holders)}` : "";
  const tables = m.sourceIsPartition
    ? `${m.partition.name} or ${m.parent.name}`
    : `${m.parent.name}, or ${m.source.table.name} on its archive`;
  return new Error(
    `${m.op.label}: could not ${what} within ${m.lockTimeoutMs} ms in ${m.attempts} attempts ` +
      `(long transactions hold locks on ${tables}${held}); the rows are untouched where they are — ` +
      `run pulumi up again when they are done, or raise lockTimeoutMs`,
    { cause },
  );
}

/** Runs `attempt` until it is granted its locks in time, backing off after each refusal. */
export async function withLockRetries<T>(m: TierMove, s: Sessions, what: string, attempt: () => Promise<T>): Promise<T> {
  for (let n = 1; ; n++) {
    try {
      return await attempt();
    } catch (err) {
      if (!isLockConflict(err)) {
        throw err;
      }
      const holders = await holdersOf(m, s);
      if (n >= m.attempts) {
        throw lockedOut(m, what, holders, err);
      }
      const held = holders.length > 0 ? `; held by ${describeBlockers(holders)}` : "";
      m.op.progress(`could not ${what} within ${m.lockTimeoutMs} ms (attempt ${n} of ${m.attempts})${held}; retrying`);
      await sleep(backoffMs(n));
    }
  }
}
