/**
 * TieredPartition: one period of a partitioned table, wherever its rows are.
 * Local: a plain table attached to the parent. Archive: an archive table on
 * an archive instance plus the foreign partition on the main instance that
 * points at it. Which tier changes are possible, and their steps, is the
 * tier-change plan's to say (planner/plan-tier-change.ts): check and diff
 * refuse what it refuses, update carries out what it plans. Deleting a
 * partition is a decommission with a verified backup.
 */
import { planTierChange } from "../../planner/plan-tier-change";
import { checkTierChange, validateTieredPartitionArgs } from "../../validate/tiered";
import { invalidInputs } from "../../errors";
import { ResourceDefinition } from "../definition";
import { partitionOf, qualifiedName } from "./partition";
import { archiveRows, createPartition, decommission, evolvePartition, readTieredPartition } from "./tiered-io";
import {
  placementOf,
  readTieredPartitionInputs,
  readTieredPartitionOutputs,
  TIERED_PARTITION_DEFAULTS,
  TieredPartitionInputs,
  TieredPartitionOutputs,
} from "./tiered-values";

export { TIERED_PARTITION_DEFAULTS, TieredPartitionInputs, TieredPartitionOutputs } from "./tiered-values";

export const tieredPartition: ResourceDefinition<TieredPartitionInputs, TieredPartitionOutputs> = {
  name: "TieredPartition",
  defaults: TIERED_PARTITION_DEFAULTS,
  // A tier change is an update: the rows move under one resource, never a
  // delete and create of data. Bounds are fixed by the period; check refuses
  // changing them.
  diff: {
    update: [
      "connection",
      "tier",
      "archive",
      "options",
      "attached",
      "columns",
      "indexes",
      "copyMethod",
      "batchSize",
      "keepLocal",
      "lockTimeoutMs",
      "attempts",
      "backup",
    ],
    replace: ["name", "schema", "parent", "parentSchema", "partitionKey", "from", "to"],
    deleteBeforeReplace: true,
  },
  validate: (news, olds) => validateTieredPartitionArgs(news, olds),
  refuse: (olds, news) => checkTierChange(olds, news),
  decode: readTieredPartitionInputs,
  decodeOutputs: readTieredPartitionOutputs,
  idFor: (p) => qualifiedName(partitionOf(p)),

  async create(op, p) {
    await createPartition(op, p);
    return { id: qualifiedName(partitionOf(p)), outputs: {} };
  },

  read: (op, _id, p, stored) => readTieredPartition(op, p, stored),

  async update(op, _id, olds, news) {
    const change = planTierChange(news.name, placementOf(olds), placementOf(news));
    if (change.kind === "refused") {
      throw invalidInputs(op.label, [{ property: change.property, reason: change.reason }]);
    }
    if (change.kind === "archive" && news.tier === "archive") {
      return archiveRows(op, news, change.steps);
    }
    await evolvePartition(op, olds, news);
    // Nothing moved: what the last archiving recorded, and drift the update does not touch, stay.
    return { archivedRows: olds.archivedRows, archivedChecksum: olds.archivedChecksum, remoteTable: olds.remoteTable };
  },

  delete: (op, _id, p) => decommission(op, p),
};
