/**
 * Files on a PostgreSQL server, written and read through SQL as its
 * superuser: the server writes them itself (COPY ... TO PROGRAM with umask
 * 077: mode 0600, owned by the server's user, in a container or not) and
 * reads them with pg_read_file. A file's content travels as a parameter,
 * never in a statement's text.
 */
import {
  buildRemoveFileSql,
  buildRenameFilesSql,
  buildWriteFileSql,
  holdFileContentSql,
  pendingPathOf,
  QUIET_LOG_SQL,
  readServerFileSql,
  serverPathsSql,
} from "../sql/tls";
import { Session } from "./session";

/**
 * Writes files on the server as one change: each to a pending name, then all
 * renamed over their names by one shell, so a failure half way leaves the
 * old files (a certificate never beside another certificate's key). The
 * content never reaches the server's log. Line ends are \n; a \r, or the
 * two control characters COPY is told to use, are refused.
 */
export async function writeServerFiles(s: Session, files: readonly { path: string; text: string }[]): Promise<void> {
  for (const f of files) {
    if (/[\r\u0001\u0002]/.test(f.text.replace(/\r\n/g, "\n"))) {
      throw new Error(
        `${s.label}: the content for ${f.path} holds a carriage return or a control character (\\x01, \\x02) pgtier cannot write; remove it`,
      );
    }
  }
  await s.transaction(async () => {
    for (const sql of QUIET_LOG_SQL) {
      await s.run(sql);
    }
    for (const f of files) {
      await s.rows(holdFileContentSql, [f.text.replace(/\r\n/g, "\n")]);
      await s.run(buildWriteFileSql(pendingPathOf(f.path)));
    }
  });
  await s.run(buildRenameFilesSql(files.map((f) => f.path)));
}

/** Writes one file on the server (see {@link writeServerFiles}). */
export function writeServerFile(s: Session, path: string, text: string): Promise<void> {
  return writeServerFiles(s, [{ path, text }]);
}

/** A server file's text, or undefined when it is missing. */
export async function readServerFile(s: Session, path: string): Promise<string | undefined> {
  return (await s.first<{ text: string | null }>(readServerFileSql, [path]))?.text ?? undefined;
}

/** Removes a server file; one already gone is fine. */
export async function removeServerFile(s: Session, path: string): Promise<void> {
  await s.run(buildRemoveFileSql(path));
}

/** The server's data directory and the pg_hba.conf it uses. */
export async function serverPaths(s: Session): Promise<{ dataDir: string; hbaFile: string }> {
  const row = await s.first<{ data_dir: string; hba_file: string }>(serverPathsSql);
  return { dataDir: row!.data_dir, hbaFile: row!.hba_file };
}

/** Two files' texts are the same but for trailing line breaks (COPY ends every line with one). */
export function sameText(a: string | undefined, b: string | undefined): boolean {
  return a !== undefined && b !== undefined && a.trimEnd() === b.trimEnd();
}
