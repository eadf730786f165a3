/**
 * Pure SQL and text for an instance's TLS: files written into the data
 * directory by the server itself (COPY ... TO PROGRAM with umask 077, so
 * they are 0600 and owned by the server's user, as PostgreSQL wants a key
 * file, in a container or not; COPY TO a file and lo_export make them 0644), the ssl settings, and pgtier's block in pg_hba.conf.
 * Values are `$n` parameters or go through quote.ts: a file's content
 * reaches the server as a parameter, never in the statement's text (which
 * a server logs when a statement fails).
 */
import { quoteIdent, quoteLiteral, quoteShellWord } from "./quote";

/** File names pgtier writes into the data directory. */
export const TLS_FILES = { cert: "pgtier_server.crt", key: "pgtier_server.key", ca: "pgtier_ca.crt" } as const;

/** The data directory and the pg_hba.conf in use. */
export const serverPathsSql = `SELECT current_setting('data_directory') AS data_dir, current_setting('hba_file') AS hba_file`;

/**
 * Keeps what a transaction writes out of the server's log: the bind
 * parameter holding a key or a password file is logged in full by
 * log_statement = all or log_min_duration_statement otherwise.
 */
export const QUIET_LOG_SQL = [
  "SET LOCAL log_statement = 'none'",
  "SET LOCAL log_min_duration_statement = -1",
  "SET LOCAL log_parameter_max_length = 0",
  "SET LOCAL log_min_duration_sample = -1",
] as const;

/** Where a file is written first, then renamed over its name: a reader never sees half of it. */
export function pendingPathOf(path: string): string {
  return `${path}.pgtier-new`;
}

/** Renames written files over their names, in order, in one shell (a key and its certificate change together). */
export function buildRenameFilesSql(paths: readonly string[]): string {
  const program = paths.map((p) => `mv -f ${quoteShellWord(pendingPathOf(p))} ${quoteShellWord(p)}`).join(" && ");
  return `COPY (SELECT 1 WHERE false) TO PROGRAM ${quoteLiteral(program)}`;
}

/** Holds a file's content (`$1`) for the rest of the transaction, for {@link buildWriteFileSql}. */
export const holdFileContentSql = `SELECT set_config('pgtier.file_content', $1, true)`;

/** Characters COPY's CSV format is told to use as delimiter and quote: none occurs in a PEM, pg_hba.conf or .pgpass line. */
export const FILE_DELIMITER = "\u0002";
export const FILE_QUOTE = "\u0001";

/**
 * Writes the content held by {@link holdFileContentSql} to the server file
 * `path`, one line per row, through a shell the server starts with umask
 * 077 (so the file is 0600, as a key file and a password file must be).
 * CSV with a delimiter and quote that never occur writes each line as it is
 * (the text format would double backslashes); an empty line is written as
 * NULL, which CSV leaves empty.
 */
export function buildWriteFileSql(path: string): string {
  const program = `umask 077 && cat > ${quoteShellWord(path)}`;
  const lines = `unnest(string_to_array(rtrim(current_setting('pgtier.file_content'), chr(10)), chr(10))) WITH ORDINALITY AS f(line, n)`;
  const format = `FORMAT csv, DELIMITER ${quoteLiteral(FILE_DELIMITER)}, QUOTE ${quoteLiteral(FILE_QUOTE)}`;
  return `COPY (SELECT NULLIF(line, '') FROM ${lines} ORDER BY n) TO PROGRAM ${quoteLiteral(program)} WITH (${format})`;
}

/** Removes the server file `path` (a shell the server starts; COPY sends it no rows). */
export function buildRemoveFileSql(path: string): string {
  return `COPY (SELECT 1 WHERE false) TO PROGRAM ${quoteLiteral(`rm -f ${quoteShellWord(path)}`)}`;
}

/** A server file's text, or null when it is missing. */
export const readServerFileSql = `SELECT pg_read_file($1, 0, 1048576, true) AS text`;
/** Errors pg_hba.conf would give, as the server parses the file now (before a reload). */
export const hbaErrorsSql = `SELECT line_number, error FROM pg_hba_file_rules WHERE error IS NOT NULL ORDER BY line_number`;
/** Whether ssl is on, as the server runs now. */
export const sslSettingSql = `SELECT current_setting('ssl') AS ssl, current_setting('ssl_cert_file') AS cert_file`;
/** Asks the server to reload its configuration (ssl files and pg_hba.conf). */
export const reloadSql = `SELECT pg_reload_conf()`;
/** Whether this session is encrypted, and with what. */
export const sessionSslSql = `SELECT ssl, version FROM pg_stat_ssl WHERE pid = pg_backend_pid()`;

/** `ALTER SYSTEM` statements turning ssl on with pgtier's files in `dataDir` (each runs outside a transaction). */
export function buildSslOnSql(dataDir: string): string[] {
  return [
    `ALTER SYSTEM SET ssl_cert_file = ${quoteLiteral(`${dataDir}/${TLS_FILES.cert}`)}`,
    `ALTER SYSTEM SET ssl_key_file = ${quoteLiteral(`${dataDir}/${TLS_FILES.key}`)}`,
    `ALTER SYSTEM SET ssl = on`,
  ];
}

/** `ALTER SYSTEM RESET` of what {@link buildSslOnSql} set. */
export function buildSslOffSql(): string[] {
  return [`ALTER SYSTEM RESET ssl`, `ALTER SYSTEM RESET ssl_cert_file`, `ALTER SYSTEM RESET ssl_key_file`];
}

const HBA_BEGIN = "# pgtier: begin (managed by pgtier; these roles connect only over TLS)";
const HBA_END = "# pgtier: end";

/** pg_hba.conf without pgtier's block. */
export function withoutPgtierBlock(hba: string): string {
  const lines = hba.split("\n");
  const begin = lines.indexOf(HBA_BEGIN);
  const end = lines.indexOf(HBA_END);
  return begin >= 0 && end > begin ? [...lines.slice(0, begin), ...lines.slice(end + 1)].join("\n") : hba;
}

/**
 * pg_hba.conf with pgtier's block first (the first matching line wins): a
 * connection of one of `roles` that is not encrypted is rejected, so they
 * get in only over hostssl lines, or the file's own lines for TLS.
 */
export function withPgtierBlock(hba: string, roles: readonly string[]): string {
  const rest = withoutPgtierBlock(hba);
  if (roles.length === 0) {
    return rest;
  }
  const block = [HBA_BEGIN, `hostnossl all ${[...roles].sort().map(quoteIdent).join(",")} all reject`, HBA_END];
  return [...block, rest].join("\n");
}

/** The roles pgtier's block names, sorted; none when there is no block. */
export function sslOnlyRolesIn(hba: string): string[] {
  const lines = hba.split("\n");
  const begin = lines.indexOf(HBA_BEGIN);
  const end = lines.indexOf(HBA_END);
  if (begin < 0 || end <= begin) {
    return [];
  }
  const rule = lines.slice(begin + 1, end).find((l) => l.startsWith("hostnossl "));
  const names = rule?.split(/\s+/)[2] ?? "";
  return names
    .split(",")
    .filter(Boolean)
    .map((n) => n.replace(/^"|"$/g, "").replace(/""/g, '"'))
    .sort();
}
