/**
 * An archive session through the main instance, for when the machine
 * running pgtier cannot reach the archive but the main instance can: a
 * session on the main instance holds a dblink connection to the archive as
 * its admin, and every statement goes through it as text. It has the shape
 * of pg's Client (SqlClient), so a Session runs on it unchanged, except
 * COPY, which dblink cannot carry.
 */
import { Client, QueryResultRow } from "pg";
import { Operation } from "../model/operation";
import { extensionSql, foreignServerSql, parseOptions } from "../sql/catalog";
import {
  AdminLogin,
  buildConninfo,
  buildCountRemoteSql,
  buildDescribeRemoteSql,
  buildDropRelayViewSql,
  buildRelayConnectSql,
  buildRelayCountSql,
  buildRelayDescribeSql,
  buildRelayExecSql,
  buildRelayExtensionSql,
  buildRelayFetchSql,
  inlineParams,
  RelayColumn,
  RELAY_CONNECTION,
  returnsRows,
  statusRowCount,
  unrelayable,
} from "../sql/relay";
import { QUIET_LOG_SQL } from "../sql/tls";
import { postgresError, withDetail } from "./session";
import { SqlClient } from "./sql-client";

/** Statements and queries for an archive, run by dblink on a main-instance session, one at a time. */
export class RelayClient implements SqlClient {
  /** The call in flight: a query is described, read and its view dropped before the next one starts. */
  private last: Promise<unknown> = Promise.resolve();

  constructor(
    /** The main-instance session holding the dblink connection. */
    private readonly main: Client,
    /** The schema dblink's functions are in. */
    private readonly schema: string,
  ) {}

  /** Runs `fn` after the calls before it, as pg's Client queues queries. */
  private queued<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.last.then(fn, fn);
    this.last = run.catch(() => undefined);
    return run;
  }

  /**
   * Runs `sql` on the archive, parameters written in as literals. A query's
   * rows come back typed as pg would type them: the archive describes its
   * columns first (a temporary view), then they are read declared so.
   */
  query<R extends QueryResultRow = QueryResultRow>(sql: string, values: unknown[] = []): Promise<{ rows: R[]; rowCount: number | null }> {
    return this.queued(async () => {
      const text = inlineParams(sql, values);
      const refused = unrelayable(text);
      if (refused) {
        throw new Error(refused);
      }
      if (!returnsRows(text)) {
        return { rows: [], rowCount: await this.exec(text) };
      }
      const described = await this.main.query<RelayColumn>(buildRelayDescribeSql(this.schema), [
        RELAY_CONNECTION,
        buildDescribeRemoteSql(text),
      ]);
      const rows = (await this.main.query<R>(buildRelayFetchSql(this.schema, described.rows), [RELAY_CONNECTION])).rows;
      await this.exec(buildDropRelayViewSql());
      return { rows, rowCount: rows.length };
    });
  }

  /** Runs a statement on the archive without reading rows back; the row count of its command tag. */
  command(sql: string, values: unknown[] = []): Promise<number | null> {
    return this.queued(async () => {
      const text = inlineParams(sql, values);
      const refused = unrelayable(text);
      if (refused) {
        throw new Error(refused);
      }
      if (returnsRows(text)) {
        const counted = await this.main.query<{ n: string }>(buildRelayCountSql(this.schema), [
          RELAY_CONNECTION,
          buildCountRemoteSql(text),
        ]);
        return Number(counted.rows[0]?.n ?? 0);
      }
      return this.exec(text);
    });
  }

  /** dblink_exec of a statement that returns no rows. */
  private async exec(text: string): Promise<number | null> {
    const done = await this.main.query<{ status: string }>(buildRelayExecSql(this.schema), [RELAY_CONNECTION, text]);
    return statusRowCount(done.rows[0]?.status ?? "");
  }

  /** Closes the main-instance session; the archive session ends with it. */
  async end(): Promise<void> {
    await this.main.end();
  }
}

/** Where the main instance reaches the archive, and as whom. */
export interface RelayTarget {
  /** The main instance's foreign server for the archive: its options say where the archive is, as the main instance sees it. */
  readonly server: string;
  /** The archive's admin, whom the relay logs in as. */
  readonly login: AdminLogin;
  /** application_name of the archive session (pgtier's sessions are recognised by it). */
  readonly applicationName: string;
}

/** Runs statements on a raw client in one committed transaction. */
async function inTransaction(client: Client, fn: () => Promise<void>): Promise<void> {
  await client.query("BEGIN");
  try {
    await fn();
    await client.query("COMMIT");
  } catch (err) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw err;
  }
}

/** PostgreSQL's message, or a plain error's. */
function reasonOf(err: unknown): string {
  return err instanceof Error && !("code" in err) ? err.message : withDetail(postgresError(err));
}

/** dblink installed (schema pgtier_relay) unless it is there; the schema its functions are in. */
async function ensureDblink(op: Operation, main: Client): Promise<string> {
  try {
    await inTransaction(main, async () => {
      for (const sql of buildRelayExtensionSql()) {
        await main.query(sql);
      }
    });
    return (await main.query<{ schema: string }>(extensionSql, ["dblink"])).rows[0].schema;
  } catch (err) {
    throw new Error(
      `${op.label}: to reach the archive through the main instance, pgtier needs PostgreSQL's dblink extension there, ` +
        `and installing it failed (${reasonOf(err)}); install the contrib modules on the main instance and run pulumi up as its superuser, ` +
        `or run pulumi up where the archive is reachable — nothing was changed`,
      { cause: err },
    );
  }
}

/**
 * Turns a fresh main-instance session into a relay to the archive behind
 * `target.server`: dblink connects with the server's own options (as the
 * main instance reaches the archive) and the admin's login, given as a
 * parameter with statement logging off, so the password is in no
 * statement's text, catalog or log line.
 */
export async function startRelay(op: Operation, main: Client, target: RelayTarget): Promise<RelayClient> {
  try {
    const schema = await ensureDblink(op, main);
    const found = (await main.query<{ options: string[] | null }>(foreignServerSql, [target.server])).rows[0];
    if (!found) {
      throw new Error(
        `${op.label}: the main instance has no foreign server ${JSON.stringify(target.server)} for the archive; run pulumi up to make it`,
      );
    }
    const conninfo = buildConninfo(parseOptions(found.options), target.login, target.applicationName);
    await inTransaction(main, async () => {
      for (const sql of QUIET_LOG_SQL) {
        await main.query(sql);
      }
      await main.query(buildRelayConnectSql(schema), [RELAY_CONNECTION, conninfo]).catch((err: unknown) => {
        throw new Error(
          `${op.label}: the main instance could not open an admin session on the archive through foreign server ${JSON.stringify(target.server)} ` +
            `either (${reasonOf(err)}); check that the archive runs, that the server's host and port are right as the main instance sees them, ` +
            `and that the archive's pg_hba.conf lets ${target.login.user} in from the main instance — nothing was changed`,
          { cause: err },
        );
      });
    });
    return new RelayClient(main, schema);
  } catch (err) {
    await main.end().catch(() => undefined);
    throw err;
  }
}
