/** PartitionedTable: the parent table applications query, partitioned by range on one column. */
import { runInTransaction, runStatement, withClient } from "../../db/client";
import { diffSpecs } from "../../diff/specs";
import { ColumnSpec, IndexSpec } from "../../model/types";
import { partitionKeySql } from "../../sql/catalog";
import {
  buildAddColumnSql,
  buildCreateIndexSql,
  buildCreatePartitionedTableSql,
  buildDropIndexSql,
  buildDropTableSql,
} from "../../sql/tables";
import { validateColumnEvolution } from "../../validate/evolution";
import { validatePartitionedTableArgs } from "../../validate/tables";
import { ResourceHandler } from "../handler";
import { connectionOf, firstRow, qualifiedId, schemaOf, tableOf } from "./common";
import { addedColumns, indexChanges, readColumns, readIndexes, readRelation } from "./relations";

export const partitionedTable: ResourceHandler = {
  spec: diffSpecs.PartitionedTable,
  validate: (news, olds) => [...validatePartitionedTableArgs(news), ...validateColumnEvolution(olds, news)],
  defaults: (news) => ({ schema: "public", indexes: [], allowForeignPartitions: true, ...news }),
  idFor: qualifiedId,

  async create(label, inputs) {
    const statements = buildCreatePartitionedTableSql(
      tableOf(inputs),
      inputs.columns as ColumnSpec[],
      inputs.partitionKey as string,
      inputs.indexes as IndexSpec[],
    );
    await withClient(label, connectionOf(inputs), (client) => runInTransaction(label, client, statements));
    return { id: qualifiedId(inputs), outs: inputs };
  },

  async read(label, id, props) {
    return withClient(label, connectionOf(props), async (client) => {
      const info = await readRelation(client, schemaOf(props), props.name as string);
      if (!info || info.kind !== "p") {
        return undefined;
      }
      const key = await firstRow<{ key: string }>(client, partitionKeySql, [info.oid]);
      return {
        id,
        props: {
          ...props,
          partitionKey: key?.key ?? props.partitionKey,
          columns: await readColumns(client, info.oid, props.columns as ColumnSpec[]),
          indexes: await readIndexes(client, info.oid, props.indexes as IndexSpec[]),
        },
      };
    });
  },

  async update(label, _id, olds, news) {
    const table = tableOf(news);
    const { drop, create } = indexChanges(olds.indexes as IndexSpec[], news.indexes as IndexSpec[]);
    const statements = [
      ...addedColumns(olds.columns as ColumnSpec[], news.columns as ColumnSpec[]).map((c) => buildAddColumnSql(table, c)),
      ...drop.map((ix) => buildDropIndexSql(table, ix.name)),
      ...create.map((ix) => buildCreateIndexSql(table, ix)),
    ];
    await withClient(label, connectionOf(news), (client) => runInTransaction(label, client, statements));
    return news;
  },

  async delete(label, _id, props) {
    await withClient(label, connectionOf(props), (client) => runStatement(label, client, buildDropTableSql(tableOf(props))));
  },
};
