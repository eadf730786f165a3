/**
 * Catalog queries used by the resources' read (refresh) and existence
 * checks, and the pure readers of what they return. All values are `$n`
 * parameters; none is built into the text.
 */
import { Bounds, ColumnSpec, TableName } from "../model/types";
import { catalogTypeOf } from "./quote";

/** A relation's kind and, when it is a partition, its parent and bound expression. */
export const relationInfoSql = `
SELECT c.oid::int AS oid, c.relkind::text AS kind,
       p.relname AS parent, pn.nspname AS parent_schema,
       CASE WHEN c.relispartition THEN pg_get_expr(c.relpartbound, c.oid) END AS bound
  FROM pg_class c
  JOIN pg_namespace n ON n.oid = c.relnamespace
  LEFT JOIN pg_inherits i ON i.inhrelid = c.oid
  LEFT JOIN pg_class p ON p.oid = i.inhparent
  LEFT JOIN pg_namespace pn ON pn.oid = p.relnamespace
 WHERE n.nspname = $1 AND c.relname = $2`;

/** Columns of a relation by oid, in order, with their formatted types. */
export const columnsSql = `
SELECT attname AS name, format_type(atttypid, atttypmod) AS type, attnotnull AS not_null
  FROM pg_attribute
 WHERE attrelid = $1 AND attnum > 0 AND NOT attisdropped
 ORDER BY attnum`;

/** Indexes of a relation by oid, with uniqueness and indexed column names. */
export const indexesSql = `
SELECT i.relname AS name, x.indisunique AS unique,
       array(SELECT a.attname FROM unnest(x.indkey) WITH ORDINALITY k(attnum, ord)
               JOIN pg_attribute a ON a.attrelid = x.indrelid AND a.attnum = k.attnum
              ORDER BY k.ord)::text[] AS columns
  FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid
 WHERE x.indrelid = $1
 ORDER BY i.relname`;

/** The partition key column of a partitioned table by oid. */
export const partitionKeySql = `
SELECT a.attname AS key
  FROM pg_partitioned_table pt
  JOIN pg_attribute a ON a.attrelid = pt.partrelid AND a.attnum = pt.partattrs[0]
 WHERE pt.partrelid = $1`;

/** A CHECK constraint's definition by table oid and constraint name. */
export const constraintSql = `
SELECT pg_get_constraintdef(oid) AS def FROM pg_constraint WHERE conrelid = $1 AND conname = $2`;

/** Every CHECK constraint of a relation by oid: name, definition, and whether it has been validated. */
export const checkConstraintsSql = `
SELECT conname AS name, pg_get_constraintdef(oid) AS def, convalidated AS validated
  FROM pg_constraint WHERE conrelid = $1 AND contype = 'c'
 ORDER BY conname`;

/** The partitions of a partitioned table by oid, with their bounds as pg_get_expr prints them (`DEFAULT` for a default partition). */
export const partitionsOfSql = `
SELECT n.nspname AS schema, c.relname AS name, pg_get_expr(c.relpartbound, c.oid) AS bound
  FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE i.inhparent = $1
 ORDER BY c.relname`;

/** A foreign table's server and options by oid. */
export const foreignTableSql = `
SELECT s.srvname AS server, ft.ftoptions AS options
  FROM pg_foreign_table ft JOIN pg_foreign_server s ON s.oid = ft.ftserver
 WHERE ft.ftrelid = $1`;

/** A foreign server's wrapper and options by name. */
export const foreignServerSql = `
SELECT w.fdwname AS wrapper, s.srvoptions AS options
  FROM pg_foreign_server s JOIN pg_foreign_data_wrapper w ON w.oid = s.srvfdw
 WHERE s.srvname = $1`;

/** A user mapping's options by server and local role (`public` for PUBLIC). */
export const userMappingSql = `
SELECT umoptions AS options FROM pg_user_mappings WHERE srvname = $1 AND usename = $2`;

/**
 * The role postgres_fdw logs in as through server `$1` for the current
 * user (`user`): its own mapping's, else PUBLIC's; the current user when the
 * mapping names none. `local_user` says which mapping (`public` for PUBLIC's).
 * No row without a mapping.
 */
export const mappedUserSql = `
SELECT coalesce((SELECT option_value FROM pg_options_to_table(umoptions) WHERE option_name = 'user'), current_user::text) AS "user",
       usename::text AS local_user
  FROM pg_user_mappings WHERE srvname = $1 AND usename IN (current_user::text, 'public')
 ORDER BY usename = 'public' LIMIT 1`;

/** An installed extension's version and schema. */
export const extensionSql = `
SELECT e.extversion AS version, n.nspname AS schema
  FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
 WHERE e.extname = $1`;

/** The tables a partition hangs from (parent, grandparent...), by the partition's regclass text. */
export const partitionAncestorsSql = `
SELECT n.nspname AS schema, c.relname AS name
  FROM pg_partition_ancestors($1::regclass) a
  JOIN pg_class c ON c.oid = a.relid
  JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE a.relid <> $1::regclass`;

/**
 * The sessions a backend waits for (parameter: its pid): who they are,
 * since when their current query runs, and the start of its text.
 */
export const blockingSessionsSql = `
SELECT a.pid, a.usename AS "user", a.application_name AS application, a.state,
       to_char(a.query_start AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS query_start,
       left(regexp_replace(a.query, '\\s+', ' ', 'g'), 100) AS query
  FROM pg_stat_activity a
 WHERE a.pid = ANY (pg_blocking_pids($1))
 ORDER BY a.pid`;

/**
 * The sessions holding locks on relations (parameters: their regclass texts,
 * and pids to leave out), described as {@link blockingSessionsSql} does:
 * who a lock that was not granted in time was waiting behind.
 */
export const lockHoldersSql = `
SELECT DISTINCT a.pid, a.usename AS "user", a.application_name AS application, a.state,
       to_char(a.query_start AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS query_start,
       left(regexp_replace(a.query, '\\s+', ' ', 'g'), 100) AS query
  FROM pg_locks l
  JOIN pg_stat_activity a ON a.pid = l.pid
 WHERE l.locktype = 'relation' AND l.granted
   AND l.relation = ANY (SELECT to_regclass(r)::oid FROM unnest($1::text[]) AS r)
   AND NOT (l.pid = ANY ($2::int[]))
 ORDER BY a.pid`;

/** Whether a database exists. */
export const databaseSql = `SELECT datname FROM pg_database WHERE datname = $1`;

/** Turns catalog option arrays (`{k=v,...}`) into a record. */
export function parseOptions(options: readonly string[] | null | undefined): Record<string, string> {
  const result: Record<string, string> = {};
  for (const entry of options ?? []) {
    const at = entry.indexOf("=");
    result[at < 0 ? entry : entry.slice(0, at)] = at < 0 ? "" : entry.slice(at + 1);
  }
  return result;
}

/**
 * A foreign table's options split into where its rows are and postgres_fdw's
 * own. Missing schema_name or table_name mean postgres_fdw's defaults: the
 * foreign table's own schema and name.
 */
export function splitForeignTableOptions(
  options: Readonly<Record<string, string>>,
  foreignTable: Required<TableName>,
): { remote: Required<TableName>; options: Record<string, string> } {
  const { schema_name = foreignTable.schema, table_name = foreignTable.name, ...rest } = options;
  return { remote: { schema: schema_name, name: table_name }, options: rest };
}

/**
 * Reads `FOR VALUES FROM ('a') TO ('b')` as printed by pg_get_expr back into
 * bounds. Undefined for any other shape (list, hash or default partitions).
 */
export function parseRangeBound(expr: string | null | undefined): { from: string; to: string } | undefined {
  const match = /^FOR VALUES FROM \((.+)\) TO \((.+)\)$/.exec(expr ?? "");
  if (!match) {
    return undefined;
  }
  const unquote = (v: string) => (/^'.*'$/.test(v) ? v.slice(1, -1).replace(/''/g, "'") : v);
  return { from: unquote(match[1]), to: unquote(match[2]) };
}

/**
 * Bounds back from the CHECK constraint as pg_get_constraintdef prints it:
 * `CHECK (((k >= '2024-01-01'::date) AND (k < '2025-01-01'::date)))`, or for
 * integer keys `CHECK (((k >= 1) AND (k < 100)))` (numbers unquoted).
 */
export function parseBoundsCheck(def: string | undefined): { from: string; to: string } | undefined {
  const value = String.raw`('(?:[^']|'')*'|-?\d+(?:\.\d+)?)`;
  const from = new RegExp(String.raw`>=\s*` + value).exec(def ?? "");
  const to = new RegExp(String.raw`[^<]<\s*` + value).exec(def ?? "");
  const unquote = (v: string) => (v.startsWith("'") ? v.slice(1, -1).replace(/''/g, "'") : v);
  return from && to ? { from: unquote(from[1]), to: unquote(to[1]) } : undefined;
}

/** What the catalog says about one relation ({@link relationInfoSql}). */
export interface RelationInfo {
  readonly oid: number;
  /** pg_class.relkind: r table, p partitioned table, f foreign table. */
  readonly kind: string;
  readonly parent: string | null;
  readonly parent_schema: string | null;
  readonly bound: string | null;
}

/**
 * A partition's attachment and bounds as the resources store them: attached
 * when its parent is the given one, and then the bounds in force; otherwise
 * the stored bounds (`fallback`), which the next update re-attaches with.
 */
export function partitionState(info: RelationInfo, parent: Required<TableName>, fallback: Bounds): { attached: boolean } & Bounds {
  const attached = info.parent === parent.name && info.parent_schema === parent.schema;
  const bounds = attached ? parseRangeBound(info.bound) : undefined;
  return { attached, from: bounds?.from ?? fallback.from, to: bounds?.to ?? fallback.to };
}

/** A column as {@link columnsSql} returns it. */
export interface CatalogColumn {
  readonly name: string;
  /** format_type() of the column: valid SQL, already quoted where needed. */
  readonly type: string;
  readonly not_null: boolean;
}

/**
 * Columns as stored, reconciled with the declared ones: a declared column
 * that still exists with its type keeps its declared type text (the catalog
 * spells `serial` as `integer`, which is not drift); columns added, dropped
 * or retyped by hand show up as the catalog has them.
 */
export function reconcileColumns(found: readonly CatalogColumn[], declared: readonly ColumnSpec[]): ColumnSpec[] {
  return found.map((row) => {
    const column = declared.find((c) => c.name === row.name);
    const printed = column && catalogTypeOf(column.type);
    return column && (printed === undefined || printed === row.type) ? column : { name: row.name, type: row.type, nullable: !row.not_null };
  });
}
