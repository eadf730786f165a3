/** Pure builders for decommissioning: the guide's audit table and what it records. */
import { TableName } from "../model/types";
import { quoteIdent, quoteLiteral, quoteQualified } from "./quote";

function qualified(table: TableName): string {
  return quoteQualified(table.schema, table.name);
}

/** The guide's audit table, created on the main instance the first time a partition is decommissioned. */
export function buildDecommissionLogTableSql(schema: string): string {
  return `CREATE TABLE IF NOT EXISTS ${quoteQualified(schema, DECOMMISSION_LOG)} (
  id serial PRIMARY KEY,
  table_name text NOT NULL,
  partition_range text,
  row_count bigint,
  size_bytes bigint,
  earliest_date text,
  latest_date text,
  backup_location text,
  decommissioned_at timestamp DEFAULT CURRENT_TIMESTAMP,
  decommissioned_by text DEFAULT CURRENT_USER,
  retention_reason text,
  row_checksum text
)`;
}

/** Name of the audit table (the guide's). */
export const DECOMMISSION_LOG = "archive_decommission_log";

/** Serialises, per schema, the transactions that create and write the audit table (an advisory lock held until commit). */
export function buildDecommissionLogLockSql(schema: string): string {
  return `SELECT pg_advisory_xact_lock(hashtext(${quoteLiteral(`pgtier:${schema}.${DECOMMISSION_LOG}`)}))`;
}

/** One audit row; values are `$1..$9` parameters. */
export function buildDecommissionLogInsertSql(schema: string): string {
  return (
    `INSERT INTO ${quoteQualified(schema, DECOMMISSION_LOG)} ` +
    `(table_name, partition_range, row_count, size_bytes, earliest_date, latest_date, backup_location, retention_reason, row_checksum) ` +
    `VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`
  );
}

/** The audit row of an earlier, interrupted decommission of the same rows (parameters: table name, checksum). */
export function buildDecommissionLogLookupSql(schema: string): string {
  return `SELECT backup_location FROM ${quoteQualified(schema, DECOMMISSION_LOG)} WHERE table_name = $1 AND row_checksum = $2 ORDER BY id DESC LIMIT 1`;
}

/** Row count, size and key range of a table about to be decommissioned. */
export function buildTableStatsSql(table: TableName, partitionKey: string): string {
  const key = quoteIdent(partitionKey);
  return (
    `SELECT pg_total_relation_size(${quoteLiteral(qualified(table))}::regclass)::text AS size_bytes,` +
    ` min(${key})::text AS earliest, max(${key})::text AS latest FROM ${qualified(table)}`
  );
}
