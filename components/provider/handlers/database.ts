/** Database: one database on an instance. */
import { runStatement, withClient } from "../../db/client";
import { diffSpecs } from "../../diff/specs";
import { databaseSql } from "../../sql/catalog";
import { buildCreateDatabaseSql, buildDropDatabaseSql } from "../../sql/fdw";
import { validateDatabaseArgs } from "../../validate/fdw";
import { ResourceHandler } from "../handler";
import { connectionOf, firstRow } from "./common";

export const database: ResourceHandler = {
  spec: diffSpecs.Database,
  validate: (news) => validateDatabaseArgs(news),
  idFor: (inputs) => inputs.name as string,

  async create(label, inputs) {
    const name = inputs.name as string;
    // CREATE DATABASE cannot run inside a transaction block; it is one statement anyway.
    await withClient(label, connectionOf(inputs), (client) => runStatement(label, client, buildCreateDatabaseSql(name)));
    return { id: name, outs: inputs };
  },

  async read(label, id, props) {
    const row = await withClient(label, connectionOf(props), (client) => firstRow(client, databaseSql, [id]));
    return row ? { id, props } : undefined;
  },

  async update(label, id, _olds, news) {
    const row = await withClient(label, connectionOf(news), (client) => firstRow(client, databaseSql, [id]));
    if (!row) {
      throw new Error(
        `${label}: database ${JSON.stringify(id)} is not on ${connectionOf(news).host}:${connectionOf(news).port}; run pulumi refresh so pgtier can recreate it`,
      );
    }
    return news;
  },

  async delete(label, id, props) {
    await withClient(label, connectionOf(props), (client) => runStatement(label, client, buildDropDatabaseSql(id)));
  },
};
