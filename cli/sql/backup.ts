/**
 * The SQL `pgtier backup` and `pgtier restore` run besides the checksums of
 * components/sql/rotation.ts: catalog reads with `$n` parameters, and the
 * few statements that name a table or sequence, built through quote.ts. Pure.
 */
import { quoteQualified } from "../../components/sql/quote";
import { QualifiedName } from "../backup/manifest";

/** A table's columns in their order, dropped ones left out (`$1`: its quoted, qualified name). */
export const tableColumnsSql = `
SELECT attname AS name
  FROM pg_attribute
 WHERE attrelid = to_regclass($1) AND attnum > 0 AND NOT attisdropped
 ORDER BY attnum`;

/**
 * The sequences a table's columns own (`serial`, identity), by schema and
 * name (`$1`: the table's quoted, qualified name).
 */
export const ownedSequencesSql = `
SELECT n.nspname AS schema, s.relname AS name
  FROM pg_depend d
  JOIN pg_class s ON s.oid = d.objid AND s.relkind = 'S'
  JOIN pg_namespace n ON n.oid = s.relnamespace
 WHERE d.classid = 'pg_class'::regclass AND d.refclassid = 'pg_class'::regclass
   AND d.refobjid = to_regclass($1) AND d.deptype IN ('a', 'i')
 ORDER BY n.nspname, s.relname`;

/** A sequence's last_value (as text) and is_called. */
export function buildSequenceValueSql(sequence: QualifiedName): string {
  return `SELECT last_value::text AS last_value, is_called FROM ${quoteQualified(sequence.schema, sequence.name)}`;
}

/** Whether a table holds any row (cheaper than counting a large one). */
export function buildHasRowsSql(table: QualifiedName): string {
  return `SELECT EXISTS (SELECT 1 FROM ${quoteQualified(table.schema, table.name)}) AS has_rows`;
}

/** `ANALYZE` of a restored table: a data-only restore leaves it without statistics. */
export function buildAnalyzeSql(table: QualifiedName): string {
  return `ANALYZE ${quoteQualified(table.schema, table.name)}`;
}
