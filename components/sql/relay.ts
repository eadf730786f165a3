/**
 * Pure SQL for reaching an archive through the main instance, when the
 * machine running pgtier cannot reach it: dblink on the main instance holds
 * an admin session on the archive, and each statement pgtier would have
 * sent the archive is handed to it as text (relay.ts in db/ runs them).
 */
import { buildCreateServerSql, buildCreateUserMappingSql } from "./fdw";
import { quoteIdent, quoteLiteral, quoteParam, quoteQualified } from "./quote";

/** The schema dblink is installed in on the main instance, unless it is installed already. */
export const RELAY_SCHEMA = "pgtier_relay";

/** The name of the dblink connection a relay holds on its main-instance session. */
export const RELAY_CONNECTION = "pgtier";

/** The temporary view a relayed query is described through, on the archive session. */
const RELAY_VIEW = "pgtier_relay";

/**
 * Installs dblink where relays find it. Two relays starting at once would
 * both create the schema; the advisory lock makes the second wait and find it.
 */
export function buildRelayExtensionSql(): string[] {
  return [
    `SELECT pg_advisory_xact_lock(hashtext(${quoteLiteral("pgtier: relay")}))`,
    `CREATE SCHEMA IF NOT EXISTS ${quoteIdent(RELAY_SCHEMA)}`,
    `CREATE EXTENSION IF NOT EXISTS dblink WITH SCHEMA ${quoteIdent(RELAY_SCHEMA)}`,
  ];
}

/** The admin login an archive is reached with through a transient server. */
export interface AdminLogin {
  readonly user: string;
  readonly password: string;
}

/**
 * A foreign server like `options` (the archive's own, as the main instance
 * reaches it) with a mapping for the current user to the archive's admin.
 * Made inside a transaction that drops or rolls it back: the admin's
 * password is never left in the main instance's catalog.
 */
export function buildAdminServerSql(name: string, options: Readonly<Record<string, string>>, login: AdminLogin): string[] {
  return [
    buildCreateServerSql(name, options),
    buildCreateUserMappingSql("CURRENT_USER", name, { user: login.user, password: login.password }),
  ];
}

/** Drops a transient admin server and its mapping (and a foreign table made on it). */
export function buildDropAdminServerSql(name: string): string {
  return `DROP SERVER IF EXISTS ${quoteIdent(name)} CASCADE`;
}

/** Opens the relay's dblink connection ($1) through a server ($2), reading its options and the current user's mapping. */
export function buildRelayConnectSql(schema: string): string {
  return `SELECT ${quoteQualified(schema, "dblink_connect")}($1, $2)`;
}

/** Runs a statement ($2) that returns no rows on the relay's connection ($1); its command tag comes back as `status`. */
export function buildRelayExecSql(schema: string): string {
  return `SELECT ${quoteQualified(schema, "dblink_exec")}($1, $2) AS status`;
}

/**
 * Runs a query ($2, a {@link buildCountRemoteSql}) whose rows are not
 * wanted on the relay's connection ($1); how many it returned comes back as `n`.
 */
export function buildRelayCountSql(schema: string): string {
  return `SELECT n FROM ${quoteQualified(schema, "dblink")}($1, $2) AS t(n bigint)`;
}

/**
 * On the archive: a query run for its effects (`SELECT set_config(...)`,
 * `SELECT pg_advisory_xact_lock(...)`), counting its rows instead of
 * returning them. A subquery may have void columns, which dblink could not
 * declare; PostgreSQL keeps volatile ones, so the functions still run.
 */
export function buildCountRemoteSql(query: string): string {
  return `SELECT count(*) FROM (${query.trim().replace(/;+$/, "")}) AS q`;
}

/** Runs remote text ($2) that ends in the describing query of {@link buildDescribeRemoteSql}. */
export function buildRelayDescribeSql(schema: string): string {
  return `SELECT name, type FROM ${quoteQualified(schema, "dblink")}($1, $2) AS t(name text, type text)`;
}

/**
 * On the archive: the query as a temporary view, then the view's columns
 * and their types. dblink needs a query's columns declared before it runs
 * it; the view is how PostgreSQL says what they are.
 */
export function buildDescribeRemoteSql(query: string): string {
  const view = quoteQualified("pg_temp", RELAY_VIEW);
  return [
    `DROP VIEW IF EXISTS ${view}`,
    `CREATE TEMP VIEW ${quoteIdent(RELAY_VIEW)} AS ${query.trim().replace(/;+$/, "")}`,
    `SELECT attname::text, format_type(atttypid, atttypmod) FROM pg_attribute ` +
      `WHERE attrelid = ${quoteLiteral(`pg_temp.${RELAY_VIEW}`)}::regclass AND attnum > 0 AND NOT attisdropped ORDER BY attnum`,
  ].join("; ");
}

/** One column of a relayed query: its name and its type as PostgreSQL's format_type wrote it. */
export interface RelayColumn {
  readonly name: string;
  readonly type: string;
}

/**
 * Reads the described view's rows through dblink ($1 the connection), its
 * columns declared as the archive described them, so the main instance
 * hands them back with their own types. A type name is PostgreSQL's own
 * rendering (format_type quotes what needs quoting), not user input.
 */
export function buildRelayFetchSql(schema: string, columns: readonly RelayColumn[]): string {
  const declared = columns.map((c) => `${quoteIdent(c.name)} ${c.type}`).join(", ");
  return `SELECT * FROM ${quoteQualified(schema, "dblink")}($1, ${quoteLiteral(`SELECT * FROM pg_temp.${RELAY_VIEW}`)}) AS t(${declared})`;
}

/** Whether a statement returns rows (a query): SELECT, WITH, VALUES or TABLE first, after comments and parentheses. */
export function returnsRows(sql: string): boolean {
  const start = sql.replace(/^(?:\s+|--[^\n]*\n?|\/\*[\s\S]*?\*\/|\()*/, "");
  return /^(select|with|values|table)\b/i.test(start);
}

/** The row count in a command tag (`INSERT 0 5`, `DELETE 2`, `UPDATE 1`), as pg reports it; null for others. */
export function statusRowCount(status: string): number | null {
  const match = /^(?:INSERT \d+|DELETE|UPDATE|SELECT|MOVE|FETCH|COPY|MERGE) (\d+)$/.exec(status.trim());
  return match ? Number(match[1]) : null;
}

/** Where the quoted text that starts at `i` (with `quote`) ends: past its closing quote; a doubled quote is one character. */
function quotedEnd(sql: string, i: number, quote: string): number {
  let from = i + 1;
  for (;;) {
    const at = sql.indexOf(quote, from);
    if (at < 0) {
      return sql.length;
    }
    if (sql[at + 1] !== quote) {
      return at + 1;
    }
    from = at + 2;
  }
}

/**
 * Where the comment or dollar-quoted body at `i` ends, or undefined when
 * none starts there (a `$` right after a word is part of it, not a quote).
 */
function skippedEnd(sql: string, i: number, afterWord: boolean): number | undefined {
  const rest = sql.slice(i, i + 2);
  if (rest === "--") {
    const end = sql.indexOf("\n", i);
    return end < 0 ? sql.length : end;
  }
  if (rest === "/*") {
    const end = sql.indexOf("*/", i + 2);
    return end < 0 ? sql.length : end + 2;
  }
  const tag = afterWord ? null : /^\$(?:[A-Za-z_][A-Za-z_0-9]*)?\$/.exec(sql.slice(i));
  if (tag) {
    const end = sql.indexOf(tag[0], i + tag[0].length);
    return end < 0 ? sql.length : end + tag[0].length;
  }
  return undefined;
}

/**
 * The statement with each `$n` parameter written in as a literal
 * ({@link quoteParam}), for a connection that takes text only. `$n` inside
 * quoted text, identifiers, comments and dollar-quoted bodies is left alone.
 */
export function inlineParams(sql: string, params: readonly unknown[]): string {
  if (params.length === 0) {
    return sql;
  }
  let out = "";
  let i = 0;
  while (i < sql.length) {
    const c = sql[i];
    const afterWord = i > 0 && /[\w$]/.test(sql[i - 1]);
    const param = c === "$" && !afterWord ? /^\$(\d+)/.exec(sql.slice(i)) : null;
    if (param) {
      const n = Number(param[1]);
      if (n < 1 || n > params.length) {
        throw new Error(`statement uses $${n} but ${params.length} parameter(s) were given: ${sql.split("\n")[0]}`);
      }
      out += quoteParam(params[n - 1]);
      i += param[0].length;
      continue;
    }
    const end = c === "'" || c === '"' ? quotedEnd(sql, i, c) : skippedEnd(sql, i, afterWord);
    if (end !== undefined) {
      out += sql.slice(i, end);
      i = end;
      continue;
    }
    out += c;
    i++;
  }
  return out;
}
