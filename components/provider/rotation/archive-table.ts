/** The archive table a rotation copies into: created with its CHECK constraint, its indexes built once the rows are in. */
import { readCatalogColumns, readRelation } from "../../db/catalog";
import { Session } from "../../db/session";
import { TableShape } from "../../model/table-shape";
import { Bounds, TableName } from "../../model/types";
import { buildCreateIndexIfMissingSql } from "../../sql/rotation";
import { archiveIndex, buildCreateArchiveTableSql } from "../../sql/tables";

/** Creates the archive table without indexes, or checks that the one there has the partition's columns. */
export async function ensureArchiveTable(archive: Session, table: Required<TableName>, shape: TableShape, bounds: Bounds): Promise<void> {
  const info = await readRelation(archive, table);
  if (!info) {
    // Indexes come after the rows (ensureArchiveIndexes): building them once
    // over a loaded table is faster than maintaining them row by row.
    await archive.runAll(buildCreateArchiveTableSql(table, shape.columns, shape.partitionKey, bounds, []));
    return;
  }
  const present = (await readCatalogColumns(archive, info.oid)).map((c) => c.name);
  const missing = shape.columns.map((c) => c.name).filter((name) => !present.includes(name));
  if (info.kind !== "r" || missing.length > 0) {
    throw new Error(
      `${archive.label}: ${table.schema}.${table.name} already exists on the archive instance ` +
        `${info.kind !== "r" ? "and is not a plain table" : `without column(s) ${missing.join(", ")}`}; ` +
        `rename or drop it there, then run pulumi up again — nothing was changed`,
    );
  }
}

/** Creates the archive table's indexes that are missing (all of them after a first copy). */
export async function ensureArchiveIndexes(archive: Session, table: TableName, shape: TableShape): Promise<void> {
  await archive.runEach(shape.indexes.map((index) => buildCreateIndexIfMissingSql(table, archiveIndex(table.name, index))));
}
