/**
 * A partitioned table built by hand, taken over: every partition on it must
 * be one the program lays out. What is not (a default partition, a period
 * outside the policy's window, a period under another name) is refused
 * before anything changes, naming the fix.
 */
import { readPartitionsOf, readRelation } from "../../db/catalog";
import { withSession } from "../../db/client";
import { Bounds, Connection, TableName } from "../../model/types";
import { unplannedPartitions, UnplannedPartition } from "../../sql/adoption";
import { quoteIdent, quoteQualified } from "../../sql/quote";
import { Operation } from "../definition";

/** One partition a program lays out. */
export interface PlannedPartition extends Bounds {
  readonly name: string;
}

/** The table as adoption sees it. */
interface AdoptedTable extends Required<TableName> {
  readonly connection: Connection;
  readonly partitions?: readonly PlannedPartition[];
}

/** What to do about one partition the program does not lay out. */
function fixFor(table: Required<TableName>, found: UnplannedPartition, planned: readonly PlannedPartition[]): string {
  const parent = quoteQualified(table.schema, table.name);
  const detach = `ALTER TABLE ${parent} DETACH PARTITION ${quoteQualified(found.schema, found.name)}`;
  if (!found.bounds) {
    return (
      `${found.name} is a default partition; pgtier lays out every period itself and never archives or decommissions a default ` +
      `partition's rows: move them into the periods' partitions and drop it (${detach}; INSERT INTO ${parent} SELECT * FROM ` +
      `${quoteQualified(found.schema, found.name)}; DROP TABLE ${quoteQualified(found.schema, found.name)})`
    );
  }
  const range = `[${found.bounds.from}, ${found.bounds.to})`;
  if (found.sameBoundsAs) {
    return (
      `${found.name} holds ${range}, the period the program calls ${found.sameBoundsAs}; rename it ` +
      `(ALTER TABLE ${quoteQualified(found.schema, found.name)} RENAME TO ${quoteIdent(found.sameBoundsAs)}), or change the policy's namePrefix to match it`
    );
  }
  const window = planned.length > 0 ? `[${planned[0].from}, ${planned[planned.length - 1].to})` : "empty";
  return (
    `${found.name} holds ${range}, which the policy does not lay out (its periods cover ${window}); ` +
    `change firstPeriod or period so the policy covers it, or leave it out of the table (${detach})`
  );
}

/** Refuses, naming each one and its fix, the partitions of an adopted table that the program does not lay out. */
export async function refuseUnplannedPartitions(op: Operation, t: AdoptedTable): Promise<void> {
  const planned = t.partitions;
  if (!planned) {
    return;
  }
  await withSession(op, t.connection, async (s) => {
    const info = await readRelation(s, t);
    const found = info ? unplannedPartitions(await readPartitionsOf(s, info.oid), planned) : [];
    if (found.length > 0) {
      throw new Error(
        `${op.label}: ${t.schema}.${t.name} has partitions the program does not lay out, so it is not taken over: ` +
          `${found.map((f) => fixFor(t, f, planned)).join("; ")}; nothing was changed`,
      );
    }
  });
}

/** What each relkind is, in messages. */
const KINDS: Readonly<Record<string, string>> = { r: "a plain table", f: "a foreign table", v: "a view", m: "a materialized view" };

/**
 * Refuses, before anything changes, to create the partitioned table where a
 * relation of another kind has its name (a plain table holding the rows,
 * say): pgtier would have to move every row to take it over.
 */
export async function refuseOtherRelation(op: Operation, t: AdoptedTable): Promise<void> {
  await withSession(op, t.connection, async (s) => {
    const info = await readRelation(s, t);
    if (info && info.kind !== "p") {
      throw new Error(
        `${op.label}: ${t.schema}.${t.name} already exists as ${KINDS[info.kind] ?? `a relation of kind ${info.kind}`}, not a partitioned table; ` +
          `pgtier takes over a partitioned table only (turning a table into one means moving its rows): rename it, create the partitioned ` +
          `table under its name and move the rows in, then run pulumi up again; nothing was changed`,
      );
    }
  });
}
