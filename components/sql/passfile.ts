/**
 * The guide's password file (.pgpass) for postgres_fdw: one line per
 * server, `host:port:database:user:password`, read by libpq in the main
 * instance instead of a password kept in the user mapping. Pure.
 */

/** One line's fields. */
export interface PasswordFileEntry {
  readonly host: string;
  readonly port: number;
  readonly database: string;
  readonly user: string;
  readonly password: string;
}

/** A field as .pgpass wants it: backslash and colon escaped with a backslash. */
function field(value: string | number): string {
  return String(value).replace(/[\\:]/g, (c) => `\\${c}`);
}

/** The file's text, one line per entry, in the order given. */
export function passwordFileText(entries: readonly PasswordFileEntry[]): string {
  return entries.map((e) => [e.host, e.port, e.database, e.user, e.password].map(field).join(":")).join("\n") + "\n";
}

/** The default file name, in the instance's data directory. */
export const PASSWORD_FILE_NAME = "pgtier.pgpass";
