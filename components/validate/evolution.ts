/** Checks on how a table's columns may change between two deployments. */
import { ColumnSpec } from "../model/types";
import { CheckFailure, isUnknown } from "./common";

/**
 * pgtier adds columns in place but will not drop or retype one: that would
 * rewrite or lose data on every partition, local and archived. Reported at
 * preview, before anything runs.
 */
export function validateColumnEvolution(olds: Record<string, unknown> | undefined, news: Record<string, unknown>): CheckFailure[] {
  const before = olds?.columns;
  const after = news.columns;
  if (!Array.isArray(before) || !Array.isArray(after) || isUnknown(before) || isUnknown(after)) {
    return [];
  }
  const failures: CheckFailure[] = [];
  for (const old of before as ColumnSpec[]) {
    const now = (after as ColumnSpec[]).find((c) => c.name === old.name);
    if (!now) {
      failures.push({
        property: "columns",
        reason: `column ${JSON.stringify(old.name)} was removed; pgtier does not drop columns in place (data on every partition would go) — keep the column, or migrate the data and create a new table`,
      });
    } else if (now.type !== old.type || (now.nullable ?? true) !== (old.nullable ?? true)) {
      failures.push({
        property: "columns",
        reason: `column ${JSON.stringify(old.name)} changed from ${old.type}${old.nullable === false ? " NOT NULL" : ""} to ${now.type}${now.nullable === false ? " NOT NULL" : ""}; pgtier does not change column types in place — add a new column instead`,
      });
    }
  }
  return failures;
}

/**
 * Why a table found (its columns as the catalog has them) cannot be taken
 * over by a program declaring `declared`: a column only the table has, or
 * one of another type. Columns only the program has are added in place.
 * Nothing when either is not a column list.
 */
export function columnAdoptionProblems(found: unknown, declared: unknown): string[] {
  if (!Array.isArray(found) || !Array.isArray(declared) || isUnknown(found) || isUnknown(declared)) {
    return [];
  }
  return (found as ColumnSpec[]).flatMap((there) => {
    const wanted = (declared as ColumnSpec[]).find((c) => c.name === there.name);
    if (!wanted) {
      return [
        `column ${JSON.stringify(there.name)} (${there.type}) is in the table but not in the program; declare it in the program's columns (pgtier never drops a column)`,
      ];
    }
    if (wanted.type !== there.type) {
      return [
        `column ${JSON.stringify(there.name)} is ${there.type} in the table and ${wanted.type} in the program; declare it as ${there.type} (pgtier never changes a column's type)`,
      ];
    }
    return [];
  });
}
