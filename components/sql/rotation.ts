/**
 * Pure builders for moving a partition between tiers and retiring it:
 * locks, checksums, COPY statements, the cutover and the decommission audit
 * trail. The I/O that runs them lives in provider/rotation.
 */
import { IndexSpec, TableName } from "../model/types";
import { CatalogColumn } from "./catalog";
import { buildOptionsClause } from "./fdw";
import { quoteIdent, quoteLiteral, quoteQualified } from "./quote";

function qualified(table: TableName): string {
  return quoteQualified(table.schema, table.name);
}

function columnList(columns: readonly string[]): string {
  if (columns.length === 0) {
    throw new Error("a copy or checksum needs at least one column");
  }
  return columns.map(quoteIdent).join(", ");
}

/**
 * Session settings that make a row's text form the same on every instance,
 * so checksums computed on two servers can be compared.
 */
export function buildStableTextSettingsSql(): string[] {
  return [
    "SET DateStyle = 'ISO, YMD'",
    "SET TimeZone = 'UTC'",
    "SET IntervalStyle = 'postgres'",
    "SET extra_float_digits = 3",
    "SET bytea_output = 'hex'",
  ];
}

/**
 * Row count and content checksum of a table: the sum of a 64-bit hash of each
 * row's text form over the named columns, in the given order. Order-free, so
 * the two sides of a copy agree however their rows are stored.
 */
export function buildChecksumSql(table: TableName, columns: readonly string[]): string {
  if (columns.length === 0) {
    throw new Error("a copy or checksum needs at least one column");
  }
  return `SELECT count(*)::text AS rows, coalesce(sum(${stableRowHashSql(columns.map(quoteIdent))}), 0)::text AS checksum FROM ${qualified(table)}`;
}

/**
 * One row's 64-bit hash over `expressions` (already quoted column
 * references), as every checksum pgtier compares computes it.
 */
export function stableRowHashSql(expressions: readonly string[]): string {
  return `hashtextextended(ROW(${expressions.join(", ")})::text, 0)`;
}

/** Row count of a table (through postgres_fdw it is pushed down to the archive). */
export function buildCountSql(table: TableName): string {
  return `SELECT count(*)::text AS rows FROM ${qualified(table)}`;
}

/** `SET LOCAL lock_timeout`: how long one attempt waits for a lock before it gives up and retries. */
export function buildLockTimeoutSql(milliseconds: number): string {
  return `SET LOCAL lock_timeout = ${quoteLiteral(`${Math.max(1, Math.floor(milliseconds))}ms`)}`;
}

/**
 * Blocks writes to the rotating partition for the rest of the transaction;
 * reads, and writes to every other partition, go on.
 */
export function buildBlockWritesSql(partition: TableName): string {
  return `LOCK TABLE ${qualified(partition)} IN SHARE MODE`;
}

/**
 * The lock DETACH PARTITION needs on the parent, taken explicitly so
 * lock_timeout bounds the wait. ONLY: without it LOCK TABLE recurses into
 * every partition, the rotating one included, and the rotation's own
 * reading sessions (COPY out, checksum, fdw INSERT ... SELECT) would wait
 * for this transaction while it waits for them, a hang PostgreSQL does not
 * detect; it would also wait for readers of unrelated partitions.
 */
export function buildLockParentSql(parent: TableName): string {
  return `LOCK TABLE ONLY ${qualified(parent)} IN ACCESS EXCLUSIVE MODE`;
}

/** Binary COPY out of a table, columns named so both sides agree on the order. */
export function buildCopyOutSql(table: TableName, columns: readonly string[]): string {
  return `COPY ${qualified(table)} (${columnList(columns)}) TO STDOUT (FORMAT binary)`;
}

/** Binary COPY into a table, the counterpart of {@link buildCopyOutSql}. */
export function buildCopyInSql(table: TableName, columns: readonly string[]): string {
  return `COPY ${qualified(table)} (${columnList(columns)}) FROM STDIN (FORMAT binary)`;
}

/** CSV with a header row, for the optional export of a decommissioned table. */
export function buildCopyCsvOutSql(table: TableName, columns: readonly string[]): string {
  return `COPY ${qualified(table)} (${columnList(columns)}) TO STDOUT (FORMAT csv, HEADER true)`;
}

/** `CREATE INDEX IF NOT EXISTS`: an archive table's index, built after its rows are loaded. */
export function buildCreateIndexIfMissingSql(table: TableName, index: IndexSpec): string {
  const cols = index.columns.map(quoteIdent).join(", ");
  return `CREATE ${index.unique ? "UNIQUE " : ""}INDEX IF NOT EXISTS ${quoteIdent(index.name)} ON ${qualified(table)} (${cols})`;
}

/** Drops the transaction's cached view of other sessions' status, so progress is read fresh. */
export const clearStatsSnapshotSql = "SELECT pg_stat_clear_snapshot()";

/** Rows a session's COPY has processed so far (parameter: its pid; PostgreSQL 14+). */
export const copyProgressSql = "SELECT tuples_processed::text AS done FROM pg_stat_progress_copy WHERE pid = $1";

/** Empties a table (the archive table before a fresh copy). */
export function buildTruncateSql(table: TableName): string {
  return `TRUNCATE ${qualified(table)}`;
}

/** Refreshes planner statistics after a bulk load. */
export function buildAnalyzeSql(table: TableName): string {
  return `ANALYZE ${qualified(table)}`;
}

/** Renames a table in its schema. */
export function buildRenameTableSql(table: TableName, newName: string): string {
  return `ALTER TABLE ${qualified(table)} RENAME TO ${quoteIdent(newName)}`;
}

/** Name of an archive table kept after its rows moved away, when the user asks to keep it. */
export function keptArchiveName(tableName: string): string {
  return `${tableName.slice(0, 63 - "_kept".length)}_kept`;
}

/** Name of the local table kept after archiving when the user asks to keep it. */
export function keptLocalName(partitionName: string): string {
  return `${partitionName.slice(0, 63 - "_local".length)}_local`;
}

/**
 * A standalone foreign table pointing at the archive table, for the
 * postgres_fdw copy path: `INSERT INTO it SELECT ... FROM the partition`
 * with `batch_size` rows per remote INSERT.
 */
export function buildCopyForeignTableSql(
  name: TableName,
  columns: readonly Pick<CatalogColumn, "name" | "type">[],
  server: string,
  remote: TableName,
  batchSize: number,
): string {
  // Types come from format_type() on the main instance's catalog, which
  // prints them as valid, already-quoted SQL (e.g. numeric(10,2), "MyType").
  const cols = columns.map((c) => `${quoteIdent(c.name)} ${c.type}`).join(", ");
  const options = buildOptionsClause({
    schema_name: remote.schema ?? "public",
    table_name: remote.name,
    batch_size: String(batchSize),
  });
  return `CREATE FOREIGN TABLE ${qualified(name)} (${cols}) SERVER ${quoteIdent(server)}${options}`;
}

/** `INSERT INTO target (cols) SELECT cols FROM source`. */
export function buildInsertSelectSql(target: TableName, source: TableName, columns: readonly string[]): string {
  const cols = columnList(columns);
  return `INSERT INTO ${qualified(target)} (${cols}) SELECT ${cols} FROM ${qualified(source)}`;
}

/** Name of the transient foreign table the fdw copy path writes through. */
export function copyTableName(partitionName: string): string {
  return `${partitionName.slice(0, 63 - "_pgtier_copy".length)}_pgtier_copy`;
}
