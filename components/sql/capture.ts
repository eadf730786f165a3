/**
 * Pure builders for an online tier change: capturing the writes a table
 * takes while its rows are copied, replaying them on the copy, and keeping
 * the copy's count and checksum as PostgreSQL itself counts them.
 *
 * - The source table gets a row trigger that appends every change to a log
 *   table beside it: `-` for a row that went, `+` for a row that came (an
 *   UPDATE is both), the row itself in the table's own row type; and a
 *   TRUNCATE trigger that logs `T`. Row triggers, because a partition's
 *   statement triggers do not fire for rows routed through its parent.
 * - The target table gets statement triggers with transition tables that
 *   keep its row count and checksum (the sum of {@link buildChecksumSql}'s
 *   row hashes) in a one-row table, through COPY and every replayed change.
 *
 * Both trigger functions run as their owner (SECURITY DEFINER, with a fixed
 * search_path): an application role that may write the table needs no
 * rights on pgtier's log or sums.
 */
import { TableName } from "../model/types";
import { quoteIdent, quoteLiteral, quoteQualified } from "./quote";
import { stableRowHashSql } from "./rotation";

/** A name beside `table`'s, ending in `suffix`, within PostgreSQL's 63 bytes. */
function beside(table: Required<TableName>, suffix: string): Required<TableName> {
  return { schema: table.schema, name: `${table.name.slice(0, 63 - suffix.length)}${suffix}` };
}

/** The change log of a source table. */
export function changeLogOf(table: Required<TableName>): Required<TableName> {
  return beside(table, "_pgtier_log");
}

/** The capture function of a source table. */
function captureFunctionOf(table: Required<TableName>): Required<TableName> {
  return beside(table, "_pgtier_capture");
}

/** The one-row table holding a target table's count and checksum. */
export function sumsOf(table: Required<TableName>): Required<TableName> {
  return beside(table, "_pgtier_sums");
}

/** The function that keeps a target table's sums. */
function sumsFunctionOf(table: Required<TableName>): Required<TableName> {
  return beside(table, "_pgtier_sum");
}

const CAPTURE_TRIGGERS = ["pgtier_capture", "pgtier_capture_truncate"] as const;
const SUMS_TRIGGERS = { INSERT: "pgtier_sums_insert", DELETE: "pgtier_sums_delete", UPDATE: "pgtier_sums_update" } as const;

function q(t: Required<TableName>): string {
  return quoteQualified(t.schema, t.name);
}

/** The log, the function and the row trigger that record every change to `table` from now on. */
export function buildCaptureSql(table: Required<TableName>): string[] {
  const log = q(changeLogOf(table));
  return [
    `CREATE TABLE ${log} (seq bigserial PRIMARY KEY, op "char" NOT NULL, r ${q(table)})`,
    `CREATE FUNCTION ${q(captureFunctionOf(table))}() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $pgtier$
BEGIN
  IF TG_OP = 'TRUNCATE' THEN INSERT INTO ${log} (op) VALUES ('T'); RETURN NULL; END IF;
  IF TG_OP IN ('UPDATE', 'DELETE') THEN INSERT INTO ${log} (op, r) VALUES ('-', OLD); END IF;
  IF TG_OP IN ('UPDATE', 'INSERT') THEN INSERT INTO ${log} (op, r) VALUES ('+', NEW); END IF;
  RETURN NULL;
END
$pgtier$`,
    `CREATE TRIGGER ${quoteIdent(CAPTURE_TRIGGERS[0])} AFTER INSERT OR UPDATE OR DELETE ON ${q(table)} FOR EACH ROW EXECUTE FUNCTION ${q(captureFunctionOf(table))}()`,
    `CREATE TRIGGER ${quoteIdent(CAPTURE_TRIGGERS[1])} AFTER TRUNCATE ON ${q(table)} FOR EACH STATEMENT EXECUTE FUNCTION ${q(captureFunctionOf(table))}()`,
    // Fired under session_replication_role = replica too (logical replication's apply, pg_restore --disable-triggers).
    ...CAPTURE_TRIGGERS.map((t) => `ALTER TABLE ${q(table)} ENABLE ALWAYS TRIGGER ${quoteIdent(t)}`),
  ];
}

/** Removes the capture of `table` (what is not there is fine). The trigger goes with the table when the table goes first. */
export function buildDropCaptureSql(table: Required<TableName>, tableRemains = true): string[] {
  return [
    ...(tableRemains ? CAPTURE_TRIGGERS.map((t) => `DROP TRIGGER IF EXISTS ${quoteIdent(t)} ON ${q(table)}`) : []),
    `DROP TABLE IF EXISTS ${q(changeLogOf(table))}`,
    `DROP FUNCTION IF EXISTS ${q(captureFunctionOf(table))}()`,
  ];
}

/** The `(r).column` of each column of a log row. */
function logColumns(columns: readonly string[]): string[] {
  return columns.map((c) => `(r).${quoteIdent(c)}`);
}

/**
 * The oldest `$1` changes in the log (only committed ones are visible): seq,
 * op, the row's hash as the checksum computes it, and each column as text
 * (under the session's stable text settings), to replay with parameters,
 * and the whole row's text, which finds the row again. A `T` (the table was
 * truncated) has no row: its columns are NULL.
 */
export function buildReadChangesSql(table: Required<TableName>, columns: readonly string[]): string {
  const values = logColumns(columns).map((c, i) => `${c}::text AS c${i}`);
  const row = `ROW(${logColumns(columns).join(", ")})::text`;
  return `SELECT seq::text AS seq, op::text AS op, ${stableRowHashSql(logColumns(columns))}::text AS hash, ${row} AS row, ${values.join(", ")} FROM ${q(changeLogOf(table))} ORDER BY seq LIMIT $1`;
}

/** Forgets changes once replayed (parameter: their seqs). */
export function buildForgetChangesSql(table: Required<TableName>): string {
  return `DELETE FROM ${q(changeLogOf(table))} WHERE seq = ANY ($1::bigint[])`;
}

/** How many changes wait in the log. */
export function buildCountChangesSql(table: Required<TableName>): string {
  return `SELECT count(*)::int AS n FROM ${q(changeLogOf(table))}`;
}

/** Replays `rows` consecutive `+`s in one statement: their columns are the text parameters, row after row. */
export function buildReplayInsertSql(table: Required<TableName>, columns: readonly string[], rows: number): string {
  const tuples = Array.from({ length: rows }, (_, r) => `(${columns.map((_, i) => `$${r * columns.length + i + 1}`).join(", ")})`);
  return `INSERT INTO ${q(table)} (${columns.map(quoteIdent).join(", ")}) VALUES ${tuples.join(", ")}`;
}

/** Replays a `T`: every row goes, as a DELETE (which the sums triggers count; TRUNCATE would slip past them). */
export function buildReplayTruncateSql(table: Required<TableName>): string {
  return `DELETE FROM ${q(table)}`;
}

/**
 * Replays a `-`: removes one row whose text is `$2` (the row's text as the
 * checksum hashes it, so rows equal by a type's own `=` but printed
 * differently, e.g. numeric 1.0 and 1.00, are told apart, and types
 * without `=`, e.g. json, work). Rows need not be unique, so one of the
 * equal rows goes, whichever; the partition key `$1`, never NULL, finds it
 * by index.
 */
export function buildReplayDeleteSql(table: Required<TableName>, columns: readonly string[], partitionKey: string): string {
  return (
    `DELETE FROM ${q(table)} WHERE ctid = (SELECT ctid FROM ${q(table)} WHERE ${quoteIdent(partitionKey)} = $1` +
    ` AND ROW(${columns.map(quoteIdent).join(", ")})::text = $2 LIMIT 1)`
  );
}

/**
 * The sums of a target table: a one-row table with its count and checksum,
 * starting at `start` (what the table was just verified to hold), and the
 * statement triggers that keep it right through every change after.
 */
export function buildSumsSql(table: Required<TableName>, columns: readonly string[], start: { rows: string; checksum: string }): string[] {
  const sums = q(sumsOf(table));
  const hash = (alias: string) => stableRowHashSql(columns.map((c) => `${alias}.${quoteIdent(c)}`));
  const change = (sign: string, rows: string) =>
    `UPDATE ${sums} SET rows = rows ${sign} (SELECT count(*) FROM ${rows}), checksum = checksum ${sign} (SELECT coalesce(sum(${hash("t")}), 0) FROM ${rows} t);`;
  const fn = q(sumsFunctionOf(table));
  return [
    `CREATE TABLE ${sums} (rows bigint NOT NULL, checksum numeric NOT NULL)`,
    `INSERT INTO ${sums} VALUES (${quoteLiteral(start.rows)}::bigint, ${quoteLiteral(start.checksum)}::numeric)`,
    `CREATE FUNCTION ${fn}() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $pgtier$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') THEN ${change("-", "old_rows")} END IF;
  IF TG_OP IN ('UPDATE', 'INSERT') THEN ${change("+", "new_rows")} END IF;
  RETURN NULL;
END
$pgtier$`,
    `CREATE TRIGGER ${quoteIdent(SUMS_TRIGGERS.INSERT)} AFTER INSERT ON ${q(table)} REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION ${fn}()`,
    `CREATE TRIGGER ${quoteIdent(SUMS_TRIGGERS.DELETE)} AFTER DELETE ON ${q(table)} REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION ${fn}()`,
    `CREATE TRIGGER ${quoteIdent(SUMS_TRIGGERS.UPDATE)} AFTER UPDATE ON ${q(table)} REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION ${fn}()`,
  ];
}

/** The target's count and checksum as its triggers kept them, or none when it has no sums. */
export function buildReadSumsSql(table: Required<TableName>): string {
  return `SELECT rows::text AS rows, checksum::text AS checksum FROM ${q(sumsOf(table))}`;
}

/** Removes the sums (what is not there is fine); the triggers go with the table when the table goes first. */
export function buildDropSumsSql(table: Required<TableName>, tableRemains = true): string[] {
  return [
    ...(tableRemains ? Object.values(SUMS_TRIGGERS).map((t) => `DROP TRIGGER IF EXISTS ${quoteIdent(t)} ON ${q(table)}`) : []),
    `DROP TABLE IF EXISTS ${q(sumsOf(table))}`,
    `DROP FUNCTION IF EXISTS ${q(sumsFunctionOf(table))}()`,
  ];
}

/** This transaction's snapshot, for other sessions to read the same rows (REPEATABLE READ). */
export const exportSnapshotSql = "SELECT pg_export_snapshot() AS id";

/** Makes this REPEATABLE READ transaction read in the snapshot `id`. */
export function buildSetSnapshotSql(id: string): string {
  return `SET TRANSACTION SNAPSHOT ${quoteLiteral(id)}`;
}
