/**
 * The one way pgtier runs SQL: a session on one connection, on behalf of
 * one resource. Statements that fail name the resource and the statement
 * (passwords redacted); reads are typed by the row they return; COPY
 * streams and transactions go through here too, so no other code holds a
 * `pg` client. Every statement waits for its locks at most lock_timeout per
 * attempt, says who it waits for, and is retried (a whole transaction when
 * it is one) before it fails with nothing changed.
 */
import { Readable, Writable } from "node:stream";
import { Client, QueryResultRow } from "pg";
import { from as copyFrom, to as copyTo } from "pg-copy-streams";
import { Operation } from "../model/operation";
import { isBag } from "../model/reader";
import { buildSetSnapshotSql, exportSnapshotSql } from "../sql/capture";
import { Blocker, LockWaits, retryOnLockConflicts, watchBlockers } from "./blockers";
import { SqlClient } from "./sql-client";

/** A PostgreSQL error as `pg` reports it. */
export interface PostgresError {
  readonly code?: string;
  readonly message?: string;
  readonly detail?: string;
  readonly hint?: string;
}

/** The fields of a PostgreSQL (or network) error, from whatever was thrown. */
export function postgresError(err: unknown): PostgresError {
  if (!isBag(err)) {
    return { message: String(err) };
  }
  const text = (key: string) => (typeof err[key] === "string" ? String(err[key]) : undefined);
  return { code: text("code"), message: text("message") ?? String(err), detail: text("detail"), hint: text("hint") };
}

/** PostgreSQL's message plus its detail, when it gave one. */
export function withDetail(e: PostgresError): string {
  return `${e.message}${e.detail ? ` (${e.detail.trim()})` : ""}`;
}

/** Hides password literals so a failing statement can be shown in an error or log. */
export function redactSql(sql: string): string {
  return sql.replace(/("password"|\bpassword)(\s+)'(?:[^']|'')*'/gi, "$1$2'[secret]'");
}

/** The first line of a statement, redacted and shortened, to name it in messages. */
export function firstLine(sql: string): string {
  const line = redactSql(sql.split("\n")[0]);
  return line.length > 120 ? `${line.slice(0, 117)}...` : line;
}

/** SQL on one connection, for one resource. */
export class Session {
  private depth = 0;
  private blockers: readonly Blocker[] = [];

  constructor(
    /** The resource the SQL runs for (every error names it) and where its progress goes. */
    private readonly op: Operation,
    private readonly client: SqlClient,
    /** The backend's process id, to find who it waits for. */
    private readonly pid: number,
    /** Opens another connection to the same database, to watch this one's lock waits. */
    private readonly reconnect: () => Promise<SqlClient>,
    private readonly waits: LockWaits,
  ) {}

  /** `ForeignServer "archive"`: who the SQL runs for. */
  get label(): string {
    return this.op.label;
  }

  /** The backend's process id. */
  get backendPid(): number {
    return this.pid;
  }

  /** The sessions the last statement waited for (empty when it never waited long enough to look). */
  get lastBlockers(): readonly Blocker[] {
    return this.blockers;
  }

  /**
   * Runs one statement and returns how many rows it changed; a failure names
   * the resource and the statement, and keeps PostgreSQL's error as its
   * cause. Outside a transaction, a lock not granted in time is retried.
   */
  async run(sql: string, params: readonly unknown[] = []): Promise<number> {
    return this.depth > 0 ? this.statement(sql, params) : this.retrying(firstLine(sql), () => this.statement(sql, params));
  }

  /** One statement, watched for lock waits; a failure names the resource and the statement. */
  private async statement(sql: string, params: readonly unknown[]): Promise<number> {
    this.blockers = [];
    const watch = watchBlockers(this.reconnect, this.pid, firstLine(sql), this.op.progress, Math.min(1000, this.waits.timeoutMs / 2));
    try {
      const changed = this.client.command
        ? await this.client.command(sql, [...params])
        : (await this.client.query(sql, [...params])).rowCount;
      return changed ?? 0;
    } catch (err) {
      throw this.refused(sql, err);
    } finally {
      this.blockers = watch.seen();
      await watch.stop();
    }
  }

  /** PostgreSQL's refusal of `sql`, naming the resource and the statement, with PostgreSQL's error as its cause. */
  private refused(sql: string, err: unknown): Error {
    const e = postgresError(err);
    const extra = [e.detail, e.hint].filter(Boolean).join(" ");
    return new Error(`${this.label}: PostgreSQL refused ${firstLine(sql)}: ${e.message}${extra ? ` (${extra})` : ""}`, { cause: err });
  }

  /** Runs `attempt`, again when a lock is not granted in time (see retryOnLockConflicts). */
  private retrying<T>(what: string, attempt: () => Promise<T>): Promise<T> {
    return retryOnLockConflicts(this.op, this.waits, what, attempt, () => this.blockers);
  }

  /** The rows of a query whose values are `$n` parameters; a failure names the resource and the query. */
  async rows<R extends QueryResultRow>(sql: string, params: readonly unknown[] = []): Promise<R[]> {
    try {
      return (await this.client.query<R>(sql, [...params])).rows;
    } catch (err) {
      throw this.refused(sql, err);
    }
  }

  /** The first row of a query, if any. */
  async first<R extends QueryResultRow>(sql: string, params: readonly unknown[] = []): Promise<R | undefined> {
    return (await this.rows<R>(sql, params))[0];
  }

  /** Runs `fn` inside BEGIN ... COMMIT; any error rolls back and is rethrown. The caller handles lock conflicts. */
  async transaction<T>(fn: () => Promise<T>): Promise<T> {
    await this.client.query("BEGIN");
    this.depth++;
    try {
      const result = await fn();
      await this.client.query("COMMIT");
      return result;
    } catch (err) {
      await this.client.query("ROLLBACK").catch(() => undefined);
      throw err;
    } finally {
      this.depth--;
    }
  }

  /**
   * Opens a transaction that stays open until {@link end}, for work that
   * spans other sessions' transactions (a lock held while another session
   * cuts over). Statements in it are not retried: the caller handles lock
   * conflicts.
   */
  async begin(isolation: "READ COMMITTED" | "REPEATABLE READ" = "READ COMMITTED"): Promise<void> {
    await this.client.query(`BEGIN ISOLATION LEVEL ${isolation}`);
    this.depth++;
  }

  /** Ends what {@link begin} opened: commits, or rolls back. Without an open transaction it does nothing. */
  async end(commit = true): Promise<void> {
    if (this.depth > 0) {
      this.depth--;
      if (!commit) {
        await this.client.query("ROLLBACK").catch(() => undefined);
        return;
      }
      await this.client.query("COMMIT").catch((err: unknown) => {
        throw this.refused("COMMIT", err);
      });
    }
  }

  /**
   * Opens a REPEATABLE READ transaction and returns its snapshot's id: every
   * read until {@link end} sees the rows as they are now, and other
   * sessions can read the same ({@link joinSnapshot}).
   */
  async openSnapshot(): Promise<string> {
    await this.begin("REPEATABLE READ");
    return String((await this.first<{ id: string }>(exportSnapshotSql))?.id);
  }

  /** Opens a REPEATABLE READ transaction that reads in another session's snapshot. */
  async joinSnapshot(id: string): Promise<void> {
    await this.begin("REPEATABLE READ");
    await this.run(buildSetSnapshotSql(id));
  }

  /**
   * Runs `fn` in a transaction, again from the start when a lock is not
   * granted in time; `what` names it in messages. Inside a transaction the
   * caller opened, `fn` just runs: the caller handles lock conflicts.
   */
  locked<T>(what: string, fn: () => Promise<T>): Promise<T> {
    return this.depth > 0 ? fn() : this.retrying(what, () => this.transaction(fn));
  }

  /** Runs statements in one transaction: all of them happen, or none. */
  async runAll(statements: readonly string[]): Promise<void> {
    if (statements.length > 0) {
      await this.locked(firstLine(statements[0]), () => this.runEach(statements));
    }
  }

  /** Runs statements one after the other, in whatever transaction is open. */
  async runEach(statements: readonly string[]): Promise<void> {
    for (const sql of statements) {
      await this.run(sql);
    }
  }

  /**
   * Runs statements and then probe queries in one transaction. A failing
   * statement names itself; a failing probe is explained by `explain`; either
   * way everything rolls back, so nothing is left half-made.
   */
  async runThenProbe(statements: readonly string[], probes: readonly string[], explain: (e: PostgresError) => string): Promise<void> {
    await this.locked(firstLine(statements[0] ?? probes[0] ?? ""), async () => {
      await this.runEach(statements);
      try {
        for (const sql of probes) {
          await this.client.query(sql);
        }
      } catch (err) {
        throw new Error(`${this.label}: ${explain(postgresError(err))}; nothing was changed`, { cause: err });
      }
    });
  }

  /** The pg client, for COPY; a relay through the main instance has none. */
  private pgClient(sql: string): Client {
    if (!(this.client instanceof Client)) {
      throw new Error(`${this.label}: ${firstLine(sql)} cannot run through the main instance (COPY needs a direct connection)`);
    }
    return this.client;
  }

  /** `COPY ... TO STDOUT` as a stream of its output. */
  copyOut(sql: string): Readable {
    const client = this.pgClient(sql);
    const out = client.query(copyTo(sql));
    // Stopped before its end (whoever read it failed), the COPY leaves the server
    // writing rows nobody reads, and nothing else can run here: the connection is
    // closed, the server rolls its transaction back, and what waits on it fails.
    out.once("close", () => {
      if (!out.readableEnded) {
        client.connection.stream.destroy();
      }
    });
    return out;
  }

  /** `COPY ... FROM STDIN` as a stream to write its input to; it finishes when the COPY has. */
  copyIn(sql: string): Writable {
    return this.pgClient(sql).query(copyFrom(sql));
  }
}
