/**
 * UserMapping: the credentials postgres_fdw uses for one local role on one
 * server. Creating or changing it tests them: a mapping that cannot reach the
 * archive is refused and rolled back, with the reason.
 */
import { readUserMapping } from "../../db/catalog";
import { withSession } from "../../db/client";
import { Session, withDetail } from "../../db/session";
import { Reader } from "../../model/reader";
import { Connection, readConnection } from "../../model/types";
import { buildAlterUserMappingSql, buildCreateUserMappingSql, buildDropUserMappingSql, buildProbeSql } from "../../sql/fdw";
import { validateUserMappingArgs } from "../../validate/fdw";
import { noOutputs, ResourceDefinition } from "../definition";

/** A user mapping's inputs. */
export interface UserMappingInputs {
  /** The main instance's database. */
  readonly connection: Connection;
  readonly server: string;
  /** Local role, `PUBLIC` or `CURRENT_USER`; the connection's role when not given. */
  readonly localUser?: string;
  readonly remoteUser: string;
  /** None: libpq reads it from the server's passfile. */
  readonly password?: string;
}

function readUserMappingInputs(r: Reader): UserMappingInputs {
  return {
    connection: r.object("connection", readConnection),
    server: r.text("server"),
    localUser: r.optionalText("localUser"),
    // A refresh of a mapping whose user option was dropped by hand stores none (check requires one in inputs).
    remoteUser: r.optionalText("remoteUser") ?? "",
    password: r.optionalText("password"),
  };
}

/** The local role: the given one, or the role pgtier connects as. */
function localUserOf(m: UserMappingInputs): string {
  return m.localUser ?? m.connection.user;
}

function mappingOptions(m: UserMappingInputs): Record<string, string> {
  return m.password === undefined ? { user: m.remoteUser } : { user: m.remoteUser, password: m.password };
}

/** Runs `statements`, then a connection through the server, in one transaction. */
function applyAndProbe(s: Session, m: UserMappingInputs, statements: string[]): Promise<void> {
  return s.runThenProbe(
    statements,
    buildProbeSql(m.server),
    (e) =>
      `postgres_fdw could not use server ${JSON.stringify(m.server)} as ${JSON.stringify(m.remoteUser)}: ${withDetail(e)} — check the ForeignServer host/port (as the main instance sees them, e.g. the archive container's name on the shared network) and this mapping's remoteUser/password`,
  );
}

export const userMapping: ResourceDefinition<UserMappingInputs, object> = {
  name: "UserMapping",
  defaults: {},
  // ALTER USER MAPPING changes options; the role and server identify it.
  diff: { update: ["connection", "remoteUser", "password"], replace: ["server", "localUser"], deleteBeforeReplace: true },
  validate: (news) => validateUserMappingArgs(news),
  decode: readUserMappingInputs,
  decodeOutputs: noOutputs,
  idFor: (m) => `${localUserOf(m)}@${m.server}`,
  adoptable: true,

  async create(op, m) {
    const sql = buildCreateUserMappingSql(localUserOf(m), m.server, mappingOptions(m));
    await withSession(op, m.connection, (s) => applyAndProbe(s, m, [sql]));
    return { id: `${localUserOf(m)}@${m.server}`, outputs: {} };
  },

  async read(op, _id, m) {
    const role = localUserOf(m) === "PUBLIC" ? "public" : localUserOf(m);
    const found = await withSession(op, m.connection, (s) => readUserMapping(s, m.server, role));
    // A password set by hand where the program reads it from a passfile shows as drift; one removed by hand is left unseen.
    return found && { ...m, remoteUser: found.user ?? "", password: found.password ?? m.password };
  },

  async update(op, _id, olds, news) {
    const sql = buildAlterUserMappingSql(localUserOf(news), news.server, mappingOptions(olds), mappingOptions(news));
    await withSession(op, news.connection, (s) => applyAndProbe(s, news, sql ? [sql] : []));
    return {};
  },

  async delete(op, _id, m) {
    await withSession(op, m.connection, (s) => s.run(buildDropUserMappingSql(localUserOf(m), m.server)));
  },
};
