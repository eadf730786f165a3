/** Connections to PostgreSQL, with errors that say which resource, where, and what to do. */
import { Client } from "pg";
import { Connection } from "../model/types";
import { postgresError, Session } from "./session";

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
  return new Error(`${label}: could not connect to ${where} (${hint})`);
}

/** Opens one connection for `label`, runs `fn` on its session, and always closes it. */
export async function withSession<T>(label: string, c: Connection, fn: (session: Session) => Promise<T>): Promise<T> {
  const client = new Client({
    host: c.host,
    port: c.port,
    user: c.user,
    password: c.password,
    database: c.database,
    connectionTimeoutMillis: 15_000,
    application_name: "pgtier",
  });
  try {
    await client.connect();
  } catch (err) {
    await client.end().catch(() => undefined);
    throw explainConnectError(label, c, err);
  }
  try {
    return await fn(new Session(label, client));
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** One session per connection, all open while `fn` runs (e.g. a rotation's readers on both instances). */
export function withSessions<T>(label: string, connections: readonly Connection[], fn: (sessions: Session[]) => Promise<T>): Promise<T> {
  const open = (i: number, sessions: Session[]): Promise<T> =>
    i === connections.length ? fn(sessions) : withSession(label, connections[i], (s) => open(i + 1, [...sessions, s]));
  return open(0, []);
}

/**
 * Waits until the server accepts a real login and query (a new container
 * runs initdb first). On timeout the error carries `context()`, e.g. the
 * container's last log lines.
 */
export async function waitForLogin(label: string, c: Connection, timeoutMs: number, context: () => Promise<string>): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      await withSession(label, c, (s) => s.run("SELECT 1"));
      return;
    } catch (err) {
      last = err;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
  const reason = last instanceof Error ? last.message : String(last);
  throw new Error(`${label}: PostgreSQL did not accept connections within ${timeoutMs / 1000}s (${reason}); ${await context()}`);
}
