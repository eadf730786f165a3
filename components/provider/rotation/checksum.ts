/** Row count and content checksum of a table, comparable across instances. */
import { Session } from "../../db/session";
import { TableName } from "../../model/types";
import { buildChecksumSql, buildCountSql, buildStableTextSettingsSql } from "../../sql/rotation";

/** What two copies of the same rows agree on. */
export interface TableChecksum {
  /** Row count, as text (bigint). */
  readonly rows: string;
  /** Sum of 64-bit row hashes, as text (numeric). */
  readonly checksum: string;
}

/** Puts a session into the settings under which row text is the same on every instance. */
export async function useStableText(s: Session): Promise<void> {
  await s.runEach(buildStableTextSettingsSql());
}

/** The table's count and checksum over `columns` (the session must use {@link useStableText}). */
export async function tableChecksum(s: Session, table: TableName, columns: readonly string[]): Promise<TableChecksum> {
  const row = await s.first<TableChecksum>(buildChecksumSql(table, columns));
  return { rows: row?.rows ?? "0", checksum: row?.checksum ?? "0" };
}

/** Rows in a table (through postgres_fdw the count is pushed down to the archive instance). */
export async function rowCount(s: Session, table: TableName): Promise<number> {
  return Number((await s.first<{ rows: string }>(buildCountSql(table)))?.rows ?? 0);
}

/** Whether two checksums describe the same rows. */
export function sameRows(a: TableChecksum, b: TableChecksum): boolean {
  return a.rows === b.rows && a.checksum === b.checksum;
}

/** `4 rows, checksum 123`. */
export function describeChecksum(c: TableChecksum): string {
  return `${c.rows} rows, checksum ${c.checksum}`;
}
