/** What LocalPartition and ForeignPartition share: attachment to the parent, and bounds. */
import { Client } from "pg";
import { Bounds } from "../../model/types";
import { buildAttachPartitionSql, buildDetachPartitionSql, TableName } from "../../sql/tables";
import { Props } from "../handler";
import { schemaOf, tableOf } from "./common";
import { partitionState, readRelation } from "./relations";

/** The partition itself. */
export function partitionOf(props: Props): TableName {
  return tableOf(props);
}

/** Its parent table. */
export function parentOf(props: Props): TableName {
  return { schema: schemaOf(props, "parentSchema"), name: props.parent as string };
}

/** Its bounds. */
export function boundsOf(props: Props): Bounds {
  return { from: props.from as string, to: props.to as string };
}

/** Partition inputs with their defaults: in schema public, attached unless said otherwise. */
export function partitionDefaults(news: Props): Props {
  return { attached: true, schema: "public", parentSchema: "public", ...news };
}

/**
 * Statements that bring attachment and bounds from `olds` to `news`:
 * detach when attached and the bounds change (PostgreSQL cannot alter bounds
 * in place), attach with the new bounds. Run in one transaction, so the
 * partition is never left detached.
 */
export function reattachStatements(olds: Props, news: Props): string[] {
  const boundsChanged = olds.from !== news.from || olds.to !== news.to;
  const statements: string[] = [];
  if (olds.attached !== false && (boundsChanged || news.attached === false)) {
    statements.push(buildDetachPartitionSql(parentOf(olds), partitionOf(olds)));
  }
  if (news.attached !== false && (olds.attached === false || boundsChanged)) {
    statements.push(buildAttachPartitionSql(parentOf(news), partitionOf(news), boundsOf(news)));
  }
  return statements;
}

/** Reads a partition's kind, attachment and bounds; undefined when the table is gone or of another kind. */
export async function readPartition(client: Client, props: Props, kind: "r" | "f"): Promise<Props | undefined> {
  const info = await readRelation(client, schemaOf(props), props.name as string);
  if (!info || info.kind !== kind) {
    return undefined;
  }
  const parent = parentOf(props);
  return { ...props, ...partitionState(info, parent.schema ?? "public", parent.name, { from: props.from, to: props.to }), oid: info.oid };
}
