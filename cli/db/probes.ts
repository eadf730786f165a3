/**
 * Probes that make postgres_fdw connect, and this machine's own logins:
 * each returns what happened (how long it took, or PostgreSQL's error)
 * instead of throwing, so the doctor can report every case in one run.
 */
import { withSession } from "../../components/db/client";
import { PostgresError, postgresError, Session } from "../../components/db/session";
import { inspectContainer } from "../../components/docker/container";
import { Operation } from "../../components/model/operation";
import { Connection, TableName } from "../../components/model/types";
import { buildForeignTableProbeSql, buildProbeSql } from "../../components/sql/fdw";

/** What a probe found: its round trip, or the error. */
export interface ProbeResult {
  readonly millis: number;
  readonly error?: PostgresError;
}

/** PostgreSQL's error behind one a Session raised (which names the statement and keeps PostgreSQL's as its cause). */
export function causeOf(err: unknown): PostgresError {
  return postgresError(err instanceof Error && err.cause !== undefined ? err.cause : err);
}

/**
 * Connects through `server` with the current user's mapping: a column-less
 * foreign table over a catalog every server has, created and read in a
 * transaction that is rolled back, so nothing stays behind.
 */
export async function probeServer(s: Session, server: string): Promise<ProbeResult> {
  const started = Date.now();
  await s.begin();
  try {
    for (const sql of buildProbeSql(server)) {
      await s.run(sql);
    }
    return { millis: Date.now() - started };
  } catch (err) {
    return { millis: Date.now() - started, error: causeOf(err) };
  } finally {
    await s.end(false);
  }
}

/** Reads one row through a foreign partition, so a missing remote table shows. */
export async function probeForeignTable(s: Session, table: TableName): Promise<ProbeResult> {
  const started = Date.now();
  try {
    await s.rows(buildForeignTableProbeSql(table));
    return { millis: Date.now() - started };
  } catch (err) {
    return { millis: Date.now() - started, error: causeOf(err) };
  }
}

/**
 * Logs in to `c` from this machine; why not, when it cannot. A container
 * pgtier runs is looked at first, so a stopped one is said to be stopped
 * (and not waited for, as pulumi's own connections do while it restarts).
 */
export async function loginError(op: Operation, c: Connection): Promise<string | undefined> {
  try {
    if (c.container) {
      const found = await inspectContainer(op.label, c.container);
      if (!found) {
        return `its container ${c.container} is gone`;
      }
      if (!found.running) {
        return `its container ${c.container} is not running (${found.status})`;
      }
    }
    await withSession(op, c, (s) => s.run("SELECT 1"));
    return undefined;
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    return message.startsWith(`${op.label}: `) ? message.slice(op.label.length + 2) : message;
  }
}
