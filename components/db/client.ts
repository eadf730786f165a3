/** Connections to PostgreSQL, with errors that say which resource, where, and what to do. */
import { Client } from "pg";
import { Connection } from "../model/types";

/** Where a connection points, for messages (never the password). */
export function describeConnection(c: Connection): string {
  return `${c.host}:${c.port}/${c.database} as ${c.user}`;
}

/** Translates a connection failure into a message a user can act on. */
export function explainConnectError(label: string, c: Connection, err: unknown): Error {
  const e = err as { code?: string; message?: string };
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

/** Opens one connection, runs `fn`, and always closes it. */
export async function withClient<T>(label: string, c: Connection, fn: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({
    host: c.host,
    port: c.port,
    user: c.user,
    password: c.password,
    database: c.database,
    ssl:
      c.sslmode && c.sslmode !== "disable" && c.sslmode !== "prefer" ? { rejectUnauthorized: c.sslmode.startsWith("verify") } : undefined,
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
    return await fn(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Runs `fn` inside BEGIN ... COMMIT on `client`; any error rolls back and is rethrown. */
export async function inTransaction<T>(client: Client, fn: () => Promise<T>): Promise<T> {
  await client.query("BEGIN");
  try {
    const result = await fn();
    await client.query("COMMIT");
    return result;
  } catch (err) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw err;
  }
}

/** Runs statements in one transaction: all of them happen, or none. */
export async function runInTransaction(label: string, client: Client, statements: readonly string[]): Promise<void> {
  if (statements.length === 0) {
    return;
  }
  await inTransaction(client, async () => {
    for (const sql of statements) {
      await runStatement(label, client, sql);
    }
  });
}

/**
 * Runs statements and then probe queries in one transaction. A failing
 * statement names itself; a failing probe is explained by `explain`; either
 * way everything rolls back, so nothing is left half-made.
 */
export async function runThenProbe(
  label: string,
  client: Client,
  statements: readonly string[],
  probe: readonly string[],
  explain: (err: { code?: string; message?: string; detail?: string }) => string,
): Promise<void> {
  await inTransaction(client, async () => {
    for (const sql of statements) {
      await runStatement(label, client, sql);
    }
    try {
      for (const sql of probe) {
        await client.query(sql);
      }
    } catch (err) {
      throw new Error(`${label}: ${explain(err as { code?: string; message?: string; detail?: string })}; nothing was changed`, {
        cause: err,
      });
    }
  });
}

/** PostgreSQL's message plus its detail, when it gave one. */
export function withDetail(e: { message?: string; detail?: string }): string {
  return `${e.message}${e.detail ? ` (${e.detail.trim()})` : ""}`;
}

/** Runs one statement; a failure names the resource and the statement. */
export async function runStatement(label: string, client: Client, sql: string): Promise<void> {
  try {
    await client.query(sql);
  } catch (err) {
    const e = err as { message?: string; hint?: string; detail?: string };
    const extra = [e.detail, e.hint].filter(Boolean).join(" ");
    throw new Error(`${label}: PostgreSQL refused ${firstLine(sql)}: ${e.message}${extra ? ` (${extra})` : ""}`, { cause: err });
  }
}

/** Hides password literals so a failing statement can be shown in an error or log. */
export function redactSql(sql: string): string {
  return sql.replace(/("password"|\bpassword)(\s+)'(?:[^']|'')*'/gi, "$1$2'[secret]'");
}

function firstLine(sql: string): string {
  const line = redactSql(sql.split("\n")[0]);
  return line.length > 120 ? `${line.slice(0, 117)}...` : line;
}
