/**
 * What an interrupted move can leave behind when the program no longer asks
 * for that move: the capture on the table the rows are in (its trigger
 * keeps logging writes, and its log depends on the table's row type, so the
 * table could not be dropped), and a half-filled incoming table on the main
 * instance. Removed when the partition is next updated or decommissioned.
 */
import { readRelation } from "../../db/catalog";
import { Session } from "../../db/session";
import { Operation } from "../../model/operation";
import { TableName } from "../../model/types";
import { buildDropCaptureSql, buildDropSumsSql, changeLogOf } from "../../sql/capture";
import { buildDropTableSql } from "../../sql/tables";

/** Removes a capture left on `table` (looked up first: dropping a trigger locks the table even when there is none). */
export async function removeLeftoverCapture(op: Operation, s: Session, table: Required<TableName>): Promise<void> {
  if (await readRelation(s, changeLogOf(table))) {
    op.progress(`removing the capture an interrupted move left on ${table.name}`);
    await s.runAll(buildDropCaptureSql(table));
  }
}

/** Removes an incoming table an interrupted move back to the main instance left, with its sums. */
export async function removeLeftoverIncoming(op: Operation, s: Session, incoming: Required<TableName>): Promise<void> {
  if (await readRelation(s, incoming)) {
    op.progress(`removing ${incoming.name}, which an interrupted move back to the main instance left`);
    await s.runAll([buildDropTableSql(incoming), ...buildDropSumsSql(incoming, false)]);
  }
}
