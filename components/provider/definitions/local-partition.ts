/** LocalPartition: a partition whose rows live on the main instance. */
import { withSession } from "../../db/client";
import { buildCreateLocalPartitionSql, buildDropTableSql } from "../../sql/tables";
import { validateLocalPartitionArgs } from "../../validate/tables";
import { noOutputs, ResourceDefinition } from "../definition";
import {
  boundsOf,
  PARTITION_DEFAULTS,
  parentOf,
  PartitionInputs,
  partitionOf,
  qualifiedName,
  readPartitionAs,
  readPartitionInputs,
  reattachSql,
} from "./partition";

export const localPartition: ResourceDefinition<PartitionInputs, object> = {
  name: "LocalPartition",
  defaults: PARTITION_DEFAULTS,
  // New bounds are a detach and re-attach of the same table (PostgreSQL checks
  // its rows against them); a new name or parent is a different table.
  diff: {
    update: ["connection", "from", "to", "attached"],
    replace: ["name", "schema", "parent", "parentSchema"],
    deleteBeforeReplace: true,
  },
  validate: (news) => validateLocalPartitionArgs(news),
  decode: readPartitionInputs,
  decodeOutputs: noOutputs,
  idFor: (p) => qualifiedName(partitionOf(p)),
  adoptRefused: ["from", "to"],
  adoptable: true,

  async create(op, p) {
    await withSession(op, p.connection, (s) => s.runAll(buildCreateLocalPartitionSql(parentOf(p), partitionOf(p), boundsOf(p))));
    return { id: qualifiedName(partitionOf(p)), outputs: {} };
  },

  async read(op, _id, p) {
    return (await withSession(op, p.connection, (s) => readPartitionAs(s, p, "r")))?.state;
  },

  async update(op, _id, olds, news) {
    await withSession(op, news.connection, (s) => s.runAll(reattachSql(olds, news)));
    return {};
  },

  async delete(op, _id, p) {
    await withSession(op, p.connection, (s) => s.run(buildDropTableSql(partitionOf(p))));
  },
};
