/**
 * ForeignPartition: a foreign table attached to the parent, whose rows live in
 * an archive table on another instance (the guide's Step 3).
 */
import { Client } from "pg";
import { runStatement, runThenProbe, withClient, withDetail } from "../../db/client";
import { diffSpecs } from "../../diff/specs";
import { foreignTableSql, parseOptions } from "../../sql/catalog";
import {
  buildAlterForeignTableOptionsSql,
  buildCreateForeignPartitionSql,
  buildDropForeignTableSql,
  buildForeignTableProbeSql,
} from "../../sql/fdw";
import { validateForeignPartitionArgs } from "../../validate/tables";
import { Props, ResourceHandler } from "../handler";
import { connectionOf, firstRow, qualifiedId } from "./common";
import { boundsOf, parentOf, partitionDefaults, partitionOf, readPartition, reattachStatements } from "./partitions";

/** Table options as stored: where the rows are, plus the postgres_fdw options. */
function tableOptions(props: Props): Record<string, string> {
  return {
    ...((props.options as Record<string, string> | undefined) ?? {}),
    schema_name: (props.remoteSchema as string | undefined) ?? "public",
    table_name: (props.remoteTable as string | undefined) ?? (props.name as string),
  };
}

/** Runs statements and then reads through the foreign table, in one transaction. */
function applyAndProbe(label: string, client: Client, props: Props, statements: string[]): Promise<void> {
  const options = tableOptions(props);
  return runThenProbe(label, client, statements, [buildForeignTableProbeSql(partitionOf(props))], (e) => {
    // 42P01 is the remote "relation does not exist"; anything else is the connection.
    const fix =
      e.code === "42P01"
        ? "create the ArchiveTable first (it must exist on the archive instance), or fix remoteSchema/remoteTable"
        : `check ForeignServer ${JSON.stringify(props.server)} and its UserMapping (host, port, user, password as the main instance sees them)`;
    return `cannot read ${options.schema_name}.${options.table_name} through server ${JSON.stringify(props.server)}: ${withDetail(e)} — ${fix}`;
  });
}

export const foreignPartition: ResourceHandler = {
  spec: diffSpecs.ForeignPartition,
  validate: (news) => validateForeignPartitionArgs(news),
  defaults: (news) => partitionDefaults({ remoteSchema: "public", remoteTable: news.name, options: {}, ...news }),
  idFor: qualifiedId,

  async create(label, inputs) {
    const statements = buildCreateForeignPartitionSql(
      parentOf(inputs),
      partitionOf(inputs),
      boundsOf(inputs),
      inputs.server as string,
      tableOptions(inputs),
    );
    await withClient(label, connectionOf(inputs), (client) => applyAndProbe(label, client, inputs, statements));
    return { id: qualifiedId(inputs), outs: inputs };
  },

  async read(label, id, props) {
    return withClient(label, connectionOf(props), async (client) => {
      const state = await readPartition(client, props, "f");
      if (!state) {
        return undefined;
      }
      const row = await firstRow<{ server: string; options: string[] }>(client, foreignTableSql, [state.oid]);
      const { schema_name, table_name, ...options } = parseOptions(row?.options);
      return {
        id,
        props: { ...state, server: row?.server ?? props.server, remoteSchema: schema_name, remoteTable: table_name, options },
      };
    });
  },

  async update(label, _id, olds, news) {
    const statements = reattachStatements(olds, news);
    const alter = buildAlterForeignTableOptionsSql(partitionOf(news), tableOptions(olds), tableOptions(news));
    if (alter) {
      statements.push(alter);
    }
    await withClient(label, connectionOf(news), (client) => applyAndProbe(label, client, news, statements));
    return news;
  },

  async delete(label, _id, props) {
    await withClient(label, connectionOf(props), (client) => runStatement(label, client, buildDropForeignTableSql(partitionOf(props))));
  },
};
