/**
 * Catalog reads: what PostgreSQL says exists, for the resources' read
 * (refresh), existence checks and the rotation. The SQL and the pure
 * parsers of its results are in sql/catalog.ts.
 */
import { Bounds, ColumnSpec, IndexSpec, TableName } from "../model/types";
import {
  CatalogColumn,
  columnsSql,
  checkConstraintsSql,
  constraintSql,
  databaseSql,
  extensionSql,
  lockHoldersSql,
  mappedUserSql,
  foreignServerSql,
  foreignTableSql,
  indexesSql,
  parseBoundsCheck,
  parseOptions,
  partitionKeySql,
  partitionsOfSql,
  partitionState,
  reconcileColumns,
  RelationInfo,
  relationInfoSql,
  userMappingSql,
} from "../sql/catalog";
import { quoteQualified } from "../sql/quote";
import { Blocker } from "./blockers";
import { Session } from "./session";

/** The relation `schema.name` (schema public when not given), or undefined when it does not exist. */
export function readRelation(s: Session, table: TableName): Promise<RelationInfo | undefined> {
  return s.first<RelationInfo>(relationInfoSql, [table.schema ?? "public", table.name]);
}

/** A relation's columns, as the catalog spells them. */
export function readCatalogColumns(s: Session, oid: number): Promise<CatalogColumn[]> {
  return s.rows<CatalogColumn>(columnsSql, [oid]);
}

/** A relation's columns reconciled with the declared ones (see {@link reconcileColumns}). */
export async function readColumns(s: Session, oid: number, declared: readonly ColumnSpec[]): Promise<ColumnSpec[]> {
  return reconcileColumns(await readCatalogColumns(s, oid), declared);
}

/**
 * The declared indexes that exist on the relation, matched by name (after
 * `rename`, which maps a declared index to the name it has on this table).
 * Declared indexes dropped by hand disappear from the result.
 */
export async function readIndexes(
  s: Session,
  oid: number,
  declared: readonly IndexSpec[],
  rename: (index: IndexSpec) => string = (ix) => ix.name,
): Promise<IndexSpec[]> {
  const present = new Set((await s.rows<{ name: string }>(indexesSql, [oid])).map((r) => r.name));
  return declared.filter((ix) => present.has(rename(ix)));
}

/** Every index of a relation as it is: name, columns in order (none for an expression), uniqueness. */
export async function readIndexShapes(s: Session, oid: number): Promise<IndexSpec[]> {
  const rows = await s.rows<{ name: string; columns: string[]; unique: boolean }>(indexesSql, [oid]);
  return rows.map((r) => ({ name: r.name, columns: r.columns, unique: r.unique }));
}

/** Every CHECK constraint of a relation: its name, definition and whether it is validated. */
export function readCheckConstraints(s: Session, oid: number): Promise<{ name: string; def: string; validated: boolean }[]> {
  return s.rows(checkConstraintsSql, [oid]);
}

/** A partitioned table's partitions: name and bound as printed (`DEFAULT`, or `FOR VALUES FROM (...) TO (...)`). */
export function readPartitionsOf(s: Session, oid: number): Promise<{ schema: string; name: string; bound: string }[]> {
  return s.rows(partitionsOfSql, [oid]);
}

/** The partition key column of a partitioned table. */
export async function readPartitionKey(s: Session, oid: number): Promise<string | undefined> {
  return (await s.first<{ key: string }>(partitionKeySql, [oid]))?.key;
}

/** The bounds an archive table's CHECK constraint pins it to; undefined when the constraint is gone or changed by hand. */
export async function readBoundsCheck(s: Session, oid: number, constraint: string): Promise<Bounds | undefined> {
  return parseBoundsCheck((await s.first<{ def: string }>(constraintSql, [oid, constraint]))?.def);
}

/** A partition of `parent` as stored: its kind, whether it is attached there, and the bounds in force. */
export interface PartitionFound {
  readonly oid: number;
  readonly kind: string;
  readonly attached: boolean;
  readonly from: string;
  readonly to: string;
}

/** Reads a partition; `fallback` are the bounds to report while it is detached. Undefined when the table is gone. */
export async function readPartition(
  s: Session,
  table: TableName,
  parent: Required<TableName>,
  fallback: Bounds,
): Promise<PartitionFound | undefined> {
  const info = await readRelation(s, table);
  return info && { oid: info.oid, kind: info.kind, ...partitionState(info, parent, fallback) };
}

/** A foreign table's server and options (schema_name, table_name and postgres_fdw's own). */
export async function readForeignTable(s: Session, oid: number): Promise<{ server: string; options: Record<string, string> } | undefined> {
  const row = await s.first<{ server: string; options: string[] | null }>(foreignTableSql, [oid]);
  return row && { server: row.server, options: parseOptions(row.options) };
}

/** A foreign server's options (host, port, dbname and the rest), or undefined when there is no such server. */
export async function readServerOptions(s: Session, name: string): Promise<Record<string, string> | undefined> {
  const row = await s.first<{ options: string[] | null }>(foreignServerSql, [name]);
  return row && parseOptions(row.options);
}

/** A user mapping's options (user, password), by server and local role (`public` for PUBLIC). */
export async function readUserMapping(s: Session, server: string, role: string): Promise<Record<string, string> | undefined> {
  const row = await s.first<{ options: string[] | null }>(userMappingSql, [server, role]);
  return row && parseOptions(row.options);
}

/** The user mapping through `server` for this session's user, if it has one: whose it is, and the role it logs in as. */
export async function readMapping(s: Session, server: string): Promise<{ localUser: string; remoteUser: string } | undefined> {
  const row = await s.first<{ user: string; local_user: string }>(mappedUserSql, [server]);
  return row && { localUser: row.local_user, remoteUser: row.user };
}

/** An installed extension's version and schema. */
export function readExtension(s: Session, name: string): Promise<{ version: string; schema: string } | undefined> {
  return s.first<{ version: string; schema: string }>(extensionSql, [name]);
}

/** The sessions, but `exclude`, holding locks on `tables`: who a rotation's lock was waiting behind. */
export function readLockHolders(s: Session, tables: readonly TableName[], exclude: readonly number[]): Promise<Blocker[]> {
  return s.rows<Blocker>(lockHoldersSql, [tables.map((t) => quoteQualified(t.schema, t.name)), [...exclude]]);
}

/** Whether a database exists. */
export async function databaseExists(s: Session, name: string): Promise<boolean> {
  return (await s.first<{ datname: string }>(databaseSql, [name])) !== undefined;
}
