/**
 * ArchiveTable: the table on an archive instance that holds one partition's
 * rows (the guide's Step 2): the parent's columns, a CHECK constraint pinning
 * it to its bounds, and the parent's indexes.
 */
import { runInTransaction, runStatement, withClient } from "../../db/client";
import { diffSpecs } from "../../diff/specs";
import { ColumnSpec, IndexSpec } from "../../model/types";
import { constraintSql } from "../../sql/catalog";
import {
  archiveIndex,
  boundsConstraintName,
  buildAddColumnSql,
  buildCreateArchiveTableSql,
  buildCreateIndexSql,
  buildDropIndexSql,
  buildDropTableSql,
  buildReplaceBoundsCheckSql,
} from "../../sql/tables";
import { validateColumnEvolution } from "../../validate/evolution";
import { validateArchiveTableArgs } from "../../validate/tables";
import { ResourceHandler } from "../handler";
import { connectionOf, firstRow, qualifiedId, schemaOf, tableOf } from "./common";
import { addedColumns, indexChanges, readColumns, readIndexes, readRelation } from "./relations";

/**
 * Bounds back from the CHECK constraint as pg_get_constraintdef prints it:
 * `CHECK (((k >= '2024-01-01'::date) AND (k < '2025-01-01'::date)))`, or for
 * integer keys `CHECK (((k >= 1) AND (k < 100)))` (numbers unquoted).
 */
export function parseBoundsCheck(def: string | undefined): { from: string; to: string } | undefined {
  const value = String.raw`('(?:[^']|'')*'|-?\d+(?:\.\d+)?)`;
  const from = new RegExp(String.raw`>=\s*` + value).exec(def ?? "");
  const to = new RegExp(String.raw`[^<]<\s*` + value).exec(def ?? "");
  const unquote = (v: string) => (v.startsWith("'") ? v.slice(1, -1).replace(/''/g, "'") : v);
  return from && to ? { from: unquote(from[1]), to: unquote(to[1]) } : undefined;
}

export const archiveTable: ResourceHandler = {
  spec: diffSpecs.ArchiveTable,
  validate: (news, olds) => [...validateArchiveTableArgs(news), ...validateColumnEvolution(olds, news)],
  defaults: (news) => ({ schema: "public", indexes: [], ...news }),
  idFor: qualifiedId,

  async create(label, inputs) {
    const statements = buildCreateArchiveTableSql(
      tableOf(inputs),
      inputs.columns as ColumnSpec[],
      inputs.partitionKey as string,
      { from: inputs.from as string, to: inputs.to as string },
      inputs.indexes as IndexSpec[],
    );
    await withClient(label, connectionOf(inputs), (client) => runInTransaction(label, client, statements));
    return { id: qualifiedId(inputs), outs: inputs };
  },

  async read(label, id, props) {
    return withClient(label, connectionOf(props), async (client) => {
      const info = await readRelation(client, schemaOf(props), props.name as string);
      if (!info || info.kind !== "r") {
        return undefined;
      }
      const check = await firstRow<{ def: string }>(client, constraintSql, [info.oid, boundsConstraintName(props.name as string)]);
      // A constraint dropped or changed by hand shows as missing bounds, which the next update restores.
      const bounds = parseBoundsCheck(check?.def) ?? { from: null, to: null };
      return {
        id,
        props: {
          ...props,
          ...bounds,
          columns: await readColumns(client, info.oid, props.columns as ColumnSpec[]),
          indexes: await readIndexes(client, info.oid, props.indexes as IndexSpec[], (ix) => archiveIndex(props.name as string, ix).name),
        },
      };
    });
  },

  async update(label, _id, olds, news) {
    const table = tableOf(news);
    const name = news.name as string;
    const { drop, create } = indexChanges(olds.indexes as IndexSpec[], news.indexes as IndexSpec[]);
    const statements = [
      ...addedColumns(olds.columns as ColumnSpec[], news.columns as ColumnSpec[]).map((c) => buildAddColumnSql(table, c)),
      ...drop.map((ix) => buildDropIndexSql(table, archiveIndex(name, ix).name)),
      ...create.map((ix) => buildCreateIndexSql(table, archiveIndex(name, ix))),
    ];
    if (olds.from !== news.from || olds.to !== news.to) {
      statements.push(
        ...buildReplaceBoundsCheckSql(table, news.partitionKey as string, { from: news.from as string, to: news.to as string }),
      );
    }
    await withClient(label, connectionOf(news), (client) => runInTransaction(label, client, statements));
    return news;
  },

  async delete(label, _id, props) {
    await withClient(label, connectionOf(props), (client) => runStatement(label, client, buildDropTableSql(tableOf(props))));
  },
};
