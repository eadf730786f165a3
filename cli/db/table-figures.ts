/**
 * Reads `pgtier backup` and `pgtier restore` take of tables: their columns,
 * the sequences they own, and row counts and content checksums the way the
 * rotation computes them (components/provider/rotation/checksum.ts), so a
 * backup's figures compare with a rotation's.
 */
import { Session } from "../../components/db/session";
import { tableChecksum, useStableText } from "../../components/provider/rotation/checksum";
import { quoteQualified } from "../../components/sql/quote";
import { DECOMMISSION_LOG } from "../../components/sql/decommission";
import { buildCountSql, tableOidSql } from "../sql/diagnostics";
import { Figures, ManifestLog, ManifestSequence, QualifiedName } from "../backup/manifest";
import { buildHasRowsSql, buildSequenceValueSql, ownedSequencesSql, tableColumnsSql } from "../sql/backup";

/** A table's column names in their order. */
export async function readColumns(s: Session, table: QualifiedName): Promise<string[]> {
  return (await s.rows<{ name: string }>(tableColumnsSql, [quoteQualified(table.schema, table.name)])).map((r) => r.name);
}

/** The sequences `table`'s columns own, with their values now. */
export async function readSequences(s: Session, table: QualifiedName): Promise<ManifestSequence[]> {
  const sequences = await s.rows<{ schema: string; name: string }>(ownedSequencesSql, [quoteQualified(table.schema, table.name)]);
  const out: ManifestSequence[] = [];
  for (const seq of sequences) {
    const value = await s.first<{ last_value: string; is_called: boolean }>(buildSequenceValueSql(seq));
    out.push({ schema: seq.schema, name: seq.name, lastValue: value?.last_value ?? "0", isCalled: value?.is_called ?? false });
  }
  return out;
}

/**
 * Count and checksum of each table over `columns`, in the session's
 * transaction (a snapshot, when the caller opened one).
 */
export async function measureTables(s: Session, tables: readonly QualifiedName[], columns: readonly string[]): Promise<Figures[]> {
  await useStableText(s);
  const figures: Figures[] = [];
  for (const t of tables) {
    figures.push(await tableChecksum(s, t, columns));
  }
  return figures;
}

/** Whether a table holds any row. */
export async function hasRows(s: Session, table: QualifiedName): Promise<boolean> {
  return (await s.first<{ has_rows: boolean }>(buildHasRowsSql(table)))?.has_rows ?? false;
}

/** Whether a table exists. */
export async function tableExists(s: Session, table: QualifiedName): Promise<boolean> {
  return Boolean((await s.first<{ oid: number | null }>(tableOidSql, [quoteQualified(table.schema, table.name)]))?.oid);
}

/** The decommission audit table of `schema` (the guide's archive_decommission_log): its rows and sequences, when it exists. */
export async function readDecommissionLog(s: Session, schema: string): Promise<ManifestLog | undefined> {
  const table = { schema, name: DECOMMISSION_LOG };
  if (!(await tableExists(s, table))) {
    return undefined;
  }
  const rows = String((await s.first<{ n: string }>(buildCountSql(table)))?.n ?? "0");
  const sequences = await s.rows<{ schema: string; name: string }>(ownedSequencesSql, [quoteQualified(schema, DECOMMISSION_LOG)]);
  return { ...table, rows, sequences: sequences.filter((q) => q.schema === schema).map((q) => q.name) };
}
