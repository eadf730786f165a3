/**
 * Grant: exactly these privileges for one role on a database, a schema,
 * tables, sequences or foreign servers (named as @pulumi/postgresql's Grant
 * names them). Create and update revoke what the role held there and grant
 * the list, in one transaction; delete revokes. Refresh reads the role's
 * privileges back, so one revoked or added by hand shows as drift.
 */
import { withSession } from "../../db/client";
import { Session } from "../../db/session";
import { Reader } from "../../model/reader";
import { Connection, readConnection } from "../../model/types";
import {
  buildGrantSql,
  buildRevokeSql,
  commonPrivileges,
  GRANT_OBJECT_TYPES,
  GrantObjectType,
  GrantTarget,
  objectsSql,
  PrivilegeRow,
  privilegesParams,
  privilegesSql,
  PRIVILEGES_LOCK_SQL,
  roleSql,
} from "../../sql/roles";
import { validateGrantArgs } from "../../validate/roles";
import { noOutputs, ResourceDefinition } from "../definition";

/** A grant's inputs (defaults applied). */
export interface GrantInputs {
  readonly connection: Connection;
  /** The database (objectType database); the connection's when not given. */
  readonly database?: string;
  readonly role: string;
  /** Schema of the objects (schema, table, sequence); public when not given. */
  readonly schema?: string;
  readonly objectType: GrantObjectType;
  /** Table, sequence or server names; for tables and sequences none means every one in the schema. */
  readonly objects: readonly string[];
  readonly privileges: readonly string[];
  readonly withGrantOption: boolean;
}

function readGrantInputs(r: Reader): GrantInputs {
  return {
    connection: r.object("connection", readConnection),
    database: r.optionalText("database"),
    role: r.text("role"),
    schema: r.optionalText("schema"),
    objectType: r.oneOf("objectType", GRANT_OBJECT_TYPES),
    objects: r.textList("objects"),
    privileges: r.textList("privileges"),
    withGrantOption: r.flag("withGrantOption"),
  };
}

function targetOf(g: GrantInputs): GrantTarget {
  return { objectType: g.objectType, database: g.database ?? g.connection.database, schema: g.schema, objects: g.objects };
}

/** `role@database/schema:objectType(objects)`: what the grant is of, on what. */
function idOf(g: GrantInputs): string {
  const t = targetOf(g);
  const where = t.objectType === "database" ? t.database : t.objectType === "foreign_server" ? "" : `/${t.schema ?? "public"}`;
  return `${g.role}@${t.database}${where}:${t.objectType}${g.objects.length ? `(${g.objects.join(",")})` : ""}`;
}

/** The objects a grant covers now: the named ones that exist, or every table (sequence) in the schema. */
async function objectsNow(s: Session, g: GrantInputs): Promise<string[]> {
  const t = targetOf(g);
  switch (t.objectType) {
    case "database":
      return [t.database];
    case "schema":
      return [t.schema ?? "public"];
    case "foreign_server":
      return [...t.objects];
    default: {
      const rows = await s.rows<{ object: string }>(objectsSql(t.objectType), [t.schema ?? "public", t.objects.length ? t.objects : null]);
      return rows.map((r) => r.object);
    }
  }
}

/** The privileges the role holds on every object the grant covers. */
async function readHeld(
  s: Session,
  g: GrantInputs,
): Promise<{ privileges: string[]; grantable: boolean; missing: string[]; covered: number }> {
  const t = targetOf(g);
  const objects = await objectsNow(s, g);
  const missing = t.objectType === "table" || t.objectType === "sequence" ? t.objects.filter((o) => !objects.includes(o)) : [];
  const rows = await s.rows<PrivilegeRow>(privilegesSql(t.objectType), privilegesParams(t, g.role));
  return { ...commonPrivileges(rows, objects), missing, covered: objects.length };
}

/** Grants exactly the list, in one transaction. */
function apply(s: Session, g: GrantInputs): Promise<void> {
  return s.runAll(buildGrantSql(targetOf(g), g.role, g.privileges, g.withGrantOption));
}

export const grant: ResourceDefinition<GrantInputs, object> = {
  name: "Grant",
  defaults: { objects: [], withGrantOption: false },
  diff: {
    update: ["connection", "privileges", "withGrantOption"],
    replace: ["database", "role", "schema", "objectType", "objects"],
  },
  validate: (news) => validateGrantArgs(news),
  decode: readGrantInputs,
  decodeOutputs: noOutputs,

  async create(op, g) {
    await withSession(op, g.connection, (s) => apply(s, g));
    return { id: idOf(g), outputs: {} };
  },

  async read(op, _id, g) {
    return withSession(op, g.connection, async (s) => {
      const held = await readHeld(s, g);
      if (held.missing.length === g.objects.length && g.objects.length > 0) {
        // Every named table is gone: so is the grant.
        return undefined;
      }
      if (held.covered === 0) {
        // No table (sequence) in the schema yet: nothing can have drifted.
        return { ...g };
      }
      // Privileges the list does not name, or that a table dropped and made again lacks, show as drift.
      const same = held.missing.length === 0 && held.privileges.join() === [...g.privileges].sort().join();
      return {
        ...g,
        privileges: same ? g.privileges : held.missing.length > 0 ? [] : held.privileges,
        withGrantOption: held.privileges.length > 0 && held.grantable,
      };
    });
  },

  async update(op, _id, _olds, news) {
    await withSession(op, news.connection, (s) => apply(s, news));
    return {};
  },

  async delete(op, _id, g) {
    await withSession(op, g.connection, async (s) => {
      const t = targetOf(g);
      // Objects already gone (a table dropped, a server removed) took their privileges with them.
      const objects = await objectsNow(s, g);
      if (objects.length > 0 && (await roleExists(s, g.role))) {
        await s.runAll([
          PRIVILEGES_LOCK_SQL,
          buildRevokeSql(
            { ...t, objects: t.objectType === "database" || t.objectType === "schema" ? [] : t.objects.filter((o) => objects.includes(o)) },
            g.role,
          ),
        ]);
      }
    });
  },
};

async function roleExists(s: Session, role: string): Promise<boolean> {
  return (await s.first(roleSql, [role])) !== undefined;
}
