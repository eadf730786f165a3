/**
 * The one way pgtier runs SQL: a session on one connection, on behalf of
 * one resource. Statements that fail name the resource and the statement
 * (passwords redacted); reads are typed by the row they return; COPY
 * streams and transactions go through here too, so no other code holds a
 * `pg` client.
 */
import { Readable, Writable } from "node:stream";
import { Client, QueryResultRow } from "pg";
import { from as copyFrom, to as copyTo } from "pg-copy-streams";
import { isBag } from "../model/reader";

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

function firstLine(sql: string): string {
  const line = redactSql(sql.split("\n")[0]);
  return line.length > 120 ? `${line.slice(0, 117)}...` : line;
}

/** SQL on one connection, for one resource. */
export class Session {
  constructor(
    /** `ForeignServer "archive"`: who the SQL runs for, the prefix of every error. */
    readonly label: string,
    private readonly client: Client,
  ) {}

  /** Runs one statement; a failure names the resource and the statement, and keeps PostgreSQL's error as its cause. */
  async run(sql: string, params: readonly unknown[] = []): Promise<void> {
    try {
      await this.client.query(sql, [...params]);
    } catch (err) {
      const e = postgresError(err);
      const extra = [e.detail, e.hint].filter(Boolean).join(" ");
      throw new Error(`${this.label}: PostgreSQL refused ${firstLine(sql)}: ${e.message}${extra ? ` (${extra})` : ""}`, { cause: err });
    }
  }

  /** The rows of a query whose values are `$n` parameters. */
  async rows<R extends QueryResultRow>(sql: string, params: readonly unknown[] = []): Promise<R[]> {
    return (await this.client.query<R>(sql, [...params])).rows;
  }

  /** The first row of a query, if any. */
  async first<R extends QueryResultRow>(sql: string, params: readonly unknown[] = []): Promise<R | undefined> {
    return (await this.rows<R>(sql, params))[0];
  }

  /** Runs `fn` inside BEGIN ... COMMIT; any error rolls back and is rethrown. */
  async transaction<T>(fn: () => Promise<T>): Promise<T> {
    await this.client.query("BEGIN");
    try {
      const result = await fn();
      await this.client.query("COMMIT");
      return result;
    } catch (err) {
      await this.client.query("ROLLBACK").catch(() => undefined);
      throw err;
    }
  }

  /** Runs statements in one transaction: all of them happen, or none. */
  async runAll(statements: readonly string[]): Promise<void> {
    if (statements.length > 0) {
      await this.transaction(() => this.runEach(statements));
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
    await this.transaction(async () => {
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

  /** `COPY ... TO STDOUT` as a stream of its output. */
  copyOut(sql: string): Readable {
    return this.client.query(copyTo(sql));
  }

  /** `COPY ... FROM STDIN` as a stream to write its input to; it finishes when the COPY has. */
  copyIn(sql: string): Writable {
    return this.client.query(copyFrom(sql));
  }
}
