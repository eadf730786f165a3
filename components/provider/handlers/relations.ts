/** Catalog reads shared by the table and partition resources. */
import { Client } from "pg";
import { columnsSql, indexesSql, parseRangeBound, relationInfoSql } from "../../sql/catalog";
import { ColumnSpec, IndexSpec } from "../../model/types";
import { firstRow } from "./common";

/** What the catalog says about one relation. */
export interface RelationInfo {
  readonly oid: number;
  /** pg_class.relkind: r table, p partitioned table, f foreign table. */
  readonly kind: string;
  readonly parent: string | null;
  readonly parent_schema: string | null;
  readonly bound: string | null;
}

/** The relation `schema.name`, or undefined when it does not exist. */
export function readRelation(client: Client, schema: string, name: string): Promise<RelationInfo | undefined> {
  return firstRow<RelationInfo>(client, relationInfoSql, [schema, name]);
}

/** Partition state as the resources store it: attached or not, and the bounds in force. */
export function partitionState(
  info: RelationInfo,
  parentSchema: string,
  parent: string,
  fallback: { from: unknown; to: unknown },
): { attached: boolean; from: unknown; to: unknown } {
  const attached = info.parent === parent && info.parent_schema === parentSchema;
  const bounds = attached ? parseRangeBound(info.bound) : undefined;
  return { attached, from: bounds?.from ?? fallback.from, to: bounds?.to ?? fallback.to };
}

/**
 * Columns as stored, reconciled with the declared ones: declared columns that
 * still exist keep their declared type text (the catalog spells `serial` as
 * `integer`, which is not drift); columns added or dropped by hand show up.
 */
export async function readColumns(client: Client, oid: number, declared: readonly ColumnSpec[]): Promise<ColumnSpec[]> {
  const rows = (await client.query(columnsSql, [oid])).rows as { name: string; type: string; not_null: boolean }[];
  return rows.map((row) => declared.find((c) => c.name === row.name) ?? { name: row.name, type: row.type, nullable: !row.not_null });
}

/**
 * Indexes as stored, reconciled with the declared ones by name (after
 * `rename`, which maps a declared index to the name it has on this table).
 * Declared indexes that were dropped by hand disappear from the result.
 */
export async function readIndexes(
  client: Client,
  oid: number,
  declared: readonly IndexSpec[],
  rename: (index: IndexSpec) => string = (ix) => ix.name,
): Promise<IndexSpec[]> {
  const present = new Set(((await client.query(indexesSql, [oid])).rows as { name: string }[]).map((r) => r.name));
  return declared.filter((ix) => present.has(rename(ix)));
}

/** Indexes to drop and to create to go from `olds` to `news` (changed ones are both). */
export function indexChanges(olds: readonly IndexSpec[], news: readonly IndexSpec[]): { drop: IndexSpec[]; create: IndexSpec[] } {
  const key = (ix: IndexSpec) => JSON.stringify([ix.name, ix.columns, ix.unique === true]);
  const oldKeys = new Set(olds.map(key));
  const newKeys = new Set(news.map(key));
  return { drop: olds.filter((ix) => !newKeys.has(key(ix))), create: news.filter((ix) => !oldKeys.has(key(ix))) };
}

/** Columns in `news` that `olds` lacks (the only column change made in place). */
export function addedColumns(olds: readonly ColumnSpec[], news: readonly ColumnSpec[]): ColumnSpec[] {
  return news.filter((c) => !olds.some((o) => o.name === c.name));
}
