/**
 * A period built by hand, taken over: what its archive table lacks is
 * completed in place, and a partition standing where the program would
 * create one is refused before anything changes, naming the fix.
 */
import { readCheckConstraints, readIndexShapes, readPartitionsOf, readRelation } from "../../db/catalog";
import { withSession } from "../../db/client";
import { postgresError, Session } from "../../db/session";
import { archiveTableOf } from "../../model/rotation";
import { Bounds, TableName } from "../../model/types";
import {
  buildBoundsCheckSteps,
  buildRowOutsideBoundsSql,
  hasBoundsCheck,
  missingIndexes,
  PartitionInTheWay,
  partitionsInTheWay,
} from "../../sql/adoption";
import { quoteIdent, quoteQualified } from "../../sql/quote";
import { archiveIndex, buildCreateIndexSql } from "../../sql/tables";
import { Operation } from "../definition";
import { boundsOf, parentOf } from "./partition";
import { TieredPartitionInputs } from "./tiered-values";

/** `[from, to)`. */
function range(b: Bounds): string {
  return `[${b.from}, ${b.to})`;
}

/** What to do about one partition in the way. */
function inTheWay(parent: Required<TableName>, p: TieredPartitionInputs, other: PartitionInTheWay): string {
  const table = quoteQualified(parent.schema, parent.name);
  const theirs = quoteQualified(parent.schema, other.name);
  if (!other.bounds) {
    return (
      `${table} has a default partition, ${other.name}; pgtier lays out every period itself and never archives or decommissions ` +
      `a default partition's rows: move them into the periods' partitions and drop it (ALTER TABLE ${table} DETACH PARTITION ${theirs}; ` +
      `INSERT INTO ${table} SELECT * FROM ${theirs}; DROP TABLE ${theirs}), then run pulumi up again`
    );
  }
  if (other.bounds.from === p.from && other.bounds.to === p.to) {
    return (
      `${other.name} already holds ${range(other.bounds)} of ${table}, the period the program calls ${p.name}; ` +
      `rename it (ALTER TABLE ${theirs} RENAME TO ${quoteIdent(p.name)}) and run pulumi up again to take it over, ` +
      `or change the policy's namePrefix to match it`
    );
  }
  return (
    `${other.name} holds ${range(other.bounds)} of ${table}, which overlaps ${range(boundsOf(p))}, the period the program calls ${p.name}; ` +
    `change the policy's period to match the partitions there, or move ${other.name}'s rows into partitions on the policy's periods`
  );
}

/** Refuses, before anything changes, to create the period where another partition of the parent stands (a default one, or one on overlapping bounds). */
export async function refusePartitionsInTheWay(op: Operation, p: TieredPartitionInputs): Promise<void> {
  const parent = parentOf(p);
  await withSession(op, p.connection, async (s) => {
    const info = await readRelation(s, parent);
    const others = info ? partitionsInTheWay(await readPartitionsOf(s, info.oid), p.name, boundsOf(p)) : [];
    if (others.length > 0) {
      throw new Error(`${op.label}: ${others.map((other) => inTheWay(parent, p, other)).join("; and ")}; nothing was changed`);
    }
  });
}

/**
 * An archived period taken over: its archive table gets the program's
 * indexes that no index there does the work of (the guide's
 * `idx_emp_2024_date` stands for `idx_emp_date`), and a CHECK on its bounds
 * when none says them, added NOT VALID and then validated. A row outside the
 * bounds is refused, the CHECK not kept. With `apply` false (a preview), it
 * says what it would do.
 */
export async function completeAdoptedPeriod(op: Operation, p: TieredPartitionInputs, apply: boolean): Promise<void> {
  if (p.tier !== "archive" || !p.archive) {
    return;
  }
  const table = archiveTableOf(p.name, p.archive);
  const bounds = boundsOf(p);
  await withSession(op, p.archive.connection, async (s) => {
    const info = await readRelation(s, table);
    if (!info) {
      return;
    }
    // The CHECK first: a row outside the period is refused before anything is built.
    if (!hasBoundsCheck(await readCheckConstraints(s, info.oid), p.partitionKey, bounds)) {
      const check = `a CHECK on ${range(bounds)} to ${table.name} on the archive: NOT VALID first, then validated against its rows`;
      if (apply) {
        op.progress(`adding ${check}`);
        await addBoundsCheck(op, s, table, p.partitionKey, bounds);
      } else {
        const outside = await s.first<{ example: string }>(buildRowOutsideBoundsSql(table, p.partitionKey, bounds));
        if (outside) {
          throw outsideBounds(op, table, bounds, `e.g. ${p.partitionKey} ${outside.example}`);
        }
        op.progress(`will add ${check}`);
      }
    }
    const missing = missingIndexes(await readIndexShapes(s, info.oid), p.indexes).map((ix) => archiveIndex(table.name, ix));
    if (missing.length > 0) {
      const names = missing.map((ix) => ix.name).join(", ");
      op.progress(`${apply ? "creating" : "will create"} ${names} on ${table.name} on the archive; the indexes there cover the rest`);
      if (apply) {
        await s.runAll(missing.map((ix) => buildCreateIndexSql(table, ix)));
      }
    }
  });
}

/** The refusal of an archive table holding rows outside its period; `why` says how it was found. */
function outsideBounds(op: Operation, table: Required<TableName>, bounds: Bounds, why: string, cause?: unknown): Error {
  return new Error(
    `${op.label}: ${table.name} on the archive holds rows outside ${range(bounds)}, its period (${why}); ` +
      `move them to the table of their period, or delete them, then run pulumi up again; nothing was changed`,
    { cause },
  );
}

/** Adds the bounds CHECK NOT VALID, then validates it; a row that breaks it is refused, the CHECK dropped again. */
async function addBoundsCheck(op: Operation, s: Session, table: Required<TableName>, partitionKey: string, bounds: Bounds): Promise<void> {
  const steps = buildBoundsCheckSteps(table, partitionKey, bounds);
  await s.runAll([steps.drop, steps.add]);
  try {
    await s.run(steps.validate);
  } catch (err) {
    await s.run(steps.drop).catch(() => undefined);
    throw outsideBounds(op, table, bounds, postgresError(err).message ?? String(err), err);
  }
}
