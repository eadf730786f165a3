/** Database: one database on an instance. */
import { databaseExists } from "../../db/catalog";
import { withSession } from "../../db/client";
import { Reader } from "../../model/reader";
import { Connection, readConnection } from "../../model/types";
import { buildCreateDatabaseSql, buildDropDatabaseSql } from "../../sql/fdw";
import { validateDatabaseArgs } from "../../validate/fdw";
import { noOutputs, ResourceDefinition } from "../definition";

/** A database's inputs. */
export interface DatabaseInputs {
  /** Connection to the instance (any existing database). */
  readonly connection: Connection;
  readonly name: string;
}

function readDatabaseInputs(r: Reader): DatabaseInputs {
  return { connection: r.object("connection", readConnection), name: r.text("name") };
}

export const database: ResourceDefinition<DatabaseInputs, object> = {
  name: "Database",
  defaults: {},
  diff: { update: ["connection"], replace: ["name"], deleteBeforeReplace: true },
  validate: (news) => validateDatabaseArgs(news),
  decode: readDatabaseInputs,
  decodeOutputs: noOutputs,
  idFor: (d) => d.name,

  async create(op, d) {
    // CREATE DATABASE cannot run inside a transaction block; it is one statement anyway.
    await withSession(op, d.connection, (s) => s.run(buildCreateDatabaseSql(d.name)));
    return { id: d.name, outputs: {} };
  },

  async read(op, id, d) {
    return (await withSession(op, d.connection, (s) => databaseExists(s, id))) ? d : undefined;
  },

  async update(op, id, _olds, news) {
    if (!(await withSession(op, news.connection, (s) => databaseExists(s, id)))) {
      throw new Error(
        `${op.label}: database ${JSON.stringify(id)} is not on ${news.connection.host}:${news.connection.port}; run pulumi refresh so pgtier can recreate it`,
      );
    }
    return {};
  },

  async delete(op, id, d) {
    await withSession(op, d.connection, (s) => s.run(buildDropDatabaseSql(id)));
  },
};
