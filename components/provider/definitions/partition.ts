/** What every partition resource has: its table, its parent, its bounds, and whether it is attached. */
import { readPartition } from "../../db/catalog";
import { Session } from "../../db/session";
import { Reader } from "../../model/reader";
import { Bounds, Connection, readConnection, TableName } from "../../model/types";
import { buildReattachSql } from "../../sql/tables";

/** A partition's inputs (defaults applied). */
export interface PartitionInputs {
  /** The main instance's database. */
  readonly connection: Connection;
  readonly name: string;
  readonly schema: string;
  readonly parent: string;
  readonly parentSchema: string;
  readonly from: string;
  readonly to: string;
  /** Whether it is attached to its parent; a refresh finds a partition detached by hand, and the next update re-attaches it. */
  readonly attached: boolean;
}

/** The defaults of every partition: in schema public, under a parent in public, attached. */
export const PARTITION_DEFAULTS = Object.freeze({ schema: "public", parentSchema: "public", attached: true });

/** A partition's inputs, read from a bag. */
export function readPartitionInputs(r: Reader): PartitionInputs {
  return {
    connection: r.object("connection", readConnection),
    name: r.text("name"),
    schema: r.text("schema"),
    parent: r.text("parent"),
    parentSchema: r.text("parentSchema"),
    from: r.text("from"),
    to: r.text("to"),
    attached: r.flag("attached"),
  };
}

/** `schema.name`, the id of a table-like resource. */
export function qualifiedName(t: Required<TableName>): string {
  return `${t.schema}.${t.name}`;
}

/** The partition's table. */
export function partitionOf(p: PartitionInputs): Required<TableName> {
  return { schema: p.schema, name: p.name };
}

/** Its parent table. */
export function parentOf(p: PartitionInputs): Required<TableName> {
  return { schema: p.parentSchema, name: p.parent };
}

/** Its bounds. */
export function boundsOf(p: PartitionInputs): Bounds {
  return { from: p.from, to: p.to };
}

/** Statements that bring attachment and bounds from `olds` to `news` (see buildReattachSql). */
export function reattachSql(olds: PartitionInputs, news: PartitionInputs): string[] {
  return buildReattachSql(parentOf(news), partitionOf(news), olds, news);
}

/**
 * The partition as stored, if it is a relation of `kind` (r: table, f:
 * foreign table): `p` with the attachment and bounds found, and the
 * relation's oid. Undefined when it is gone or of another kind.
 */
export async function readPartitionAs<P extends PartitionInputs>(
  s: Session,
  p: P,
  kind: "r" | "f",
): Promise<{ state: P; oid: number } | undefined> {
  const found = await readPartition(s, partitionOf(p), parentOf(p), boundsOf(p));
  return found?.kind === kind ? { state: { ...p, attached: found.attached, from: found.from, to: found.to }, oid: found.oid } : undefined;
}
