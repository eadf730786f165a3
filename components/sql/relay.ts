/**
 * Pure SQL for reaching an archive through the main instance, when the
 * machine running pgtier cannot reach it: dblink on the main instance holds
 * an admin session on the archive, and each statement pgtier would have
 * sent the archive is handed to it as text (relay.ts in db/ runs them).
 */
import { quoteConninfoValue, quoteIdent, quoteLiteral, quoteParam, quoteQualified } from "./quote";
import { notCodeEnd } from "./scan";

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

/** The admin login the relay opens its archive session with. */
export interface AdminLogin {
  readonly user: string;
  readonly password: string;
}

/**
 * Server options that are postgres_fdw's own, not libpq's: left out of the
 * relay's connection string (libpq refuses keywords it does not know).
 */
const FDW_ONLY_OPTIONS = new Set([
  "use_remote_estimate",
  "fdw_startup_cost",
  "fdw_tuple_cost",
  "extensions",
  "updatable",
  "truncatable",
  "fetch_size",
  "batch_size",
  "async_capable",
  "parallel_commit",
  "parallel_abort",
  "keep_connections",
  "analyze_sampling",
  "password_required",
]);

/** Seconds the relay waits for the archive to answer, unless the server says otherwise. */
const RELAY_CONNECT_TIMEOUT = "10";

/**
 * The libpq connection string of the relay's archive session: where the
 * main instance's foreign server reaches the archive (host, port, dbname,
 * TLS, passfile...), as its admin. It goes to dblink as a parameter, so the
 * password is in no statement's text and in no catalog.
 */
export function buildConninfo(serverOptions: Readonly<Record<string, string>>, login: AdminLogin, applicationName: string): string {
  const options: Record<string, string> = { connect_timeout: RELAY_CONNECT_TIMEOUT };
  for (const [key, value] of Object.entries(serverOptions)) {
    if (!FDW_ONLY_OPTIONS.has(key)) {
      options[key] = value;
    }
  }
  Object.assign(options, { user: login.user, password: login.password, application_name: applicationName });
  return Object.keys(options)
    .sort()
    .map((key) => `${key}=${quoteConninfoValue(options[key])}`)
    .join(" ");
}

/** Opens the relay's dblink connection ($1) with a connection string ($2). */
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

/** A statement without the semicolons that end it. */
function withoutSemicolon(sql: string): string {
  return sql.trim().replace(/;+$/, "");
}

/**
 * On the archive: a query run for its effects (`SELECT set_config(...)`,
 * `SELECT pg_advisory_xact_lock(...)`), counting its rows instead of
 * returning them. A subquery may have void columns, which dblink could not
 * declare; PostgreSQL keeps volatile ones, so the functions still run.
 */
export function buildCountRemoteSql(query: string): string {
  // A line break before the closing parenthesis: a trailing `--` comment ends there.
  return `SELECT count(*) FROM (${withoutSemicolon(query)}\n) AS q`;
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
    `CREATE TEMP VIEW ${quoteIdent(RELAY_VIEW)} AS ${withoutSemicolon(query)}\n`,
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
  const remote = `SELECT * FROM ${quoteQualified("pg_temp", RELAY_VIEW)}`;
  const declared = columns.map((c) => `${quoteIdent(c.name)} ${c.type}`).join(", ");
  return `SELECT * FROM ${quoteQualified(schema, "dblink")}($1, ${quoteLiteral(remote)}) AS t(${declared})`;
}

/** The statement's first word, lower case, past comments and parentheses. */
function firstWord(sql: string): string {
  const start = sql.replace(/^(?:\s+|--[^\n]*\n?|\/\*[\s\S]*?\*\/|\()*/, "");
  return (/^[a-z]+/i.exec(start)?.[0] ?? "").toLowerCase();
}

/**
 * Drops the described view once its rows are read: left there, it would
 * hold the tables it reads against a DROP or ALTER on the archive.
 */
export function buildDropRelayViewSql(): string {
  return `DROP VIEW IF EXISTS ${quoteQualified("pg_temp", RELAY_VIEW)}`;
}

/** Whether a statement returns rows (a query): SELECT, WITH, VALUES or TABLE first, after comments and parentheses. */
export function returnsRows(sql: string): boolean {
  return ["select", "with", "values", "table"].includes(firstWord(sql));
}

/**
 * Why a statement cannot go through the relay, or undefined when it can:
 * rows that are not a query's (RETURNING, SHOW, EXPLAIN) cannot be
 * described through a view, and dblink carries no COPY.
 */
export function unrelayable(sql: string): string | undefined {
  const word = firstWord(sql);
  if (["show", "explain", "copy"].includes(word)) {
    return `${word.toUpperCase()} cannot run through the main instance`;
  }
  if (!returnsRows(sql) && /\bRETURNING\b/i.test(sql)) {
    return "a statement with RETURNING cannot run through the main instance";
  }
  return undefined;
}

/** The row count in a command tag (`INSERT 0 5`, `DELETE 2`, `UPDATE 1`), as pg reports it; null for others. */
export function statusRowCount(status: string): number | null {
  const match = /^(?:INSERT \d+|DELETE|UPDATE|SELECT|MOVE|FETCH|COPY|MERGE) (\d+)$/.exec(status.trim());
  return match ? Number(match[1]) : null;
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
    const end = notCodeEnd(sql, i);
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
