/**
 * The guide's monitoring views, generated from the catalog so they stay
 * right as partitions rotate: a function walks the parent's partitions in
 * pg_inherits at query time (never a UNION per partition written out), and
 * the views select from it. Pure builders; names and literals go through
 * quote.ts.
 */
import { TableName } from "../model/types";
import { quoteIdent, quoteLiteral, quoteQualified } from "./quote";

/** The function behind a health view: `<view>_rows`. */
export function healthFunctionOf(view: string): string {
  return `${view}_rows`;
}

/**
 * `<view>_rows(exact)`: one row per partition of `parent` — name, Local or
 * Foreign, its foreign server, its bounds, rows (an exact count(*), pushed
 * down to the archive for a foreign partition; or, not exact, the planner's
 * estimate on the main instance: pg_class.reltuples, unknown for a foreign
 * table nobody analyzed), size and index size (local only: a foreign
 * partition's bytes are on its archive), earliest and latest partition key
 * (not exact: local partitions only, so nothing is read from an archive),
 * and when it was checked. It runs with the caller's rights (SECURITY
 * INVOKER): a role that may not read a partition, or has no user mapping
 * for its server, gets PostgreSQL's error, not the partition's figures.
 * The comment names the table, so a second table's views of the same name
 * are refused instead of replacing these.
 */
export function buildHealthFunctionSql(schema: string, view: string, parent: Required<TableName>, partitionKey: string): string {
  const fn = quoteQualified(schema, healthFunctionOf(view));
  const parentLiteral = quoteLiteral(quoteQualified(parent.schema, parent.name));
  const key = quoteLiteral(partitionKey);
  return `CREATE OR REPLACE FUNCTION ${fn}(exact boolean DEFAULT true)
RETURNS TABLE (partition text, type text, server text, bounds text, row_count bigint, size text, index_size text,
               earliest_date text, latest_date text, checked_at timestamptz)
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp AS $pgtier$
DECLARE
  p record;
  n bigint;
BEGIN
  FOR p IN
    SELECT c.oid, c.relname, c.relkind, ns.nspname, pg_get_expr(c.relpartbound, c.oid) AS bound, s.srvname, c.reltuples
      FROM pg_inherits i
      JOIN pg_class c ON c.oid = i.inhrelid
      JOIN pg_namespace ns ON ns.oid = c.relnamespace
      LEFT JOIN pg_foreign_table ft ON ft.ftrelid = c.oid
      LEFT JOIN pg_foreign_server s ON s.oid = ft.ftserver
     WHERE i.inhparent = pg_catalog.to_regclass(${parentLiteral})
     ORDER BY c.relname
  LOOP
    earliest_date := NULL;
    latest_date := NULL;
    n := NULL;
    -- Estimates read nothing from an archive: a foreign partition's range is only read when counting.
    IF exact OR p.relkind <> 'f' THEN
      EXECUTE format('SELECT min(%1$I)::text, max(%1$I)::text, CASE WHEN $1 THEN count(*) END FROM %2$I.%3$I', ${key}, p.nspname, p.relname)
        INTO earliest_date, latest_date, n USING exact;
    END IF;
    partition := p.relname;
    type := CASE WHEN p.relkind = 'f' THEN 'Foreign' ELSE 'Local' END;
    server := p.srvname;
    bounds := p.bound;
    row_count := CASE WHEN exact THEN n WHEN p.reltuples >= 0 THEN p.reltuples::bigint END;
    size := CASE WHEN p.relkind <> 'f' THEN pg_size_pretty(pg_total_relation_size(p.oid)) END;
    index_size := CASE WHEN p.relkind <> 'f' THEN pg_size_pretty(pg_indexes_size(p.oid)) END;
    checked_at := now();
    RETURN NEXT;
  END LOOP;
END
$pgtier$`;
}

/** `COMMENT ON FUNCTION`: which table the views watch. */
export function buildHealthCommentSql(schema: string, view: string, parent: Required<TableName>): string {
  return `COMMENT ON FUNCTION ${quoteQualified(schema, healthFunctionOf(view))}(boolean) IS ${quoteLiteral(healthComment(parent))}`;
}

const HEALTH_COMMENT_PREFIX = "pgtier monitoring of ";

/** The comment of a health function watching `parent`. */
export function healthComment(parent: Required<TableName>): string {
  return `${HEALTH_COMMENT_PREFIX}${parent.schema}.${parent.name}`;
}

/** The table a health function's comment says it watches; undefined when pgtier did not write it. */
export function watchedTableOf(comment: string | null | undefined): string | undefined {
  return comment?.startsWith(HEALTH_COMMENT_PREFIX) ? comment.slice(HEALTH_COMMENT_PREFIX.length) : undefined;
}

/** The comment of an existing health function (`$1` schema, `$2` function name), or none. */
export const healthCommentSql = `SELECT obj_description(p.oid, 'pg_proc') AS comment
  FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace
 WHERE n.nspname = $1 AND p.proname = $2`;

/** The views: exact counts (the guide's `archive_health`), and one from statistics that reads nothing from the archives' tables. */
export function buildHealthViewsSql(schema: string, view: string): string[] {
  const fn = quoteQualified(schema, healthFunctionOf(view));
  return [
    `CREATE OR REPLACE VIEW ${quoteQualified(schema, view)} AS SELECT * FROM ${fn}(true)`,
    `CREATE OR REPLACE VIEW ${quoteQualified(schema, `${view}_estimated`)} AS SELECT * FROM ${fn}(false)`,
  ];
}

/**
 * The guide's `partition_query_stats`, for the parent's partitions as
 * pg_inherits has them now (not a name pattern): scans, rows read and
 * written, maintenance. A foreign partition has no statistics on the main
 * instance; its row shows its type and nulls.
 */
export function buildQueryStatsViewSql(schema: string, view: string, parent: Required<TableName>): string {
  return `CREATE OR REPLACE VIEW ${quoteQualified(schema, view)} AS
SELECT ns.nspname AS schemaname, c.relname AS tablename,
       CASE WHEN c.relkind = 'f' THEN 'Foreign' ELSE 'Local' END AS partition_type,
       t.seq_scan, t.seq_tup_read, t.idx_scan, t.idx_tup_fetch, t.n_tup_ins, t.n_tup_upd, t.n_tup_del,
       t.last_vacuum, t.last_analyze
  FROM pg_catalog.pg_inherits i
  JOIN pg_catalog.pg_class c ON c.oid = i.inhrelid
  JOIN pg_catalog.pg_namespace ns ON ns.oid = c.relnamespace
  LEFT JOIN pg_catalog.pg_stat_user_tables t ON t.relid = c.oid
 WHERE i.inhparent = pg_catalog.to_regclass(${quoteLiteral(quoteQualified(parent.schema, parent.name))})
 ORDER BY c.relname`;
}

/**
 * The columns of the archives' pg_stat_activity a connection view shows,
 * as the foreign tables over it declare them (postgres_fdw matches remote
 * columns by name).
 */
const ACTIVITY_COLUMNS: readonly [string, string][] = [
  ["pid", "integer"],
  ["datname", "name"],
  ["usename", "name"],
  ["application_name", "text"],
  ["client_addr", "inet"],
  ["state", "text"],
  ["backend_start", "timestamptz"],
  ["query_start", "timestamptz"],
  ["state_change", "timestamptz"],
  ["wait_event_type", "text"],
  ["wait_event", "text"],
  ["query", "text"],
];

/** The foreign table over one archive's pg_stat_activity: `<connectionsView>_<server>`. */
export function activityTableOf(connectionsView: string, server: string): string {
  return `${connectionsView}_${server}`;
}

/** The per-server view beside a connection view: `<connectionsView>_by_server`. */
export function connectionsByServerOf(connectionsView: string): string {
  return `${connectionsView}_by_server`;
}

/**
 * A foreign table over an archive's `pg_catalog.pg_stat_activity`, through
 * the server the table's foreign partitions use: what the guide's
 * connection monitoring reads on the archive, readable on the main instance.
 */
export function buildActivityTableSql(schema: string, connectionsView: string, server: string): string {
  const columns = ACTIVITY_COLUMNS.map(([name, type]) => `${quoteIdent(name)} ${type}`).join(", ");
  return (
    `CREATE FOREIGN TABLE IF NOT EXISTS ${quoteQualified(schema, activityTableOf(connectionsView, server))} (${columns}) ` +
    `SERVER ${quoteIdent(server)} OPTIONS (schema_name 'pg_catalog', table_name 'pg_stat_activity')`
  );
}

/** Drops the foreign table over one archive's pg_stat_activity. */
export function buildDropActivityTableSql(schema: string, connectionsView: string, server: string): string {
  return `DROP FOREIGN TABLE IF EXISTS ${quoteQualified(schema, activityTableOf(connectionsView, server))}`;
}

/**
 * The guide's connection monitoring, on the main instance: every
 * postgres_fdw session on the archives behind `servers` (its
 * application_name is postgres_fdw's), one row each, with the server it
 * belongs to; and per server, how many there are and the last query's
 * start. Made again whenever the servers change (a UNION over the servers,
 * never over partitions). A server that does not answer makes the view
 * fail with postgres_fdw's error, naming it.
 */
export function buildConnectionViewsSql(schema: string, connectionsView: string, servers: readonly string[]): string[] {
  const shown = ACTIVITY_COLUMNS.map(([name, type]) =>
    type === "name" ? `a.${quoteIdent(name)}::text AS ${quoteIdent(name)}` : `a.${quoteIdent(name)}`,
  );
  const perServer = servers.map(
    (server) =>
      `SELECT ${quoteLiteral(server)}::text AS server_name, ${shown.join(", ")}\n  FROM ${quoteQualified(schema, activityTableOf(connectionsView, server))} a\n WHERE a.application_name LIKE 'postgres_fdw%'`,
  );
  const none = `SELECT NULL::text AS server_name, ${ACTIVITY_COLUMNS.map(([name, type]) => `NULL::${type === "name" ? "text" : type} AS ${quoteIdent(name)}`).join(", ")} WHERE false`;
  const view = quoteQualified(schema, connectionsView);
  const names =
    servers.length > 0
      ? `(VALUES ${servers.map((server) => `(${quoteLiteral(server)}::text)`).join(", ")})`
      : "(SELECT NULL::text WHERE false)";
  return [
    `CREATE VIEW ${view} AS\n${perServer.length > 0 ? perServer.join("\nUNION ALL\n") : none}`,
    `CREATE VIEW ${quoteQualified(schema, connectionsByServerOf(connectionsView))} AS
SELECT s.server_name, count(c.pid) AS connections, count(c.pid) FILTER (WHERE c.state = 'active') AS active_connections,
       max(c.query_start) AS last_query_time
  FROM ${names} AS s(server_name) LEFT JOIN ${view} c ON c.server_name = s.server_name
 GROUP BY s.server_name
 ORDER BY s.server_name`,
  ];
}

/** Drops the connection views (before the foreign tables they read). */
export function buildDropConnectionViewsSql(schema: string, connectionsView: string): string[] {
  return [
    `DROP VIEW IF EXISTS ${quoteQualified(schema, connectionsByServerOf(connectionsView))}`,
    `DROP VIEW IF EXISTS ${quoteQualified(schema, connectionsView)}`,
  ];
}

/** Drops what the builders made; already gone is fine. */
export function buildDropMonitoringSql(schema: string, view: string, statsView: string): string[] {
  return [
    `DROP VIEW IF EXISTS ${quoteQualified(schema, view)}`,
    `DROP VIEW IF EXISTS ${quoteQualified(schema, `${view}_estimated`)}`,
    `DROP FUNCTION IF EXISTS ${quoteQualified(schema, healthFunctionOf(view))}(boolean)`,
    `DROP VIEW IF EXISTS ${quoteQualified(schema, statsView)}`,
  ];
}

/** Which of the views exist, by name (`$1` schema, `$2` names). */
export const viewsPresentSql = `SELECT c.relname AS name FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
 WHERE n.nspname = $1 AND c.relkind = 'v' AND c.relname = ANY($2::text[])`;
