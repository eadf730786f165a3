/** ForeignServer: a postgres_fdw server on the main instance pointing at an archive instance. */
import { readServerOptions } from "../../db/catalog";
import { withSession } from "../../db/client";
import { Reader } from "../../model/reader";
import { Connection, readConnection } from "../../model/types";
import { buildAlterServerSql, buildCreateServerSql, buildDropServerSql, serverOptions } from "../../sql/fdw";
import { validateForeignServerArgs } from "../../validate/fdw";
import { noOutputs, ResourceDefinition } from "../definition";

/** A foreign server's inputs (defaults applied). */
export interface ForeignServerInputs {
  /** The main instance's database. */
  readonly connection: Connection;
  readonly name: string;
  /** Archive host as the main instance sees it. */
  readonly host: string;
  readonly port: number;
  readonly dbname: string;
  /** postgres_fdw and libpq options besides host, port and dbname. */
  readonly options: Readonly<Record<string, string>>;
}

function readForeignServerInputs(r: Reader): ForeignServerInputs {
  return {
    connection: r.object("connection", readConnection),
    name: r.text("name"),
    // A refresh of a server whose host, port or dbname option was dropped by hand stores none (check requires them in inputs).
    host: r.optionalText("host") ?? "",
    port: r.optionalNumber("port") ?? 0,
    dbname: r.optionalText("dbname") ?? "",
    options: r.textMap("options"),
  };
}

export const foreignServer: ResourceDefinition<ForeignServerInputs, object> = {
  name: "ForeignServer",
  defaults: { options: {} },
  // ALTER SERVER can rename and change options; only the wrapper cannot change.
  diff: { update: ["connection", "name", "host", "port", "dbname", "options"], replace: [] },
  validate: (news) => validateForeignServerArgs(news),
  decode: readForeignServerInputs,
  decodeOutputs: noOutputs,
  idFor: (server) => server.name,
  adoptable: true,

  async create(op, server) {
    await withSession(op, server.connection, (s) => s.run(buildCreateServerSql(server.name, serverOptions(server))));
    return { id: server.name, outputs: {} };
  },

  async read(op, _id, server) {
    const found = await withSession(op, server.connection, (s) => readServerOptions(s, server.name));
    if (!found) {
      return undefined;
    }
    const { host = "", port = "0", dbname = "", ...options } = found;
    return { ...server, host, port: Number(port), dbname, options };
  },

  async update(op, _id, olds, news) {
    await withSession(op, news.connection, (s) =>
      s.runAll(buildAlterServerSql(olds.name, news.name, serverOptions(olds), serverOptions(news))),
    );
    return {};
  },

  async delete(op, _id, server) {
    await withSession(op, server.connection, (s) => s.run(buildDropServerSql(server.name)));
  },
};
