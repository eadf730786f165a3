/** Row count and content checksum of a table, comparable across instances. */
import { Client } from "pg";
import { buildChecksumSql, buildStableTextSettingsSql } from "../../sql/rotation";
import { TableName } from "../../sql/tables";

/** What two copies of the same rows agree on. */
export interface TableChecksum {
  /** Row count, as text (bigint). */
  readonly rows: string;
  /** Sum of 64-bit row hashes, as text (numeric). */
  readonly checksum: string;
}

/** Puts a session into the settings under which row text is the same on every instance. */
export async function useStableText(client: Client): Promise<void> {
  for (const sql of buildStableTextSettingsSql()) {
    await client.query(sql);
  }
}

/** The table's count and checksum over `columns` (the session must use {@link useStableText}). */
export async function tableChecksum(client: Client, table: TableName, columns: readonly string[]): Promise<TableChecksum> {
  const row = (await client.query(buildChecksumSql(table, columns))).rows[0] as TableChecksum;
  return { rows: row.rows, checksum: row.checksum };
}

/** Whether two checksums describe the same rows. */
export function sameRows(a: TableChecksum, b: TableChecksum): boolean {
  return a.rows === b.rows && a.checksum === b.checksum;
}

/** `4 rows, checksum 123`. */
export function describeChecksum(c: TableChecksum): string {
  return `${c.rows} rows, checksum ${c.checksum}`;
}
