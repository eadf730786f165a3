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
  buildAdminServerSql,
  buildCountRemoteSql,
  buildDescribeRemoteSql,
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
} from "../sql/relay";
import { QUIET_LOG_SQL } from "../sql/tls";
import { postgresError, withDetail } from "./session";
import { SqlClient } from "./sql-client";

/** Statements and queries for an archive, run by dblink on a main-instance session. */
export class RelayClient implements SqlClient {
  constructor(
    /** The main-instance session holding the dblink connection. */
    private readonly main: Client,
    /** The schema dblink's functions are in. */
    private readonly schema: string,
  ) {}

  /**
   * Runs `sql` on the archive, parameters written in as literals. A query's
   * rows come back typed as pg would type them: the archive describes its
   * columns first (a temporary view), then they are read declared so.
   */
  async query<R extends QueryResultRow = QueryResultRow>(
    sql: string,
    values: unknown[] = [],
  ): Promise<{ rows: R[]; rowCount: number | null }> {
    const text = inlineParams(sql, values);
    if (!returnsRows(text)) {
      return { rows: [], rowCount: await this.command(text) };
    }
    const columns = (
      await this.main.query<RelayColumn>(buildRelayDescribeSql(this.schema), [RELAY_CONNECTION, buildDescribeRemoteSql(text)])
    ).rows;
    const rows = (await this.main.query<R>(buildRelayFetchSql(this.schema, columns), [RELAY_CONNECTION])).rows;
    return { rows, rowCount: rows.length };
  }

  /** Runs a statement on the archive without reading rows back; its command tag's row count. */
  async command(sql: string, values: unknown[] = []): Promise<number | null> {
    const text = inlineParams(sql, values);
    if (returnsRows(text)) {
      const counted = await this.main.query<{ n: string }>(buildRelayCountSql(this.schema), [RELAY_CONNECTION, buildCountRemoteSql(text)]);
      return Number(counted.rows[0]?.n ?? 0);
    }
    const done = await this.main.query<{ status: string }>(buildRelayExecSql(this.schema), [RELAY_CONNECTION, text]);
    return statusRowCount(done.rows[0]?.status ?? "");
  }

  /** Closes the main-instance session; the archive session ends with it. */
  async end(): Promise<void> {
    await this.main.end();
  }
}

/** Runs statements on a raw client in one transaction, committed or (`commit` false) rolled back. */
async function inTransaction(client: Client, commit: boolean, fn: () => Promise<void>): Promise<void> {
  await client.query("BEGIN");
  try {
    await fn();
    await client.query(commit ? "COMMIT" : "ROLLBACK");
  } catch (err) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw err;
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

/**
 * Turns a fresh main-instance session into a relay to the archive behind
 * `target.server`. dblink is installed (schema pgtier_relay) unless it is
 * there; the login goes through a server and mapping that exist only inside
 * a transaction rolled back once dblink has connected, so the admin's
 * password is never committed to the main instance's catalog or written to
 * its log.
 */
export async function startRelay(op: Operation, main: Client, target: RelayTarget): Promise<RelayClient> {
  try {
    await inTransaction(main, true, async () => {
      for (const sql of buildRelayExtensionSql()) {
        await main.query(sql);
      }
    });
    const schema = (await main.query<{ schema: string }>(extensionSql, ["dblink"])).rows[0].schema;
    const found = (await main.query<{ options: string[] | null }>(foreignServerSql, [target.server])).rows[0];
    if (!found) {
      throw new Error(`the main instance has no foreign server ${JSON.stringify(target.server)} for the archive`);
    }
    const options = parseOptions(found.options);
    const pid = (await main.query<{ pid: number }>("SELECT pg_backend_pid() AS pid")).rows[0].pid;
    const transient = `pgtier_relay_${pid}`;
    await inTransaction(main, false, async () => {
      for (const sql of [
        ...QUIET_LOG_SQL,
        ...buildAdminServerSql(transient, { ...options, application_name: target.applicationName }, target.login),
      ]) {
        await main.query(sql);
      }
      await main.query(buildRelayConnectSql(schema), [RELAY_CONNECTION, transient]);
    });
    return new RelayClient(main, schema);
  } catch (err) {
    await main.end().catch(() => undefined);
    const reason = err instanceof Error && !("code" in err) ? err.message : withDetail(postgresError(err));
    throw new Error(
      `${op.label}: the main instance could not reach the archive through foreign server ${JSON.stringify(target.server)} either (${reason}); ` +
        `check that the archive runs and that the server's host and port are right as the main instance sees them — nothing was changed`,
      { cause: err },
    );
  }
}
