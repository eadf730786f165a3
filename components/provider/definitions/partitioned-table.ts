/** PartitionedTable: the parent table applications query, partitioned by range on one column. */
import { readColumns, readIndexes, readPartitionKey, readRelation } from "../../db/catalog";
import { withSession } from "../../db/client";
import { Reader } from "../../model/reader";
import { readTableShape, TableShape } from "../../model/table-shape";
import { Connection, readConnection } from "../../model/types";
import { buildCreatePartitionedTableSql, buildDropTableSql, buildTableEvolutionSql } from "../../sql/tables";
import { validateColumnEvolution } from "../../validate/evolution";
import { validatePartitionedTableArgs } from "../../validate/tables";
import { noOutputs, ResourceDefinition } from "../definition";
import { qualifiedName } from "./partition";
import { PlannedPartition, refuseOtherRelation, refuseUnplannedPartitions } from "./table-adopt";

/** A partitioned table's inputs (defaults applied). */
export interface PartitionedTableInputs extends TableShape {
  readonly connection: Connection;
  readonly name: string;
  readonly schema: string;
  /** Whether foreign partitions will be attached (UNIQUE indexes are refused then). */
  readonly allowForeignPartitions: boolean;
  /** With adopt: the partitions the program lays out; any other found is refused. */
  readonly partitions?: readonly PlannedPartition[];
}

function readPartitionedTableInputs(r: Reader): PartitionedTableInputs {
  return {
    connection: r.object("connection", readConnection),
    name: r.text("name"),
    schema: r.text("schema"),
    ...readTableShape(r),
    allowForeignPartitions: r.flag("allowForeignPartitions"),
    partitions: r.has("partitions")
      ? r.list("partitions", (p) => ({ name: p.text("name"), from: p.text("from"), to: p.text("to") }))
      : undefined,
  };
}

export const partitionedTable: ResourceDefinition<PartitionedTableInputs, object> = {
  name: "PartitionedTable",
  defaults: { schema: "public", indexes: [], allowForeignPartitions: true },
  // Columns can be added and indexes created or dropped in place; renaming or
  // re-keying a partitioned table means a new table.
  diff: {
    update: ["connection", "columns", "indexes", "allowForeignPartitions"],
    replace: ["name", "schema", "partitionKey"],
    deleteBeforeReplace: true,
  },
  validate: (news, olds) => [...validatePartitionedTableArgs(news), ...validateColumnEvolution(olds, news)],
  decode: readPartitionedTableInputs,
  decodeOutputs: noOutputs,
  idFor: qualifiedName,
  refuseAdopting: refuseUnplannedPartitions,
  refuseCreate: refuseOtherRelation,
  adoptable: true,

  async create(op, t) {
    await refuseOtherRelation(op, t);
    await withSession(op, t.connection, (s) => s.runAll(buildCreatePartitionedTableSql(t, t.columns, t.partitionKey, t.indexes)));
    return { id: qualifiedName(t), outputs: {} };
  },

  async read(op, _id, t) {
    return withSession(op, t.connection, async (s) => {
      const info = await readRelation(s, t);
      if (info?.kind !== "p") {
        return undefined;
      }
      return {
        ...t,
        partitionKey: (await readPartitionKey(s, info.oid)) ?? t.partitionKey,
        columns: await readColumns(s, info.oid, t.columns),
        indexes: await readIndexes(s, info.oid, t.indexes),
      };
    });
  },

  async update(op, _id, olds, news) {
    await withSession(op, news.connection, (s) => s.runAll(buildTableEvolutionSql(news, olds, news)));
    return {};
  },

  async delete(op, _id, t) {
    await withSession(op, t.connection, (s) => s.run(buildDropTableSql(t)));
  },
};
