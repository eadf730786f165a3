/**
 * Pure builders for the cutover of a tier change: the statements, in the
 * final transaction on the main instance, that make the partition point at
 * where its rows are now.
 */
import { Bounds, TableName } from "../model/types";
import { buildDropCaptureSql, buildDropSumsSql } from "./capture";
import { buildCreateForeignPartitionSql, buildDropForeignTableSql } from "./fdw";
import { buildRenameTableSql, keptLocalName } from "./rotation";
import { buildAttachPartitionSql, buildDetachPartitionSql, buildDropTableSql } from "./tables";

/** The table on the main instance that archived rows are copied into before it becomes their partition again. */
export function incomingOf(partition: Required<TableName>): Required<TableName> {
  return { schema: partition.schema, name: `${partition.name.slice(0, 63 - "_pgtier_in".length)}_pgtier_in` };
}

/** Where a partition is and what it becomes. */
export interface CutoverSpec {
  readonly parent: Required<TableName>;
  readonly partition: Required<TableName>;
  readonly bounds: Bounds;
}

/** A foreign partition's server and table options (schema_name, table_name and postgres_fdw's own). */
export interface ForeignSpec {
  readonly server: string;
  readonly options: Readonly<Record<string, string>>;
}

/**
 * Local to archive: the capture goes (the local table's rows are all on
 * the archive now), the local partition is detached and dropped (or kept,
 * renamed out of the way), and a foreign partition of the same name is
 * attached, pointing at the archive table.
 */
export function buildArchiveCutoverSql(spec: CutoverSpec & ForeignSpec & { readonly keepLocal: boolean }): string[] {
  const { parent, partition } = spec;
  return [
    ...buildDropCaptureSql(partition),
    buildDetachPartitionSql(parent, partition),
    spec.keepLocal ? buildRenameTableSql(partition, keptLocalName(partition.name)) : buildDropTableSql(partition),
    ...buildCreateForeignPartitionSql(parent, partition, spec.bounds, spec.server, spec.options),
  ];
}

/**
 * Archive to local: the foreign partition is detached and dropped, and the
 * local table the rows were copied into (`incoming`, on the main instance,
 * with the bounds CHECK constraint, so attaching scans nothing, and the
 * parent's indexes, so attaching builds none) takes the partition's name and
 * is attached.
 */
export function buildRestoreCutoverSql(spec: CutoverSpec & { readonly incoming: Required<TableName> }): string[] {
  const { parent, partition, incoming } = spec;
  return [
    buildDetachPartitionSql(parent, partition),
    buildDropForeignTableSql(partition),
    ...buildDropSumsSql(incoming),
    buildRenameTableSql(incoming, partition.name),
    buildAttachPartitionSql(parent, partition, spec.bounds),
  ];
}

/** Archive to archive: the foreign partition is detached, dropped, and created again on the new archive's server. */
export function buildMoveCutoverSql(spec: CutoverSpec & ForeignSpec): string[] {
  const { parent, partition } = spec;
  return [
    buildDetachPartitionSql(parent, partition),
    buildDropForeignTableSql(partition),
    ...buildCreateForeignPartitionSql(parent, partition, spec.bounds, spec.server, spec.options),
  ];
}
