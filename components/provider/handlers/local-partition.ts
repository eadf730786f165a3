/** LocalPartition: a partition whose rows live on the main instance. */
import { runInTransaction, runStatement, withClient } from "../../db/client";
import { diffSpecs } from "../../diff/specs";
import { buildCreateLocalPartitionSql, buildDropTableSql } from "../../sql/tables";
import { validateLocalPartitionArgs } from "../../validate/tables";
import { ResourceHandler } from "../handler";
import { connectionOf, qualifiedId } from "./common";
import { boundsOf, parentOf, partitionDefaults, partitionOf, readPartition, reattachStatements } from "./partitions";

export const localPartition: ResourceHandler = {
  spec: diffSpecs.LocalPartition,
  validate: (news) => validateLocalPartitionArgs(news),
  defaults: partitionDefaults,
  idFor: qualifiedId,

  async create(label, inputs) {
    const statements = buildCreateLocalPartitionSql(parentOf(inputs), partitionOf(inputs), boundsOf(inputs));
    await withClient(label, connectionOf(inputs), (client) => runInTransaction(label, client, statements));
    return { id: qualifiedId(inputs), outs: inputs };
  },

  async read(label, id, props) {
    const state = await withClient(label, connectionOf(props), (client) => readPartition(client, props, "r"));
    return state && { id, props: state };
  },

  async update(label, _id, olds, news) {
    await withClient(label, connectionOf(news), (client) => runInTransaction(label, client, reattachStatements(olds, news)));
    return news;
  },

  async delete(label, _id, props) {
    await withClient(label, connectionOf(props), (client) => runStatement(label, client, buildDropTableSql(partitionOf(props))));
  },
};
