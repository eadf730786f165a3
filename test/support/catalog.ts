/** Catalog queries a user would run by hand to see what pgtier did. */
import { Connection } from "../../components/model/types";
import { query } from "./postgres";

/** pg_class.relkind of `public.name`, or undefined when there is no such relation. */
export async function relkind(conn: Connection, name: string, schema = "public"): Promise<string | undefined> {
  const rows = await query<{ relkind: string }>(
    conn,
    `SELECT c.relkind::text AS relkind FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 AND c.relname = $2`,
    [schema, name],
  );
  return rows[0]?.relkind;
}

/** Partitions of `parent` with their bounds, as the guide's Issue 5 query prints them. */
export async function partitionsOf(conn: Connection, parent: string): Promise<Record<string, string>> {
  const rows = await query<{ partition: string; bounds: string }>(
    conn,
    `SELECT child.relname AS partition, pg_get_expr(child.relpartbound, child.oid) AS bounds
       FROM pg_inherits
       JOIN pg_class parent ON inhparent = parent.oid
       JOIN pg_class child ON inhrelid = child.oid
      WHERE parent.relname = $1`,
    [parent],
  );
  return Object.fromEntries(rows.map((r) => [r.partition, r.bounds]));
}

/** Index names on `table` (pg_indexes). */
export async function indexNames(conn: Connection, table: string): Promise<string[]> {
  const rows = await query<{ indexname: string }>(
    conn,
    `SELECT indexname FROM pg_indexes WHERE schemaname = 'public' AND tablename = $1 ORDER BY indexname`,
    [table],
  );
  return rows.map((r) => r.indexname);
}

/** Column names of `table` in order. */
export async function columnNames(conn: Connection, table: string): Promise<string[]> {
  const rows = await query<{ attname: string }>(
    conn,
    `SELECT attname FROM pg_attribute WHERE attrelid = $1::regclass AND attnum > 0 AND NOT attisdropped ORDER BY attnum`,
    [`public.${table}`],
  );
  return rows.map((r) => r.attname);
}

/** Options of a foreign server as a record (pg_foreign_server.srvoptions), or undefined when it does not exist. */
export async function serverOptions(conn: Connection, server: string): Promise<Record<string, string> | undefined> {
  const rows = await query<{ srvoptions: string[] | null }>(conn, `SELECT srvoptions FROM pg_foreign_server WHERE srvname = $1`, [server]);
  return rows[0] ? optionRecord(rows[0].srvoptions) : undefined;
}

/** Options of the user mappings of `server` by local role name (pg_user_mappings). */
export async function userMappings(conn: Connection, server: string): Promise<Record<string, Record<string, string>>> {
  const rows = await query<{ usename: string; umoptions: string[] | null }>(
    conn,
    `SELECT usename, umoptions FROM pg_user_mappings WHERE srvname = $1`,
    [server],
  );
  return Object.fromEntries(rows.map((r) => [r.usename, optionRecord(r.umoptions)]));
}

/** `{k=v,...}` option arrays as a record. */
export function optionRecord(options: readonly string[] | null): Record<string, string> {
  return Object.fromEntries((options ?? []).map((o) => [o.slice(0, o.indexOf("=")), o.slice(o.indexOf("=") + 1)]));
}

/** Number of rows in `table`. */
export async function countRows(conn: Connection, table: string, where = "true"): Promise<number> {
  const rows = await query<{ n: number }>(conn, `SELECT count(*)::int AS n FROM ${table} WHERE ${where}`);
  return rows[0].n;
}
