/**
 * The table a move copies into: created without indexes (built once the rows
 * are in), and given sums once its rows are verified, so every replayed
 * change after keeps its count and checksum.
 */
import { readCatalogColumns, readMapping, readRelation } from "../../db/catalog";
import { Session } from "../../db/session";
import { columnNamesOf } from "../../model/table-shape";
import { TableName } from "../../model/types";
import { buildDropSumsSql, buildReadSumsSql, buildSumsSql, sumsOf } from "../../sql/capture";
import { buildGrantInsertSql, buildTableGrantsSql } from "../../sql/roles";
import { buildCreateIndexIfMissingSql, buildTruncateSql } from "../../sql/rotation";
import { TableChecksum } from "./checksum";
import { Sessions, TierMove } from "./tier-move";

/** Creates the target, or checks that the table there has the partition's columns. */
export async function ensureTarget(m: TierMove, target: Session): Promise<void> {
  const table = m.target.table;
  const info = await readRelation(target, table);
  if (!info) {
    await target.runAll([...m.createTarget, ...m.targetGrants]);
    return;
  }
  const present = (await readCatalogColumns(target, info.oid)).map((c) => c.name);
  const missing = columnNamesOf(m.shape).filter((name) => !present.includes(name));
  if (info.kind !== "r" || missing.length > 0) {
    throw new Error(
      `${target.label}: ${table.schema}.${table.name} already exists ` +
        `${info.kind !== "r" ? "and is not a plain table" : `without column(s) ${missing.join(", ")}`}; ` +
        `rename or drop it there, then run pulumi up again — nothing was changed`,
    );
  }
  await target.runAll(m.targetGrants);
}

/** Creates the target's indexes that are missing (all of them after a first copy). */
export async function ensureTargetIndexes(m: TierMove, target: Session): Promise<void> {
  await target.runEach(m.targetIndexes.map((index) => buildCreateIndexIfMissingSql(m.target.table, index)));
}

/** The count and checksum the target's sums hold, or none when it has no sums (not yet verified). */
export async function readSums(target: Session, table: Required<TableName>): Promise<TableChecksum | undefined> {
  if (!(await readRelation(target, sumsOf(table)))) {
    return undefined;
  }
  return target.first<TableChecksum>(buildReadSumsSql(table));
}

/** Gives the target sums starting at `verified`, what it was just found to hold. */
export async function startSums(m: TierMove, target: Session, verified: TableChecksum): Promise<void> {
  await target.runAll([...buildDropSumsSql(m.target.table), ...buildSumsSql(m.target.table, columnNamesOf(m.shape), verified)]);
}

/** Removes the target's sums, if the target is there. */
export async function dropSums(target: Session, table: Required<TableName>): Promise<void> {
  if (await readRelation(target, table)) {
    await target.runAll(buildDropSumsSql(table));
  }
}

/** Statements that empty the target before a fresh copy (its sums go too: they are started again once verified). */
export function emptyTargetSql(table: Required<TableName>): string[] {
  return [...buildDropSumsSql(table), buildTruncateSql(table)];
}

/**
 * For a move through the main instance: the fdw copy inserts as the role
 * the archive's user mapping logs in as, which may only read; it may insert
 * into the target until the copy is done. Nothing reads the target through
 * the mapping before the cutover attaches it. Returns the statements that
 * give the target its own grants back (run them once the copy committed).
 */
export async function letMappingInsert(m: TierMove, s: Sessions): Promise<string[]> {
  const role = (await readMapping(s.main, m.server))?.remoteUser;
  if (!role || role === m.target.connection.user) {
    return [];
  }
  await s.target.runAll(buildGrantInsertSql(m.target.table, role));
  return [...buildTableGrantsSql(m.target.table, [{ role, privileges: [] }]), ...m.targetGrants];
}
