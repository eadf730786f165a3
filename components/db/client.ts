/** Connections to PostgreSQL, with errors that say which resource, where, and what to do. */
import { Client } from "pg";
import { inspectContainer, notRunningError } from "../docker/container";
import { Operation } from "../model/operation";
import { Connection } from "../model/types";
import { lockWaits } from "./blockers";
import { RelayTarget, startRelay } from "./relay";
import { postgresError, Session } from "./session";
import { SqlClient } from "./sql-client";
import { sessionSslSql } from "../sql/tls";

/** Where a connection points, for messages (never the password). */
export function describeConnection(c: Connection): string {
  return `${c.host}:${c.port}/${c.database} as ${c.user}`;
}

/** Translates a connection failure into a message a user can act on. */
export function explainConnectError(label: string, c: Connection, err: unknown): Error {
  const e = postgresError(err);
  const where = `${c.host}:${c.port}`;
  let hint: string;
  switch (e.code) {
    case "ECONNREFUSED":
      hint = `connection refused — is the instance running? check its container or the host/port`;
      break;
    case "ENOTFOUND":
    case "EAI_AGAIN":
      hint = `host ${JSON.stringify(c.host)} does not resolve — check the host name`;
      break;
    case "ETIMEDOUT":
      hint = `timed out — check the network path and firewall to ${where}`;
      break;
    case "28P01":
      hint = `password authentication failed for user ${JSON.stringify(c.user)} — check the password (pulumi config set --secret ...)`;
      break;
    case "3D000":
      hint = `database ${JSON.stringify(c.database)} does not exist — create it or fix the database name`;
      break;
    case "28000":
      hint = `the server refused user ${JSON.stringify(c.user)} (pg_hba.conf) — allow this client in pg_hba.conf`;
      break;
    default:
      hint = e.message ?? String(err);
  }
  return new Error(`${label}: could not connect to ${where} (${hint})`, { cause: err });
}

/** How long pgtier waits for a managed container that is (re)starting to accept logins. */
const STARTING_TIMEOUT_MS = 60_000;

/**
 * Connection failures of a server that is starting: refused or reset, the
 * proxy in front of a container closing it ("Connection terminated
 * unexpectedly"), or PostgreSQL's "the database system is starting up".
 * Never a login refused: that does not change by waiting.
 */
export function isStarting(err: unknown): boolean {
  const e = postgresError(err);
  return (
    e.code === "ECONNREFUSED" || e.code === "ECONNRESET" || e.code === "57P03" || /Connection terminated unexpectedly/.test(e.message ?? "")
  );
}

/** Half a second, then again. */
function pause(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 500));
}

/**
 * Where to connect now. A managed container's published port is read from
 * Docker at each connection, so a port the state holds from before a
 * restart is never used. A container that is restarting (docker restart,
 * dockerd coming back) is waited for, until `deadline`; one that is gone or
 * does not run is an error naming it and the fix.
 */
export async function resolveConnection(op: Operation, c: Connection, deadline = Date.now() + STARTING_TIMEOUT_MS): Promise<Connection> {
  if (!c.container) {
    return c;
  }
  for (;;) {
    const found = await inspectContainer(op.label, c.container);
    if (!found) {
      throw new Error(
        `${op.label}: the container ${c.container} of the instance it lives on is gone; run pulumi up to create it again on its data volume (pulumi destroy needs it too) — nothing was changed`,
      );
    }
    if (found.running) {
      return found.endpoint ? { ...c, ...found.endpoint } : c;
    }
    if (found.status !== "restarting" || Date.now() >= deadline) {
      throw notRunningError(op.label, c.container, found.status);
    }
    await pause();
  }
}

/** A client logged in to `c`, for `op` (named in pg_stat_activity); a managed container that is starting is waited for. */
async function connect(op: Operation, c: Connection, waitForStart = true): Promise<Client> {
  const deadline = Date.now() + (c.container && waitForStart ? STARTING_TIMEOUT_MS : 0);
  for (;;) {
    const target = await resolveConnection(op, c, deadline);
    const client = new Client({
      ...target,
      connectionTimeoutMillis: 15_000,
      // pgtier, and the resource: what a user sees of this session in pg_stat_activity and in pgtier's lock reports.
      application_name: `pgtier: ${op.label}`.slice(0, 63),
    });
    // A backend that goes away while the client is idle (a restart) is handled where the client is used next.
    client.on("error", () => undefined);
    try {
      await client.connect();
      return client;
    } catch (err) {
      await client.end().catch(() => undefined);
      if (!isStarting(err) || Date.now() >= deadline) {
        throw explainConnectError(op.label, target, err);
      }
      await pause();
    }
  }
}

/** Sets up a session on `client` (its pid, to watch its lock waits, and lock_timeout), runs `fn` on it, and always closes it. */
async function onSession<T>(
  op: Operation,
  client: SqlClient,
  reconnect: () => Promise<SqlClient>,
  fn: (s: Session) => Promise<T>,
): Promise<T> {
  try {
    const waits = lockWaits();
    // The session's pid (to watch its lock waits) and its lock_timeout, in one round trip.
    const setup = await client.query<{ pid: number }>("SELECT pg_backend_pid() AS pid, set_config('lock_timeout', $1, false)", [
      `${waits.timeoutMs}ms`,
    ]);
    return await fn(new Session(op, client, setup.rows[0].pid, reconnect, waits));
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Opens one connection for `op`, runs `fn` on its session, and always closes it. */
export async function withSession<T>(op: Operation, c: Connection, fn: (session: Session) => Promise<T>): Promise<T> {
  // The watch of lock waits does not wait for a container to start: it only looks while this session works.
  return onSession(op, await connect(op, c), () => connect(op, c, false), fn);
}

/**
 * A session on an archive that pgtier cannot reach, through the main
 * instance `via` (see relay.ts): the same Session, but no COPY.
 */
export async function withRelayedSession<T>(
  op: Operation,
  via: Connection,
  target: RelayTarget,
  fn: (session: Session) => Promise<T>,
): Promise<T> {
  const open = async (waitForStart: boolean) => startRelay(op, await connect(op, via, waitForStart), target);
  return onSession(op, await open(true), () => open(false), fn);
}

/** Network failures: nothing answered at that address from here (which says nothing of other machines), in words. */
const UNREACHABLE: Readonly<Record<string, string>> = {
  ECONNREFUSED: "connection refused",
  EHOSTUNREACH: "no route to host",
  ENETUNREACH: "network unreachable",
  ETIMEDOUT: "timed out",
  ENOTFOUND: "host name does not resolve",
  EAI_AGAIN: "host name does not resolve",
};

/** Why an address does not answer, or undefined when the failure is something else. */
function unreachableReason(err: unknown): string | undefined {
  const e = postgresError(err instanceof Error && err.cause ? err.cause : err);
  return UNREACHABLE[e.code ?? ""] ?? (/timeout/i.test(e.message ?? "") ? "timed out" : undefined);
}

/**
 * Attempts at reaching an address before pgtier says it does not answer,
 * half a second apart: more for a managed container, which refuses
 * connections for a moment while PostgreSQL in it starts.
 */
const REACH_ATTEMPTS = { server: 3, container: 10 };

/** An address pgtier tried and could not reach, and why. */
export interface Unreachable {
  /** `host:port`, as tried (a container's published port as Docker says it is now). */
  readonly address: string;
  /** `connection refused`, `timed out`, ... */
  readonly reason: string;
}

/**
 * Whether pgtier reaches `c` from where it runs: undefined when a login
 * works; where and why not when the address does not answer. A managed
 * container that is restarting, or whose server is starting up, is waited
 * for as for any session; any other failure (a login refused, a container
 * stopped) is thrown as it is.
 */
export async function unreachable(op: Operation, c: Connection): Promise<Unreachable | undefined> {
  const deadline = Date.now() + STARTING_TIMEOUT_MS;
  // Where the container is now; from here on, only the address is tried.
  const address = { ...(await resolveConnection(op, c, deadline)), container: undefined };
  const attempts = c.container ? REACH_ATTEMPTS.container : REACH_ATTEMPTS.server;
  for (let refused = 0; ;) {
    try {
      await (await connect(op, address)).end();
      return undefined;
    } catch (err) {
      const reason = unreachableReason(err);
      if (reason && ++refused >= attempts) {
        return { address: `${address.host}:${address.port}`, reason };
      }
      const starting = c.container !== undefined && isStarting(err instanceof Error ? (err.cause ?? err) : err) && Date.now() < deadline;
      if (!reason && !starting) {
        throw err;
      }
      await pause();
    }
  }
}

/** One session per connection, all open while `fn` runs (e.g. a rotation's readers on both instances). */
export function withSessions<T>(op: Operation, connections: readonly Connection[], fn: (sessions: Session[]) => Promise<T>): Promise<T> {
  const open = (i: number, sessions: Session[]): Promise<T> =>
    i === connections.length ? fn(sessions) : withSession(op, connections[i], (s) => open(i + 1, [...sessions, s]));
  return open(0, []);
}

/**
 * Waits until the server accepts a real login and query (a new container
 * runs initdb first). On timeout the error carries `context()`, e.g. the
 * container's last log lines.
 */
export async function waitForLogin(op: Operation, c: Connection, timeoutMs: number, context: () => Promise<string>): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await withSession(op, c, (s) => s.run("SELECT 1"));
      return;
    } catch (err) {
      const starting = isStarting(err instanceof Error ? (err.cause ?? err) : err);
      if (!starting || Date.now() >= deadline) {
        const reason = err instanceof Error ? err.message : String(err);
        throw new Error(`${op.label}: PostgreSQL did not accept connections within ${timeoutMs / 1000}s (${reason}); ${await context()}`, {
          cause: err,
        });
      }
      await pause();
    }
  }
}

/**
 * Connects to `c` over TLS, trusting only the certificate authority
 * `caPem`, and returns what the server says of the session. The host name
 * is not checked here: pgtier reaches a container at 127.0.0.1, which the
 * server certificate need not name (postgres_fdw's verify-full checks the
 * name other instances use).
 */
export async function tlsSession(op: Operation, c: Connection, caPem: string): Promise<{ ssl: boolean; version: string }> {
  const target = await resolveConnection(op, c);
  const client = new Client({
    ...target,
    connectionTimeoutMillis: 15_000,
    application_name: `pgtier: ${op.label}`.slice(0, 63),
    ssl: { ca: caPem, checkServerIdentity: () => undefined },
  });
  client.on("error", () => undefined);
  try {
    await client.connect();
    const rows = await client.query<{ ssl: boolean; version: string }>(sessionSslSql);
    return rows.rows[0];
  } finally {
    await client.end().catch(() => undefined);
  }
}
