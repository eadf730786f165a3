/** Extension: one installed extension (postgres_fdw) in a database. */
import { readExtension } from "../../db/catalog";
import { withSession } from "../../db/client";
import { Session } from "../../db/session";
import { Reader } from "../../model/reader";
import { Connection, readConnection } from "../../model/types";
import { buildCreateExtensionSql, buildDropExtensionSql, buildUpdateExtensionSql } from "../../sql/fdw";
import { validateExtensionArgs } from "../../validate/fdw";
import { ResourceDefinition } from "../definition";

/** An extension's inputs. */
export interface ExtensionInputs {
  readonly connection: Connection;
  readonly name: string;
  /** Schema for its objects; the search path's first when not given. */
  readonly schema?: string;
  /** Version to install or update to; the package's default when not given. */
  readonly version?: string;
}

/** What PostgreSQL reports as installed. */
export interface ExtensionOutputs {
  readonly installedVersion?: string;
  readonly installedSchema?: string;
}

function readExtensionInputs(r: Reader): ExtensionInputs {
  return {
    connection: r.object("connection", readConnection),
    name: r.text("name"),
    schema: r.optionalText("schema"),
    version: r.optionalText("version"),
  };
}

async function installed(s: Session, name: string): Promise<ExtensionOutputs> {
  const row = await readExtension(s, name);
  return { installedVersion: row?.version, installedSchema: row?.schema };
}

export const extension: ResourceDefinition<ExtensionInputs, ExtensionOutputs> = {
  name: "Extension",
  defaults: {},
  diff: { update: ["connection", "version"], replace: ["name", "schema"], deleteBeforeReplace: true },
  validate: (news) => validateExtensionArgs(news),
  decode: readExtensionInputs,
  decodeOutputs: (r) => ({ installedVersion: r.optionalText("installedVersion"), installedSchema: r.optionalText("installedSchema") }),
  idFor: (e) => e.name,
  adoptable: true,

  async create(op, e) {
    const outputs = await withSession(op, e.connection, async (s) => {
      await s.run(buildCreateExtensionSql(e.name, e.schema));
      return installed(s, e.name);
    });
    return { id: e.name, outputs };
  },

  async read(op, id, e) {
    return withSession(op, e.connection, async (s) => {
      const found = await installed(s, id);
      return found.installedVersion === undefined ? undefined : { ...e, ...found };
    });
  },

  async update(op, id, _olds, news) {
    return withSession(op, news.connection, async (s) => {
      if (news.version) {
        await s.run(buildUpdateExtensionSql(id, news.version));
      }
      return installed(s, id);
    });
  },

  async delete(op, id, e) {
    await withSession(op, e.connection, (s) => s.run(buildDropExtensionSql(id)));
  },
};
