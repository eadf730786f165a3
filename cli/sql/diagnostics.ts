/**
 * The SQL `pgtier status` and `pgtier doctor` run: catalog reads with `$n`
 * parameters, and the few statements that name a table, built through
 * quote.ts. Pure.
 */
import { TableName } from "../../components/model/types";
import { quoteQualified } from "../../components/sql/quote";

/** A table's oid, or null when it does not exist (`$1`: its quoted, qualified name). */
export const tableOidSql = `SELECT to_regclass($1)::oid::int AS oid`;

/**
 * The partitions of a partitioned table (`$1`: its quoted, qualified name):
 * name, schema, bound expression, and for a foreign partition its server and options.
 */
export const tieredPartitionsSql = `
SELECT c.relname AS name, n.nspname AS schema, pg_get_expr(c.relpartbound, c.oid) AS bound,
       s.srvname AS server, ft.ftoptions AS options
  FROM pg_inherits i
  JOIN pg_class c ON c.oid = i.inhrelid
  JOIN pg_namespace n ON n.oid = c.relnamespace
  LEFT JOIN pg_foreign_table ft ON ft.ftrelid = c.oid
  LEFT JOIN pg_foreign_server s ON s.oid = ft.ftserver
 WHERE i.inhparent = to_regclass($1)
 ORDER BY c.relname`;

/** A relation's total size in bytes, table, indexes and TOAST (`$1`: its quoted, qualified name). */
export const tableSizeSql = `SELECT pg_total_relation_size(to_regclass($1))::bigint AS bytes`;

/**
 * A table's planner statistics (`$1`: its quoted, qualified name):
 * reltuples, live rows, rows changed since the last ANALYZE, and when that was.
 */
export const tableStatisticsSql = `
SELECT c.reltuples::float8 AS reltuples, coalesce(s.n_live_tup, 0)::bigint AS live_rows,
       coalesce(s.n_mod_since_analyze, 0)::bigint AS modified,
       to_char(greatest(s.last_analyze, s.last_autoanalyze) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS last_analyze
  FROM pg_class c LEFT JOIN pg_stat_user_tables s ON s.relid = c.oid
 WHERE c.oid = to_regclass($1)`;

/** `SELECT count(*)` of a table. */
export function buildCountSql(table: TableName): string {
  return `SELECT count(*)::bigint AS n FROM ${quoteQualified(table.schema, table.name)}`;
}

/** The newest row of the decommission audit table, if the table exists. */
export function buildLastDecommissionSql(schema: string, logTable: string): string {
  return `SELECT table_name, partition_range, row_count::text AS row_count, backup_location,
       to_char(decommissioned_at, 'YYYY-MM-DD"T"HH24:MI:SS') AS decommissioned_at
  FROM ${quoteQualified(schema, logTable)} ORDER BY id DESC LIMIT 1`;
}

/**
 * `EXPLAIN (VERBOSE, FORMAT JSON)` of a user's query. The query is the
 * user's own SQL, run as given (its trailing semicolons dropped); the
 * caller runs it in a READ ONLY transaction that it rolls back.
 */
export function buildExplainSql(query: string): string {
  return `EXPLAIN (VERBOSE, FORMAT JSON) ${query.trim().replace(/;+\s*$/, "")}`;
}
