/** What a session runs its SQL on. */
import { QueryResultRow } from "pg";

/**
 * A connection that takes SQL with `$n` parameters: pg's Client, or a relay
 * to an archive through the main instance (relay.ts), which has the same
 * shape for everything but COPY.
 */
export interface SqlClient {
  query<R extends QueryResultRow = QueryResultRow>(sql: string, values?: unknown[]): Promise<{ rows: R[]; rowCount: number | null }>;
  end(): Promise<void>;
  /**
   * Runs a statement whose rows are not wanted and returns how many rows it
   * changed. A relay runs it without describing rows first (a `SELECT` of a
   * void function has none it could describe).
   * @default query(), taking its rowCount
   */
  command?(sql: string, values?: unknown[]): Promise<number | null>;
}
