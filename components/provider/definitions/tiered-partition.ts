/**
 * TieredPartition: one period of a partitioned table, wherever its rows are.
 * Local: a plain table attached to the parent. Archive: an archive table on
 * an archive instance plus the foreign partition on the main instance that
 * points at it. A change of tier or archive is an update that moves the
 * rows, online, in the steps the tier-change plan gives
 * (planner/plan-tier-change.ts): local to archive, archive to local, archive
 * to archive. Deleting a partition is a decommission with a verified backup.
 */
import { planTierChange } from "../../planner/plan-tier-change";
import { validateTieredPartitionArgs } from "../../validate/tiered";
import { ResourceDefinition } from "../definition";
import { partitionOf, qualifiedName } from "./partition";
import { createPartition, decommission, evolvePartition, readTieredPartition } from "./tiered-io";
import { completeAdoptedPeriod, refuseAdoptingPeriod } from "./tiered-adopt";
import { moveRows } from "./tiered-move";
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
      "keepArchive",
      "lockTimeoutMs",
      "attempts",
      "backup",
    ],
    replace: ["name", "schema", "parent", "parentSchema", "partitionKey", "from", "to"],
    deleteBeforeReplace: true,
  },
  validate: (news, olds) => validateTieredPartitionArgs(news, olds),
  decode: readTieredPartitionInputs,
  decodeOutputs: readTieredPartitionOutputs,
  idFor: (p) => qualifiedName(partitionOf(p)),
  adoptable: true,
  adoptRefused: ["tier", "archive"],
  adopted: completeAdoptedPeriod,
  refuseAdopting: (op, p) => refuseAdoptingPeriod(op, p),

  async create(op, p) {
    await createPartition(op, p);
    return { id: qualifiedName(partitionOf(p)), outputs: {} };
  },

  read: (op, _id, p, stored) => readTieredPartition(op, p, stored),

  async update(op, _id, olds, news) {
    const change = planTierChange(placementOf(olds), placementOf(news));
    if (change.kind !== "none") {
      return moveRows(op, olds, news, change);
    }
    await evolvePartition(op, olds, news);
    // Nothing moved: what the last archiving recorded, and drift the update does not touch, stay.
    return { archivedRows: olds.archivedRows, archivedChecksum: olds.archivedChecksum, remoteTable: olds.remoteTable };
  },

  delete: (op, _id, p) => decommission(op, p),
};
