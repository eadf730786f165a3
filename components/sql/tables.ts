/** Pure builders for tables, partitions and their indexes. Each returns the statements to run, in order. */
import { addedColumns, indexChanges, TableShape } from "../model/table-shape";
import { Bounds, ColumnSpec, IndexSpec, TableName } from "../model/types";
import { quoteIdent, quoteLiteral, quoteQualified, renderType } from "./quote";

function columnList(columns: readonly ColumnSpec[]): string[] {
  return columns.map((c) => {
    const type = renderType(c.type);
    if (!type) {
      throw new Error(`column ${quoteIdent(c.name)} has unknown type ${JSON.stringify(c.type)}`);
    }
    return `${quoteIdent(c.name)} ${type}${c.nullable === false ? " NOT NULL" : ""}`;
  });
}

/** `FOR VALUES FROM ('a') TO ('b')`. */
export function buildBoundsClause(bounds: Bounds): string {
  return `FOR VALUES FROM (${quoteLiteral(bounds.from)}) TO (${quoteLiteral(bounds.to)})`;
}

/** The parent table, partitioned by range on `partitionKey`, and its indexes. */
export function buildCreatePartitionedTableSql(
  table: TableName,
  columns: readonly ColumnSpec[],
  partitionKey: string,
  indexes: readonly IndexSpec[],
): string[] {
  const cols = columnList(columns).join(",\n  ");
  return [
    `CREATE TABLE ${quoteQualified(table.schema, table.name)} (\n  ${cols}\n) PARTITION BY RANGE (${quoteIdent(partitionKey)})`,
    ...indexes.map((ix) => buildCreateIndexSql(table, ix)),
  ];
}

/** `CREATE [UNIQUE] INDEX name ON table (cols)`; on a partitioned parent it cascades to local partitions. */
export function buildCreateIndexSql(table: TableName, index: IndexSpec): string {
  const cols = index.columns.map(quoteIdent).join(", ");
  return `CREATE ${index.unique ? "UNIQUE " : ""}INDEX ${quoteIdent(index.name)} ON ${quoteQualified(table.schema, table.name)} (${cols})`;
}

/** Drops an index in the table's schema (already gone is fine). */
export function buildDropIndexSql(table: TableName, indexName: string): string {
  return `DROP INDEX IF EXISTS ${quoteQualified(table.schema, indexName)}`;
}

/** Adds a nullable-or-not column to a table (partitions inherit it). */
export function buildAddColumnSql(table: TableName, column: ColumnSpec): string {
  return `ALTER TABLE ${quoteQualified(table.schema, table.name)} ADD COLUMN ${columnList([column])[0]}`;
}

/** A local partition: a plain table attached to the parent for `bounds`. */
export function buildCreateLocalPartitionSql(parent: TableName, partition: TableName, bounds: Bounds): string[] {
  return [
    `CREATE TABLE ${quoteQualified(partition.schema, partition.name)} PARTITION OF ${quoteQualified(parent.schema, parent.name)}\n  ${buildBoundsClause(bounds)}`,
  ];
}

/** Re-attaches a detached partition (local or foreign) for `bounds`. */
export function buildAttachPartitionSql(parent: TableName, partition: TableName, bounds: Bounds): string {
  return `ALTER TABLE ${quoteQualified(parent.schema, parent.name)} ATTACH PARTITION ${quoteQualified(partition.schema, partition.name)} ${buildBoundsClause(bounds)}`;
}

/** Whether a partition is attached, and its bounds. */
export interface Attachment extends Bounds {
  readonly attached: boolean;
}

/**
 * Statements that bring a partition's attachment and bounds from `before`
 * to `after`: detach when attached and the bounds change (PostgreSQL cannot
 * alter bounds in place), attach with the new bounds. Run in one
 * transaction, so the partition is never left detached.
 */
export function buildReattachSql(parent: TableName, partition: TableName, before: Attachment, after: Attachment): string[] {
  const boundsChanged = before.from !== after.from || before.to !== after.to;
  const statements: string[] = [];
  if (before.attached && (boundsChanged || !after.attached)) {
    statements.push(buildDetachPartitionSql(parent, partition));
  }
  if (after.attached && (!before.attached || boundsChanged)) {
    statements.push(buildAttachPartitionSql(parent, partition, after));
  }
  return statements;
}

/** Detaches a partition from its parent; the table itself stays. */
export function buildDetachPartitionSql(parent: TableName, partition: TableName): string {
  return `ALTER TABLE ${quoteQualified(parent.schema, parent.name)} DETACH PARTITION ${quoteQualified(partition.schema, partition.name)}`;
}

/**
 * Drops a table (local partition, archive table or parent). Already gone is
 * fine, so a delete interrupted after the DROP converges when rerun.
 */
export function buildDropTableSql(table: TableName): string {
  return `DROP TABLE IF EXISTS ${quoteQualified(table.schema, table.name)}`;
}

/** Name of the CHECK constraint that pins an archive table to its bounds. */
export function boundsConstraintName(tableName: string): string {
  return `${tableName}_bounds`.slice(0, 63);
}

/** `CHECK (key >= 'from' AND key < 'to')`, the guide's constraint on archive tables. */
export function buildBoundsCheck(partitionKey: string, bounds: Bounds): string {
  const key = quoteIdent(partitionKey);
  return `CHECK (${key} >= ${quoteLiteral(bounds.from)} AND ${key} < ${quoteLiteral(bounds.to)})`;
}

/**
 * The archive table on an archive instance: the parent's columns, a CHECK
 * constraint matching its bounds (so the archive refuses rows of other
 * periods) and the parent's indexes, named after the table.
 */
export function buildCreateArchiveTableSql(
  table: TableName,
  columns: readonly ColumnSpec[],
  partitionKey: string,
  bounds: Bounds,
  indexes: readonly IndexSpec[],
): string[] {
  const cols = columnList(columns);
  cols.push(`CONSTRAINT ${quoteIdent(boundsConstraintName(table.name))} ${buildBoundsCheck(partitionKey, bounds)}`);
  return [
    `CREATE TABLE ${quoteQualified(table.schema, table.name)} (\n  ${cols.join(",\n  ")}\n)`,
    ...indexes.map((ix) => buildCreateIndexSql(table, archiveIndex(table.name, ix))),
  ];
}

/**
 * A table on the main instance that becomes partition `partitionName` of
 * `parent` once filled (archive to local): the parent's columns, defaults
 * and CHECK constraints, plus the bounds CHECK, so that attaching it scans
 * nothing.
 */
export function buildCreateIncomingTableSql(
  table: TableName,
  parent: TableName,
  partitionKey: string,
  bounds: Bounds,
  partitionName: string,
): string {
  const like = `LIKE ${quoteQualified(parent.schema, parent.name)} INCLUDING DEFAULTS INCLUDING CONSTRAINTS`;
  const check = `CONSTRAINT ${quoteIdent(boundsConstraintName(partitionName))} ${buildBoundsCheck(partitionKey, bounds)}`;
  return `CREATE TABLE ${quoteQualified(table.schema, table.name)} (${like}, ${check})`;
}

/** The archive copy of a parent index: same columns, named `<table>_<index>`. */
export function archiveIndex(tableName: string, index: IndexSpec): IndexSpec {
  return { ...index, name: `${tableName}_${index.name}`.slice(0, 63) };
}

/**
 * What changes a table in place from one shape to another: columns added,
 * indexes dropped and created (a changed index is both). `indexOn` names an
 * index as it is on this table (archive tables prefix the table's name).
 * Dropped or retyped columns never get here: check refuses them.
 */
export function buildTableEvolutionSql(
  table: TableName,
  before: TableShape,
  after: TableShape,
  indexOn: (index: IndexSpec) => IndexSpec = (ix) => ix,
): string[] {
  const { drop, create } = indexChanges(before.indexes, after.indexes);
  return [
    ...addedColumns(before.columns, after.columns).map((c) => buildAddColumnSql(table, c)),
    ...drop.map((ix) => buildDropIndexSql(table, indexOn(ix).name)),
    ...create.map((ix) => buildCreateIndexSql(table, indexOn(ix))),
  ];
}

/** Replaces an archive table's bounds constraint (new bounds are validated against its rows). */
export function buildReplaceBoundsCheckSql(table: TableName, partitionKey: string, bounds: Bounds): string[] {
  const qualified = quoteQualified(table.schema, table.name);
  const constraint = quoteIdent(boundsConstraintName(table.name));
  return [
    `ALTER TABLE ${qualified} DROP CONSTRAINT IF EXISTS ${constraint}`,
    `ALTER TABLE ${qualified} ADD CONSTRAINT ${constraint} ${buildBoundsCheck(partitionKey, bounds)}`,
  ];
}
