/**
 * PasswordFile: the guide's .pgpass on an instance, for postgres_fdw to
 * read archive passwords from (a foreign server's `passfile`) instead of
 * keeping them in user mappings. Written by the server itself, 0600 as
 * libpq requires; rewritten when an entry changes; a file changed or
 * removed by hand shows as drift.
 */
import { readServerFile, removeServerFile, sameText, serverPaths, writeServerFile } from "../../db/server-files";
import { withSession } from "../../db/client";
import { Reader } from "../../model/reader";
import { Connection, readConnection } from "../../model/types";
import { PASSWORD_FILE_NAME, PasswordFileEntry, passwordFileText } from "../../sql/passfile";
import { validatePasswordFileArgs } from "../../validate/tls";
import { Operation, ResourceDefinition } from "../definition";

/** A password file's inputs. */
export interface PasswordFileInputs {
  /** The instance, as its superuser. */
  readonly connection: Connection;
  /** File name in the data directory. */
  readonly fileName: string;
  readonly entries: readonly PasswordFileEntry[];
}

/** Where it is. */
export interface PasswordFileOutputs {
  /** Absolute path, for a foreign server's `passfile`. */
  readonly path?: string;
}

function readEntry(r: Reader): PasswordFileEntry {
  return { host: r.text("host"), port: r.number("port"), database: r.text("database"), user: r.text("user"), password: r.text("password") };
}

async function write(op: Operation, f: PasswordFileInputs): Promise<PasswordFileOutputs> {
  return withSession(op, f.connection, async (s) => {
    const path = `${(await serverPaths(s)).dataDir}/${f.fileName}`;
    await writeServerFile(s, path, passwordFileText(f.entries));
    return { path };
  });
}

export const passwordFile: ResourceDefinition<PasswordFileInputs, PasswordFileOutputs> = {
  name: "PasswordFile",
  defaults: { fileName: PASSWORD_FILE_NAME },
  diff: { update: ["connection", "entries"], replace: ["fileName"], deleteBeforeReplace: true },
  validate: (news) => validatePasswordFileArgs(news),
  decode: (r) => ({
    connection: r.object("connection", readConnection),
    fileName: r.text("fileName"),
    entries: r.list("entries", readEntry),
  }),
  decodeOutputs: (r) => ({ path: r.optionalText("path") }),

  async create(op, f) {
    const outputs = await write(op, f);
    return { id: outputs.path ?? f.fileName, outputs };
  },

  /** The file as it is: gone is gone; other content reads as no entries (never into the state), for the update to rewrite. */
  async read(op, _id, f, stored) {
    return withSession(op, f.connection, async (s) => {
      const path = `${(await serverPaths(s)).dataDir}/${f.fileName}`;
      const text = await readServerFile(s, path);
      if (text === undefined) {
        return undefined;
      }
      return { ...f, ...stored, path, entries: sameText(text, passwordFileText(f.entries)) ? f.entries : [] };
    });
  },

  update: (op, _id, _olds, news) => write(op, news),

  async delete(op, _id, f) {
    await withSession(op, f.connection, async (s) => removeServerFile(s, `${(await serverPaths(s)).dataDir}/${f.fileName}`));
  },
};
