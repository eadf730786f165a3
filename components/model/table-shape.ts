/** The shape of a partitioned table, which its archive tables repeat: columns, partition key and indexes. */
import { Reader } from "./reader";
import { ColumnSpec, IndexSpec, readColumn, readIndex } from "./types";

/** Columns, range partition key and indexes, as one value. */
export interface TableShape {
  /** Columns, in order. */
  readonly columns: readonly ColumnSpec[];
  /** The column the table is range-partitioned on. */
  readonly partitionKey: string;
  /** Indexes on the parent, repeated on every archive table. */
  readonly indexes: readonly IndexSpec[];
}

/** A table shape, read from a bag holding `columns`, `partitionKey` and `indexes`. */
export function readTableShape(r: Reader): TableShape {
  return { columns: r.list("columns", readColumn), partitionKey: r.text("partitionKey"), indexes: r.list("indexes", readIndex) };
}

/** The column names of a shape, in order. */
export function columnNamesOf(shape: Pick<TableShape, "columns">): string[] {
  return shape.columns.map((c) => c.name);
}

/** Columns in `after` that `before` lacks (the only column change made in place). */
export function addedColumns(before: readonly ColumnSpec[], after: readonly ColumnSpec[]): ColumnSpec[] {
  return after.filter((c) => !before.some((o) => o.name === c.name));
}

/** Indexes to drop and to create to go from `before` to `after` (a changed one is both). */
export function indexChanges(before: readonly IndexSpec[], after: readonly IndexSpec[]): { drop: IndexSpec[]; create: IndexSpec[] } {
  const key = (ix: IndexSpec) => JSON.stringify([ix.name, ix.columns, ix.unique === true]);
  const beforeKeys = new Set(before.map(key));
  const afterKeys = new Set(after.map(key));
  return { drop: before.filter((ix) => !afterKeys.has(key(ix))), create: after.filter((ix) => !beforeKeys.has(key(ix))) };
}
