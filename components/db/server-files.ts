/**
 * Files on a PostgreSQL server, written and read through SQL as its
 * superuser: the server writes them itself (COPY ... TO PROGRAM with umask
 * 077: mode 0600, owned by the server's user, in a container or not) and
 * reads them with pg_read_file. A file's content travels as a parameter,
 * never in a statement's text.
 */
import {
  buildRemoveFileSql,
  buildWriteFileSql,
  FILE_DELIMITER,
  FILE_QUOTE,
  holdFileContentSql,
  readServerFileSql,
  serverPathsSql,
} from "../sql/tls";
import { Session } from "./session";

/** Writes `text` to the server file `path`, in one transaction. */
export async function writeServerFile(s: Session, path: string, text: string): Promise<void> {
  if (text.includes(FILE_DELIMITER) || text.includes(FILE_QUOTE)) {
    throw new Error(`${s.label}: the content for ${path} holds a control character (\\x01 or \\x02) pgtier cannot write; remove it`);
  }
  await s.transaction(async () => {
    await s.rows(holdFileContentSql, [text]);
    await s.run(buildWriteFileSql(path));
  });
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
