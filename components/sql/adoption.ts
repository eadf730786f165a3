/**
 * What adopting objects built by hand needs, pure: which of the program's
 * indexes a table already has under another name, whether a CHECK there
 * already pins a table to its bounds, which partitions stand where the
 * program would create one, and the statements that complete a table.
 */
import { Bounds, IndexSpec, TableName } from "../model/types";
import { parseBoundsCheck, parseRangeBound } from "./catalog";
import { quoteIdent, quoteLiteral, quoteQualified } from "./quote";
import { boundsConstraintName, buildBoundsCheck } from "./tables";

/** Two indexes do the same work: the same columns in the same order, both unique or neither. */
function sameIndex(a: IndexSpec, b: IndexSpec): boolean {
  return a.columns.length > 0 && a.columns.join("\u0000") === b.columns.join("\u0000") && (a.unique ?? false) === (b.unique ?? false);
}

/** The program's indexes that no index already on the table does the work of, whatever its name. */
export function missingIndexes(found: readonly IndexSpec[], wanted: readonly IndexSpec[]): IndexSpec[] {
  return wanted.filter((ix) => !found.some((f) => sameIndex(f, ix)));
}

/** Whether one of the table's validated CHECK constraints says exactly `key >= from AND key < to`. */
export function hasBoundsCheck(
  checks: readonly { readonly def: string; readonly validated: boolean }[],
  partitionKey: string,
  bounds: Bounds,
): boolean {
  return checks.some((c) => {
    const parsed = parseBoundsCheck(c.def);
    return c.validated && c.def.includes(partitionKey) && parsed?.from === bounds.from && parsed?.to === bounds.to;
  });
}

/**
 * Where an archive table stands on its period's bounds CHECK: `present` (a
 * validated CHECK on the key says exactly these bounds, under any name),
 * `left over` (pgtier's, NOT VALID, from an interrupted run), `name taken`
 * (another constraint has the name pgtier's takes), or `missing`.
 */
export type BoundsCheck = "present" | "left over" | "name taken" | "missing";

/** {@link BoundsCheck} from the table's CHECK constraints and the name pgtier gives its own. */
export function boundsCheckPlan(
  checks: readonly { readonly name: string; readonly def: string; readonly validated: boolean }[],
  name: string,
  partitionKey: string,
  bounds: Bounds,
): BoundsCheck {
  if (hasBoundsCheck(checks, partitionKey, bounds)) {
    return "present";
  }
  const same = checks.find((c) => c.name === name);
  if (!same) {
    return "missing";
  }
  const parsed = parseBoundsCheck(same.def);
  return !same.validated && parsed?.from === bounds.from && parsed?.to === bounds.to ? "left over" : "name taken";
}

/** Orders two range bounds: dates and numbers by value, anything else as text. */
function compareBound(a: string, b: string): number {
  if (/^-?\d+(\.\d+)?$/.test(a) && /^-?\d+(\.\d+)?$/.test(b)) {
    return Number(a) - Number(b);
  }
  return a < b ? -1 : a > b ? 1 : 0;
}

/** A partition already there that stands where the program would create one. */
export interface PartitionInTheWay {
  readonly schema: string;
  readonly name: string;
  /** Its bounds; undefined for a default partition. */
  readonly bounds?: Bounds;
}

/**
 * The other partitions of the parent that the new partition `name` on
 * `bounds` would collide with: a default partition, and any whose range
 * overlaps.
 */
export function partitionsInTheWay(
  partitions: readonly { readonly schema: string; readonly name: string; readonly bound: string }[],
  self: Required<TableName>,
  bounds: Bounds,
): PartitionInTheWay[] {
  return partitions.flatMap((p) => {
    if (p.name === self.name && p.schema === self.schema) {
      return [];
    }
    if (p.bound === "DEFAULT") {
      return [{ schema: p.schema, name: p.name }];
    }
    const range = parseRangeBound(p.bound);
    const overlaps = range && compareBound(range.from, bounds.to) < 0 && compareBound(bounds.from, range.to) < 0;
    return overlaps ? [{ schema: p.schema, name: p.name, bounds: range }] : [];
  });
}

/** A partition found on a table that the program does not lay out. */
export interface UnplannedPartition {
  readonly schema: string;
  readonly name: string;
  /** Its bounds; undefined for a default partition. */
  readonly bounds?: Bounds;
  /** The planned partition on exactly these bounds, under another name. */
  readonly sameBoundsAs?: string;
}

/** The partitions found on a table (schema, name and bound as pg_get_expr prints it) that are not among the planned ones by name. */
export function unplannedPartitions(
  found: readonly { readonly schema: string; readonly name: string; readonly bound: string }[],
  planned: readonly { readonly name: string; readonly from: string; readonly to: string }[],
): UnplannedPartition[] {
  return found
    .filter((f) => !planned.some((p) => p.name === f.name))
    .map((f) => {
      const bounds = parseRangeBound(f.bound);
      const same = bounds && planned.find((p) => p.from === bounds.from && p.to === bounds.to);
      return { schema: f.schema, name: f.name, ...(bounds ? { bounds } : {}), ...(same ? { sameBoundsAs: same.name } : {}) };
    });
}

/**
 * A bounds CHECK for a table built without one: added NOT VALID (no scan
 * while its lock is held), then validated (a scan that lets reads and writes
 * go on), and dropped again when a row breaks it.
 */
export function buildBoundsCheckSteps(
  table: TableName,
  partitionKey: string,
  bounds: Bounds,
): { add: string; validate: string; drop: string } {
  const qualified = quoteQualified(table.schema, table.name);
  const constraint = quoteIdent(boundsConstraintName(table.name));
  return {
    add: `ALTER TABLE ${qualified} ADD CONSTRAINT ${constraint} ${buildBoundsCheck(partitionKey, bounds)} NOT VALID`,
    validate: `ALTER TABLE ${qualified} VALIDATE CONSTRAINT ${constraint}`,
    drop: `ALTER TABLE ${qualified} DROP CONSTRAINT IF EXISTS ${constraint}`,
  };
}

/**
 * One row of `table` whose key is outside `bounds`, its key as text, or
 * none: what validating a bounds CHECK would trip on (a NULL key passes a
 * CHECK), read without adding it: two index probes where the key is
 * indexed, a scan otherwise.
 */
export function buildRowOutsideBoundsSql(table: TableName, partitionKey: string, bounds: Bounds): string {
  const key = quoteIdent(partitionKey);
  return (
    `SELECT ${key}::text AS example FROM ${quoteQualified(table.schema, table.name)} ` +
    `WHERE ${key} < ${quoteLiteral(bounds.from)} OR ${key} >= ${quoteLiteral(bounds.to)} LIMIT 1`
  );
}
