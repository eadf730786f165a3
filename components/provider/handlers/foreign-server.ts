/** ForeignServer: a postgres_fdw server on the main instance pointing at an archive instance. */
import { runInTransaction, runStatement, withClient } from "../../db/client";
import { diffSpecs } from "../../diff/specs";
import { foreignServerSql, parseOptions } from "../../sql/catalog";
import { buildAlterServerSql, buildCreateServerSql, buildDropServerSql } from "../../sql/fdw";
import { validateForeignServerArgs } from "../../validate/fdw";
import { Props, ResourceHandler } from "../handler";
import { connectionOf, firstRow } from "./common";

/** All server options as PostgreSQL stores them: host, port, dbname and the rest. */
export function serverOptions(props: Props): Record<string, string> {
  return {
    ...((props.options as Record<string, string> | undefined) ?? {}),
    host: props.host as string,
    port: String(props.port),
    dbname: props.dbname as string,
  };
}

export const foreignServer: ResourceHandler = {
  spec: diffSpecs.ForeignServer,
  validate: (news) => validateForeignServerArgs(news),
  defaults: (news) => ({ options: {}, ...news }),
  idFor: (inputs) => inputs.name as string,

  async create(label, inputs) {
    const name = inputs.name as string;
    await withClient(label, connectionOf(inputs), (client) =>
      runStatement(label, client, buildCreateServerSql(name, serverOptions(inputs))),
    );
    return { id: name, outs: inputs };
  },

  async read(label, id, props) {
    const row = await withClient(label, connectionOf(props), (client) =>
      firstRow<{ wrapper: string; options: string[] }>(client, foreignServerSql, [props.name ?? id]),
    );
    if (!row) {
      return undefined;
    }
    const { host, port, dbname, ...options } = parseOptions(row.options);
    return { id, props: { ...props, host, port: Number(port), dbname, options } };
  },

  async update(label, _id, olds, news) {
    const statements = buildAlterServerSql(olds.name as string, news.name as string, serverOptions(olds), serverOptions(news));
    await withClient(label, connectionOf(news), (client) => runInTransaction(label, client, statements));
    return news;
  },

  async delete(label, _id, props) {
    await withClient(label, connectionOf(props), (client) => runStatement(label, client, buildDropServerSql(props.name as string)));
  },
};
