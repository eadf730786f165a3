/**
 * A period built by hand, taken over: what stands in the way is refused
 * before anything changes, naming the fix (rows of an archive table outside
 * its period, a partition where the program would create one), and what its
 * archive table lacks is completed in place.
 */
import { readCheckConstraints, readIndexShapes, readPartitionsOf, readRelation } from "../../db/catalog";
import { withSession } from "../../db/client";
import { postgresError, Session } from "../../db/session";
import { archiveTableOf, TableGrant } from "../../model/rotation";
import { Bounds, TableName } from "../../model/types";
import {
  BoundsCheck,
  boundsCheckPlan,
  buildBoundsCheckSteps,
  buildRowOutsideBoundsSql,
  missingIndexes,
  PartitionInTheWay,
  partitionsInTheWay,
} from "../../sql/adoption";
import { quoteIdent, quoteQualified } from "../../sql/quote";
import { buildTableGrantsSql, commonPrivileges, PrivilegeRow, privilegesSql } from "../../sql/roles";
import { archiveIndex, boundsConstraintName, buildCreateIndexSql } from "../../sql/tables";
import { Operation } from "../definition";
import { boundsOf, parentOf } from "./partition";
import { TieredPartitionInputs } from "./tiered-values";

/** SQLSTATE check_violation: a row breaks a CHECK being validated. */
const CHECK_VIOLATION = "23514";

/** `[from, to)`. */
function range(b: Bounds): string {
  return `[${b.from}, ${b.to})`;
}

/** What to do about one partition in the way. */
function inTheWay(parent: Required<TableName>, p: TieredPartitionInputs, other: PartitionInTheWay): string {
  const table = quoteQualified(parent.schema, parent.name);
  const theirs = quoteQualified(other.schema, other.name);
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

/**
 * Explains why creating the period failed when another partition of the
 * parent stands in its way (a default one, or one on overlapping bounds),
 * naming the fix; undefined when none does (the failure is something else).
 */
export async function explainPartitionsInTheWay(op: Operation, p: TieredPartitionInputs): Promise<string | undefined> {
  const parent = parentOf(p);
  return withSession(op, p.connection, async (s) => {
    const info = await readRelation(s, parent);
    const others = info ? partitionsInTheWay(await readPartitionsOf(s, info.oid), { schema: p.schema, name: p.name }, boundsOf(p)) : [];
    return others.length > 0
      ? `${op.label}: ${others.map((other) => inTheWay(parent, p, other)).join("; and ")}; nothing was changed`
      : undefined;
  });
}

/** The archive table of an archived period and its bounds CHECK as found; undefined for a local period or a missing table. */
async function archivedTable(
  s: Session,
  p: TieredPartitionInputs,
): Promise<{ table: Required<TableName>; oid: number; check: BoundsCheck } | undefined> {
  if (p.tier !== "archive" || !p.archive) {
    return undefined;
  }
  const table = archiveTableOf(p.name, p.archive);
  const info = await readRelation(s, table);
  if (!info) {
    return undefined;
  }
  const check = boundsCheckPlan(await readCheckConstraints(s, info.oid), boundsConstraintName(table.name), p.partitionKey, boundsOf(p));
  return { table, oid: info.oid, check };
}

/** The refusal of an archive table holding rows outside its period; `why` says how it was found. */
function outsideBounds(op: Operation, table: Required<TableName>, bounds: Bounds, why: string, cause?: unknown): Error {
  return new Error(
    `${op.label}: ${table.name} on the archive holds rows outside ${range(bounds)}, its period (${why}); ` +
      `move them to the table of their period, or delete them, then run pulumi up again; nothing was changed`,
    { cause },
  );
}

/**
 * Before an archived period is taken over (at preview too): an archive table
 * whose rows a bounds CHECK would refuse, or that has a constraint under the
 * name pgtier's CHECK takes, is refused before anything changes.
 */
export async function refuseAdoptingPeriod(op: Operation, p: TieredPartitionInputs): Promise<void> {
  const archive = p.archive;
  if (!archive) {
    return;
  }
  await withSession(op, archive.connection, async (s) => {
    const found = await archivedTable(s, p);
    if (!found || found.check === "present") {
      return;
    }
    if (found.check === "name taken") {
      throw new Error(
        `${op.label}: ${found.table.name} on the archive has a constraint named ${boundsConstraintName(found.table.name)} that is not a CHECK on ` +
          `${range(boundsOf(p))}, and pgtier's CHECK on its period takes that name; rename or drop it, then run pulumi up again; nothing was changed`,
      );
    }
    const outside = await s.first<{ example: string }>(buildRowOutsideBoundsSql(found.table, p.partitionKey, boundsOf(p)));
    if (outside) {
      throw outsideBounds(op, found.table, boundsOf(p), `e.g. ${p.partitionKey} ${outside.example}`);
    }
  });
}

/**
 * An archived period taken over: its archive table gets a CHECK on its
 * bounds when none says them (added NOT VALID, then validated), and the
 * program's indexes that no index there does the work of (the guide's
 * `idx_emp_2024_date` stands for `idx_emp_date`). With `apply` false (a
 * preview), it says what it would do.
 */
export async function completeAdoptedPeriod(op: Operation, p: TieredPartitionInputs, apply: boolean): Promise<void> {
  const archive = p.archive;
  if (!archive) {
    return;
  }
  await withSession(op, archive.connection, async (s) => {
    const found = await archivedTable(s, p);
    if (!found) {
      return;
    }
    const { table } = found;
    if (found.check !== "present") {
      op.progress(
        `${apply ? "adding" : "will add"} a CHECK on ${range(boundsOf(p))} to ${table.name} on the archive: NOT VALID first, then validated against its rows`,
      );
      if (apply) {
        await addBoundsCheck(op, s, table, p.partitionKey, boundsOf(p), found.check === "left over");
      }
    }
    const missing = missingIndexes(await readIndexShapes(s, found.oid), p.indexes).map((ix) => archiveIndex(table.name, ix));
    if (missing.length > 0) {
      const names = missing.map((ix) => ix.name).join(", ");
      op.progress(`${apply ? "creating" : "will create"} ${names} on ${table.name} on the archive; the indexes there cover the rest`);
      if (apply) {
        await s.runAll(missing.map((ix) => buildCreateIndexSql(table, ix)));
      }
    }
    const lacking = await grantsLacking(s, table, archive.grants ?? []);
    if (lacking.length > 0) {
      op.progress(
        `${apply ? "granting" : "will grant"} ${lacking.map((g) => `${g.privileges.join(", ")} to ${g.role}`).join("; ")} on ${table.name} on the archive`,
      );
      if (apply) {
        await s.runAll(buildTableGrantsSql(table, lacking));
      }
    }
  });
}

/** The grants whose role does not hold exactly its privileges on the table. */
async function grantsLacking(s: Session, table: Required<TableName>, grants: readonly TableGrant[]): Promise<TableGrant[]> {
  const lacking: TableGrant[] = [];
  for (const g of grants) {
    const rows = await s.rows<PrivilegeRow>(privilegesSql("table"), [g.role, table.schema, [table.name]]);
    if (commonPrivileges(rows, [table.name]).privileges.join() !== [...g.privileges].sort().join()) {
      lacking.push(g);
    }
  }
  return lacking;
}

/**
 * Adds the bounds CHECK NOT VALID (after dropping one an interrupted run
 * left, never another), then validates it; a row that breaks it is refused
 * and the CHECK dropped again.
 */
async function addBoundsCheck(
  op: Operation,
  s: Session,
  table: Required<TableName>,
  partitionKey: string,
  bounds: Bounds,
  leftOver: boolean,
): Promise<void> {
  const steps = buildBoundsCheckSteps(table, partitionKey, bounds);
  await s.runAll([...(leftOver ? [steps.drop] : []), steps.add]);
  try {
    await s.run(steps.validate);
  } catch (err) {
    await s.run(steps.drop).catch(() => undefined);
    const e = postgresError(err);
    throw e.code === CHECK_VIOLATION || /violated by some row/.test(e.message ?? "")
      ? outsideBounds(op, table, bounds, e.message ?? String(err), err)
      : err;
  }
}
