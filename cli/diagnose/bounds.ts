/**
 * The guide's "Ensure CHECK constraints exist on archive tables" as a
 * verdict: an archive table should carry a CHECK constraint matching its
 * partition's bounds (pgtier names it `<table>_bounds`), so the archive
 * refuses rows of other periods. Pure: decided from the constraints the
 * archive's catalog lists.
 */
import { Bounds } from "../../components/model/types";
import { parseBoundsCheck } from "../../components/sql/catalog";
import { quoteIdent, quoteQualified } from "../../components/sql/quote";
import { boundsConstraintName, buildBoundsCheck } from "../../components/sql/tables";
import { fail, ok, skip, Verdict } from "./verdict";

/** The check's name, as the doctor prints it. */
export const BOUNDS_CHECK = "bounds CHECK";

/** One CHECK constraint of an archive table. */
export interface CheckConstraint {
  readonly name: string;
  /** As pg_get_constraintdef prints it. */
  readonly def: string;
  readonly validated: boolean;
}

/** An archive table, its partition's bounds, and its CHECK constraints (undefined when the table is not there). */
export interface ArchiveTableChecks {
  readonly archive: string;
  readonly schema: string;
  readonly table: string;
  readonly partitionKey: string;
  readonly bounds: Bounds;
  readonly constraints?: readonly CheckConstraint[];
}

/** Whether a constraint pins `key` to exactly `bounds`. */
function matches(c: CheckConstraint, key: string, bounds: Bounds): boolean {
  const found = parseBoundsCheck(c.def);
  return found !== undefined && found.from === bounds.from && found.to === bounds.to && c.def.includes(key);
}

/** The verdict for one archive table. */
export function boundsVerdict(t: ArchiveTableChecks): Verdict {
  const object = `${t.schema}.${t.table} on archive "${t.archive}"`;
  const range = `[${t.bounds.from}, ${t.bounds.to})`;
  if (t.constraints === undefined) {
    return skip(BOUNDS_CHECK, object, `the table is not on the archive (see the remote table check)`);
  }
  const table = quoteQualified(t.schema, t.table);
  const name = boundsConstraintName(t.table);
  const add = `ALTER TABLE ${table} ADD CONSTRAINT ${quoteIdent(name)} ${buildBoundsCheck(t.partitionKey, t.bounds)}`;
  const addIt = `on the archive: ${add}`;
  const match = t.constraints.find((c) => matches(c, t.partitionKey, t.bounds));
  if (match && match.validated) {
    return ok(BOUNDS_CHECK, object, `${match.name}`);
  }
  if (match) {
    return fail(
      BOUNDS_CHECK,
      object,
      `its CHECK ${match.name} is NOT VALID, so PostgreSQL cannot trust it`,
      `on the archive: ALTER TABLE ${table} VALIDATE CONSTRAINT ${quoteIdent(match.name)}`,
    );
  }
  const own = t.constraints.find((c) => c.name === name);
  if (own) {
    return fail(
      BOUNDS_CHECK,
      object,
      `its CHECK ${name} (${own.def}) does not match the partition's bounds ${range}`,
      `on the archive: ALTER TABLE ${table} DROP CONSTRAINT ${quoteIdent(name)}, ADD CONSTRAINT ${quoteIdent(name)} ${buildBoundsCheck(t.partitionKey, t.bounds)}`,
    );
  }
  return fail(BOUNDS_CHECK, object, `no CHECK constraint pins ${t.partitionKey} to the partition's bounds ${range}`, addIt);
}
