/**
 * Lock waits a user can act on. A statement that waits for a lock longer
 * than a moment is watched from a second session, which reports who holds
 * the lock (pid, user, application, when their query started, its text);
 * a wait that outlasts lock_timeout is a lock conflict, retried by the
 * session and, after the last attempt, explained with the last blockers.
 */
import { Client } from "pg";
import { Progress } from "../model/operation";
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
export function watchBlockers(open: () => Promise<Client>, pid: number, what: string, progress: Progress, afterMs = 1000): BlockerWatch {
  let last: Blocker[] = [];
  let watcher: Client | undefined;
  let stopped = false;
  let polling: Promise<unknown> = Promise.resolve();
  const look = async () => {
    watcher ??= await open();
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
