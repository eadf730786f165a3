/**
 * Lock waits a user can act on. A statement that waits for a lock longer
 * than a moment is watched from a second session, which reports who holds
 * the lock (pid, user, application, when their query started, its text);
 * a wait that outlasts lock_timeout is a lock conflict, retried by the
 * session and, after the last attempt, explained with the last blockers.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { SqlClient } from "./sql-client";
import { Operation, Progress } from "../model/operation";
import { blockingSessionsSql } from "../sql/catalog";

/** One session holding a lock another waits for. */
export interface Blocker {
  readonly pid: number;
  readonly user: string | null;
  readonly application: string | null;
  readonly state: string | null;
  readonly query_start: string | null;
  readonly query: string | null;
}

/** How long one attempt waits for a lock, and how many attempts a statement gets. */
export interface LockWaits {
  readonly timeoutMs: number;
  readonly attempts: number;
}

/**
 * The lock waits of every statement outside a rotation: 5 s per attempt, 12
 * attempts with a growing pause between them, about 1.5 minutes in all.
 * PGTIER_LOCK_TIMEOUT_MS and PGTIER_LOCK_ATTEMPTS change them.
 */
export function lockWaits(env: NodeJS.ProcessEnv = process.env): LockWaits {
  const positive = (value: string | undefined, fallback: number) => (Number(value) > 0 ? Math.floor(Number(value)) : fallback);
  return { timeoutMs: positive(env.PGTIER_LOCK_TIMEOUT_MS, 5000), attempts: positive(env.PGTIER_LOCK_ATTEMPTS, 12) };
}

/** SQLSTATEs of a lock not granted within lock_timeout (55P03) and of a deadlock victim (40P01). */
const LOCK_CONFLICT_CODES = ["55P03", "40P01"];

/** The SQLSTATE of an error, if it has one. */
function codeOf(err: unknown): string | undefined {
  return typeof err === "object" && err !== null && "code" in err && typeof err.code === "string" ? err.code : undefined;
}

/** Whether `err`, or an error it wraps, is a lock conflict: worth another attempt. */
export function isLockConflict(err: unknown): boolean {
  for (let e: unknown = err; e; e = e instanceof Error ? e.cause : undefined) {
    const code = codeOf(e);
    if (code && LOCK_CONFLICT_CODES.includes(code)) {
      return true;
    }
  }
  return false;
}

/** An error that counts as a lock conflict, for a step that chooses to give way and retry. */
export function lockConflict(message: string): Error {
  return Object.assign(new Error(message), { code: "55P03" });
}

/** `pid 4242 (user "app", application "psql", query started 2026-11-30T23:10:02Z: "SELECT ...")`, one per blocker. */
export function describeBlockers(blockers: readonly Blocker[]): string {
  return blockers
    .map((b) => {
      const who = [
        `user ${JSON.stringify(b.user ?? "")}`,
        b.application ? `application ${JSON.stringify(b.application)}` : undefined,
        b.state ?? undefined,
      ];
      const since = b.query_start ? `, query started ${b.query_start}` : "";
      return `pid ${b.pid} (${who.filter(Boolean).join(", ")}${since}: ${JSON.stringify(b.query ?? "")})`;
    })
    .join("; ");
}

/** What a watch saw; `stop` ends it. */
export interface BlockerWatch {
  /** The blockers last seen, if the statement ever waited. */
  readonly seen: () => readonly Blocker[];
  stop(): Promise<void>;
}

/**
 * Watches backend `pid` while its statement runs: after `afterMs`, a second
 * session (from `open`) looks every 2 s for sessions it waits for, and
 * reports each new set of them. Best effort: a failing watch never fails
 * the statement.
 */
export function watchBlockers(open: () => Promise<SqlClient>, pid: number, what: string, progress: Progress, afterMs = 1000): BlockerWatch {
  let last: Blocker[] = [];
  let watcher: SqlClient | undefined;
  let stopped = false;
  let polling: Promise<unknown> = Promise.resolve();
  const look = async () => {
    if (!watcher) {
      watcher = await open();
      // A look that cannot answer quickly is not worth waiting for.
      await watcher.query("SET statement_timeout = '5s'");
    }
    const blockers = (await watcher.query<Blocker>(blockingSessionsSql, [pid])).rows;
    if (!stopped && blockers.length > 0 && describeBlockers(blockers) !== describeBlockers(last)) {
      progress(`${what} waits for a lock held by ${describeBlockers(blockers)}`);
    }
    last = blockers.length > 0 ? blockers : last;
  };
  const tick = () => {
    polling = polling.then(look).catch(() => undefined);
  };
  const start = setTimeout(() => {
    tick();
    timer = setInterval(tick, 2000);
  }, afterMs);
  let timer: NodeJS.Timeout | undefined;
  return {
    seen: () => last,
    async stop() {
      stopped = true;
      clearTimeout(start);
      clearInterval(timer);
      await polling;
      await watcher?.end().catch(() => undefined);
    },
  };
}

/** Whether a blocking session is pgtier's own (another step of an update): its application_name says so. */
export function isPgtierSession(b: Blocker): boolean {
  return (b.application ?? "").startsWith("pgtier");
}

/** The pause before attempt `n + 1`: a quarter second longer each time, at most 5 s. */
export function backoffMs(n: number): number {
  return Math.min(5000, 250 * n);
}

/** How long a statement waits, in all, behind other pgtier sessions (other steps of the same update). */
const PGTIER_WAIT_MS = 60 * 60 * 1000;

/**
 * Runs `attempt` until it is not refused a lock. Each refusal is an attempt
 * used, with a growing pause, unless the lock is held by pgtier's own
 * sessions (another step of the update, e.g. a rotation's copy): those are
 * waited for without using attempts. After the last attempt it fails with
 * nothing changed, naming who held the lock (`blockers`, the last seen).
 */
export async function retryOnLockConflicts<T>(
  op: Operation,
  waits: LockWaits,
  what: string,
  attempt: () => Promise<T>,
  blockers: () => readonly Blocker[],
): Promise<T> {
  const patience = Date.now() + PGTIER_WAIT_MS;
  for (let n = 1; ;) {
    try {
      return await attempt();
    } catch (err) {
      if (!isLockConflict(err)) {
        throw err;
      }
      const seen = blockers();
      if (seen.length > 0 && seen.every(isPgtierSession) && Date.now() < patience) {
        op.progress(`${what} waits for another pgtier step: ${describeBlockers(seen)}`);
        await sleep(1000);
        continue;
      }
      const held = seen.length > 0 ? `; held by ${describeBlockers(seen)}` : "";
      if (n >= waits.attempts) {
        throw new Error(
          `${op.label}: ${what} could not get its locks within ${waits.timeoutMs} ms in ${waits.attempts} attempts${held}; nothing was changed — ` +
            `run pulumi up again once that session is done, or end it (SELECT pg_terminate_backend(<pid>))`,
          { cause: err },
        );
      }
      op.progress(`${what}: lock not granted within ${waits.timeoutMs} ms (attempt ${n} of ${waits.attempts})${held}; trying again`);
      await sleep(backoffMs(n));
      n++;
    }
  }
}
