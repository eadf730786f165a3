/**
 * Role: a login role (or group role) on one instance, e.g. postgres_fdw's
 * reader and writer on an archive instance. Attributes change in place with
 * ALTER ROLE; a password not given is generated once and kept as a secret
 * output. Refresh sees attributes changed by hand.
 */
import { randomBytes } from "node:crypto";
import { withSession } from "../../db/client";
import { Session } from "../../db/session";
import { Reader } from "../../model/reader";
import { Connection, readConnection } from "../../model/types";
import {
  buildAlterRoleSql,
  buildCommentOnRoleSql,
  buildCreateRoleSql,
  buildDropRoleSql,
  ownedRelationsSql,
  roleOwnerOf,
  RoleAttributes,
  roleAttributesOf,
  RoleRow,
  roleSql,
} from "../../sql/roles";
import { validateRoleArgs } from "../../validate/roles";
import { ResourceDefinition } from "../definition";

/** A role's inputs (defaults applied). */
export interface RoleInputs extends RoleAttributes {
  /** Any database of the instance (roles belong to the whole instance). */
  readonly connection: Connection;
  readonly name: string;
  /** The password to set; one is generated when not given. */
  readonly password?: string;
  /** Take over a role of this name that pgtier did not make. */
  readonly adopt?: boolean;
}

/** What the provider records. */
export interface RoleOutputs {
  /** The password the role logs in with: `password`, or the one generated. */
  readonly loginPassword?: string;
}

/** The defaults: those of @pulumi/postgresql's Role, where it has the same argument. */
export const ROLE_DEFAULTS = Object.freeze({
  login: false,
  superuser: false,
  createDatabase: false,
  createRole: false,
  inherit: true,
  replication: false,
  connectionLimit: -1,
});

function readRoleInputs(r: Reader): RoleInputs {
  return {
    connection: r.object("connection", readConnection),
    name: r.text("name"),
    login: r.flag("login"),
    superuser: r.flag("superuser"),
    createDatabase: r.flag("createDatabase"),
    createRole: r.flag("createRole"),
    inherit: r.flag("inherit"),
    replication: r.flag("replication"),
    connectionLimit: r.number("connectionLimit"),
    password: r.optionalText("password"),
    adopt: r.optionalFlag("adopt"),
  };
}

/** A password for a role whose program gives none: 32 characters of base64url (192 random bits), safe in any libpq option. */
export function generatePassword(): string {
  return randomBytes(24).toString("base64url");
}

function readRoleRow(s: Session, name: string): Promise<RoleRow | undefined> {
  return s.first<RoleRow>(roleSql, [name]);
}

export const role: ResourceDefinition<RoleInputs, RoleOutputs> = {
  name: "Role",
  defaults: ROLE_DEFAULTS,
  diff: {
    update: ["connection", "login", "superuser", "createDatabase", "createRole", "inherit", "replication", "connectionLimit", "password"],
    replace: ["name"],
  },
  validate: (news) => validateRoleArgs(news),
  decode: readRoleInputs,
  decodeOutputs: (r) => ({ loginPassword: r.optionalText("loginPassword") }),

  /**
   * Creates the role; one of the name that pgtier made (a rerun after an
   * interrupted create) is taken over, with a new password; any other is
   * refused unless `adopt` is set.
   */
  async create(op, inputs) {
    const loginPassword = inputs.password ?? generatePassword();
    const owner = op.urn ?? op.label;
    await withSession(op, inputs.connection, async (s) => {
      const found = await readRoleRow(s, inputs.name);
      const madeBy = found ? roleOwnerOf(found.comment) : undefined;
      if (found && madeBy !== owner && !inputs.adopt) {
        const who = madeBy
          ? `another pgtier resource made it (${madeBy}), and two resources cannot share a role`
          : "pgtier did not create it";
        throw new Error(
          `${op.label}: role ${JSON.stringify(inputs.name)} already exists on ${inputs.connection.host}:${inputs.connection.port} and ${who}; ` +
            `give this Role another name (a TieredTable's fdwRoles.reader/writer), or set adopt to take it over (its attributes and password become the program's) — nothing was changed`,
        );
      }
      await s.runAll(
        found
          ? [buildAlterRoleSql(inputs.name, inputs, loginPassword), buildCommentOnRoleSql(inputs.name, owner)]
          : buildCreateRoleSql(inputs.name, inputs, loginPassword, owner),
      );
    });
    return { id: inputs.name, outputs: { loginPassword } };
  },

  async read(op, id, inputs, stored) {
    const found = await withSession(op, inputs.connection, (s) => readRoleRow(s, id));
    // The password cannot be read back (PostgreSQL keeps a hash); the one recorded stays.
    return found && { ...inputs, ...roleAttributesOf(found), name: id, loginPassword: stored?.loginPassword };
  },

  async update(op, id, olds, news) {
    // A new password when the program's changed (given, changed, or no longer given: generated again).
    const changed = olds.password !== news.password || olds.loginPassword === undefined;
    const loginPassword = changed ? (news.password ?? generatePassword()) : olds.loginPassword;
    await withSession(op, news.connection, (s) => s.runAll([buildAlterRoleSql(id, news, changed ? loginPassword : undefined)]));
    return { loginPassword };
  },

  async delete(op, id, state) {
    await withSession(op, state.connection, async (s) => {
      if (!(await readRoleRow(s, id))) {
        return;
      }
      const owned = (await s.rows<{ name: string }>(ownedRelationsSql, [id])).map((r) => r.name);
      if (owned.length > 0) {
        throw new Error(
          `${op.label}: role ${JSON.stringify(id)} owns ${owned.join(", ")} on ${state.connection.database}; ` +
            `give them to another role first (REASSIGN OWNED BY ${id} TO postgres), then run pulumi up again — nothing was dropped`,
        );
      }
      await s.runAll(buildDropRoleSql(id));
    });
  },
};
