/** Extension: one installed extension (postgres_fdw) in a database. */
import { runStatement, withClient } from "../../db/client";
import { diffSpecs } from "../../diff/specs";
import { extensionSql } from "../../sql/catalog";
import { buildCreateExtensionSql, buildDropExtensionSql, buildUpdateExtensionSql } from "../../sql/fdw";
import { validateExtensionArgs } from "../../validate/fdw";
import { ResourceHandler } from "../handler";
import { connectionOf, firstRow } from "./common";

interface ExtensionRow {
  version: string;
  schema: string;
}

export const extension: ResourceHandler = {
  spec: diffSpecs.Extension,
  validate: (news) => validateExtensionArgs(news),
  idFor: (inputs) => inputs.name as string,

  async create(label, inputs) {
    const name = inputs.name as string;
    const row = await withClient(label, connectionOf(inputs), async (client) => {
      await runStatement(label, client, buildCreateExtensionSql(name, inputs.schema as string | undefined));
      return firstRow<ExtensionRow>(client, extensionSql, [name]);
    });
    return { id: name, outs: { ...inputs, installedVersion: row?.version, installedSchema: row?.schema } };
  },

  async read(label, id, props) {
    const row = await withClient(label, connectionOf(props), (client) => firstRow<ExtensionRow>(client, extensionSql, [id]));
    return row ? { id, props: { ...props, installedVersion: row.version, installedSchema: row.schema } } : undefined;
  },

  async update(label, id, _olds, news) {
    const row = await withClient(label, connectionOf(news), async (client) => {
      if (news.version) {
        await runStatement(label, client, buildUpdateExtensionSql(id, news.version as string));
      }
      return firstRow<ExtensionRow>(client, extensionSql, [id]);
    });
    return { ...news, installedVersion: row?.version, installedSchema: row?.schema };
  },

  async delete(label, id, props) {
    await withClient(label, connectionOf(props), (client) => runStatement(label, client, buildDropExtensionSql(id)));
  },
};
