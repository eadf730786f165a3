/**
 * Pure builders for roles and privileges: CREATE/ALTER/DROP ROLE, GRANT and
 * REVOKE on databases, schemas, tables, sequences and foreign servers, and
 * the catalog queries that read them back. Values reach the text only
 * through quote.ts; catalog queries take `$n` parameters.
 */
import { TableName } from "../model/types";
import { quoteIdent, quoteLiteral, quoteQualified } from "./quote";

/** A role's attributes, as CREATE ROLE and pg_roles know them. */
export interface RoleAttributes {
  readonly login: boolean;
  readonly superuser: boolean;
  readonly createDatabase: boolean;
  readonly createRole: boolean;
  readonly inherit: boolean;
  readonly replication: boolean;
  /** -1: no limit. */
  readonly connectionLimit: number;
}

/**
 * What marks a role as made by one pgtier resource (its comment names the
 * resource's URN), so a rerun of that resource's interrupted create takes
 * it over, and no other resource (another stack's, say) does.
 */
export function roleComment(owner: string): string {
  return `managed by pgtier: ${owner}`;
}

/** The resource a role's comment says made it; undefined when pgtier did not. */
export function roleOwnerOf(comment: string | null): string | undefined {
  const prefix = roleComment("");
  return comment?.startsWith(prefix) ? comment.slice(prefix.length) : undefined;
}

/** The attribute keywords of CREATE/ALTER ROLE, in a stable order. */
function attributeClause(a: RoleAttributes): string {
  const flag = (on: boolean, word: string) => (on ? word : `NO${word}`);
  return [
    flag(a.login, "LOGIN"),
    flag(a.superuser, "SUPERUSER"),
    flag(a.createDatabase, "CREATEDB"),
    flag(a.createRole, "CREATEROLE"),
    flag(a.inherit, "INHERIT"),
    flag(a.replication, "REPLICATION"),
    `CONNECTION LIMIT ${Math.trunc(a.connectionLimit)}`,
  ].join(" ");
}

/** `CREATE ROLE name WITH ... PASSWORD '...'`, and the comment that names the resource that made it. */
export function buildCreateRoleSql(name: string, a: RoleAttributes, password: string | undefined, owner: string): string[] {
  const pw = password === undefined ? "" : ` PASSWORD ${quoteLiteral(password)}`;
  return [`CREATE ROLE ${quoteIdent(name)} WITH ${attributeClause(a)}${pw}`, buildCommentOnRoleSql(name, owner)];
}

/** `ALTER ROLE name WITH ...`, with the password when it is to be set. */
export function buildAlterRoleSql(name: string, a: RoleAttributes, password: string | undefined): string {
  const pw = password === undefined ? "" : ` PASSWORD ${quoteLiteral(password)}`;
  return `ALTER ROLE ${quoteIdent(name)} WITH ${attributeClause(a)}${pw}`;
}

/** `COMMENT ON ROLE name IS 'managed by pgtier: <urn>'`. */
export function buildCommentOnRoleSql(name: string, owner: string): string {
  return `COMMENT ON ROLE ${quoteIdent(name)} IS ${quoteLiteral(roleComment(owner))}`;
}

/**
 * Removing a role: its privileges in this database go first (`DROP OWNED`
 * drops objects it owns too, so the caller checks it owns none), then the
 * role. Privileges it holds in other databases make DROP ROLE fail, naming them.
 */
export function buildDropRoleSql(name: string): string[] {
  return [PRIVILEGES_LOCK_SQL, `DROP OWNED BY ${quoteIdent(name)}`, `DROP ROLE IF EXISTS ${quoteIdent(name)}`];
}

/** A role's attributes and comment by name. */
export const roleSql = `
SELECT r.rolcanlogin AS login, r.rolsuper AS superuser, r.rolcreatedb AS create_database,
       r.rolcreaterole AS create_role, r.rolinherit AS inherit, r.rolreplication AS replication,
       r.rolconnlimit AS connection_limit, shobj_description(r.oid, 'pg_authid') AS comment
  FROM pg_roles r
 WHERE r.rolname = $1`;

/** Which of the roles `$1` (a text array) exist. */
export const existingRolesSql = `SELECT rolname AS name FROM pg_roles WHERE rolname = ANY($1::text[])`;

/** What {@link roleSql} returns. */
export interface RoleRow {
  readonly login: boolean;
  readonly superuser: boolean;
  readonly create_database: boolean;
  readonly create_role: boolean;
  readonly inherit: boolean;
  readonly replication: boolean;
  readonly connection_limit: number;
  readonly comment: string | null;
}

/** The attributes of a {@link RoleRow}. */
export function roleAttributesOf(row: RoleRow): RoleAttributes {
  return {
    login: row.login,
    superuser: row.superuser,
    createDatabase: row.create_database,
    createRole: row.create_role,
    inherit: row.inherit,
    replication: row.replication,
    connectionLimit: Number(row.connection_limit),
  };
}

/** Relations in the current database a role owns, by name (at most a few, to name them in an error). */
export const ownedRelationsSql = `
SELECT n.nspname || '.' || c.relname AS name
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE c.relowner = (SELECT oid FROM pg_roles WHERE rolname = $1)
 ORDER BY 1 LIMIT 5`;

/** The kinds of object a Grant is on: @pulumi/postgresql's `objectType` values pgtier supports. */
export const GRANT_OBJECT_TYPES = ["database", "schema", "table", "sequence", "foreign_server"] as const;

/** One of {@link GRANT_OBJECT_TYPES}. */
export type GrantObjectType = (typeof GRANT_OBJECT_TYPES)[number];

/** The privileges PostgreSQL accepts on each kind of object. */
export const PRIVILEGES_BY_TYPE: Readonly<Record<GrantObjectType, readonly string[]>> = {
  database: ["CONNECT", "CREATE", "TEMPORARY"],
  schema: ["CREATE", "USAGE"],
  table: ["DELETE", "INSERT", "REFERENCES", "SELECT", "TRIGGER", "TRUNCATE", "UPDATE"],
  sequence: ["SELECT", "UPDATE", "USAGE"],
  foreign_server: ["USAGE"],
};

/** What a grant is on: one object, or (tables, sequences) every one in the schema. */
export interface GrantTarget {
  readonly objectType: GrantObjectType;
  /** The database (objectType database). */
  readonly database: string;
  /** The schema (schema, table, sequence). */
  readonly schema?: string;
  /** Names of the objects (schema: the schema itself; foreign_server: servers; empty table/sequence list: all in the schema). */
  readonly objects: readonly string[];
}

/** The `ON ...` clause for a grant target. */
function onClause(t: GrantTarget): string {
  const schema = t.schema ?? "public";
  switch (t.objectType) {
    case "database":
      return `DATABASE ${quoteIdent(t.database)}`;
    case "schema":
      return `SCHEMA ${quoteIdent(schema)}`;
    case "foreign_server":
      return `FOREIGN SERVER ${t.objects.map(quoteIdent).join(", ")}`;
    case "table":
    case "sequence": {
      const kind = t.objectType === "table" ? "TABLE" : "SEQUENCE";
      if (t.objects.length === 0) {
        return `ALL ${kind}S IN SCHEMA ${quoteIdent(schema)}`;
      }
      return `${kind} ${t.objects.map((o) => quoteQualified(schema, o)).join(", ")}`;
    }
  }
}

/**
 * The grant made exact: every privilege of `role` on the target revoked,
 * then `privileges` granted; run in one transaction, so the role never
 * holds fewer than both old and new have in common.
 */
export function buildGrantSql(t: GrantTarget, role: string, privileges: readonly string[], withGrantOption: boolean): string[] {
  return [PRIVILEGES_LOCK_SQL, ...exactGrantSql(t, role, privileges, withGrantOption)];
}

/** REVOKE ALL, then GRANT the list (none when it is empty); without the lock. */
function exactGrantSql(t: GrantTarget, role: string, privileges: readonly string[], withGrantOption: boolean): string[] {
  const revoke = buildRevokeSql(t, role);
  if (privileges.length === 0) {
    return [revoke];
  }
  const option = withGrantOption ? " WITH GRANT OPTION" : "";
  return [revoke, `GRANT ${[...privileges].sort().join(", ")} ON ${onClause(t)} TO ${quoteIdent(role)}${option}`];
}

/**
 * Taken first in every transaction that changes privileges: PostgreSQL
 * rewrites an object's whole ACL without locking it, so two grants on one
 * database or schema at once (a reader's and a writer's) fail with "tuple
 * concurrently updated". Held until the transaction ends.
 */
export const PRIVILEGES_LOCK_SQL = `SELECT pg_advisory_xact_lock(hashtext(${quoteLiteral("pgtier: privileges")}))`;

/** `REVOKE ALL ON ... FROM role`. */
export function buildRevokeSql(t: GrantTarget, role: string): string {
  return `REVOKE ALL ON ${onClause(t)} FROM ${quoteIdent(role)}`;
}

/**
 * Lets a role insert into a table (the target of a copy through
 * postgres_fdw, which logs in as it) until {@link buildTableGrantsSql}
 * gives the table its own grants again.
 */
export function buildGrantInsertSql(table: TableName, role: string): string[] {
  return [PRIVILEGES_LOCK_SQL, `GRANT INSERT ON ${quoteQualified(table.schema ?? "public", table.name)} TO ${quoteIdent(role)}`];
}

/** GRANT statements giving each role its privileges on one table (an archive table), after revoking what it had. */
export function buildTableGrantsSql(table: TableName, grants: readonly { role: string; privileges: readonly string[] }[]): string[] {
  const target: GrantTarget = { objectType: "table", database: "", schema: table.schema ?? "public", objects: [table.name] };
  const statements = grants.flatMap((g) => exactGrantSql(target, g.role, g.privileges, false));
  return statements.length > 0 ? [PRIVILEGES_LOCK_SQL, ...statements] : [];
}

/**
 * The privileges `$1` (a role name) holds directly on each object, as
 * `object` and `privilege` rows (grant option in `grantable`), for one
 * object type: `$2` the schema, `$3` the object names (null: every one in
 * the schema, tables and sequences). Defaults (a NULL acl) are expanded.
 */
export function privilegesSql(objectType: GrantObjectType): string {
  const acl = (column: string, kind: string, owner: string) =>
    `aclexplode(coalesce(${column}, acldefault(${quoteLiteral(kind)}, ${owner})))`;
  const grantee = `(SELECT oid FROM pg_roles WHERE rolname = $1)`;
  const select = `SELECT x.object, a.privilege_type AS privilege, a.is_grantable AS grantable`;
  switch (objectType) {
    case "database":
      return `${select} FROM (SELECT datname AS object, datacl AS acl, datdba AS owner FROM pg_database WHERE datname = $2) x,
  LATERAL ${acl("x.acl", "d", "x.owner")} a WHERE a.grantee = ${grantee}`;
    case "schema":
      return `${select} FROM (SELECT nspname AS object, nspacl AS acl, nspowner AS owner FROM pg_namespace WHERE nspname = $2) x,
  LATERAL ${acl("x.acl", "n", "x.owner")} a WHERE a.grantee = ${grantee}`;
    case "foreign_server":
      return `${select} FROM (SELECT srvname AS object, srvacl AS acl, srvowner AS owner FROM pg_foreign_server WHERE srvname = ANY($2::text[])) x,
  LATERAL ${acl("x.acl", "S", "x.owner")} a WHERE a.grantee = ${grantee}`;
    case "table":
    case "sequence": {
      const kinds = relkindsOf(objectType);
      return `${select} FROM (SELECT c.relname AS object, c.relacl AS acl, c.relowner AS owner
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
   WHERE n.nspname = $2 AND c.relkind IN ${kinds} AND ($3::text[] IS NULL OR c.relname = ANY($3::text[]))) x,
  LATERAL ${acl("x.acl", objectType === "table" ? "r" : "s", "x.owner")} a WHERE a.grantee = ${grantee}`;
    }
  }
}

/** The parameters of {@link privilegesSql} for a target: the role, then what the object type's query takes. */
export function privilegesParams(t: GrantTarget, role: string): unknown[] {
  switch (t.objectType) {
    case "database":
      return [role, t.database];
    case "schema":
      return [role, t.schema ?? "public"];
    case "foreign_server":
      return [role, [...t.objects]];
    default:
      return [role, t.schema ?? "public", t.objects.length ? [...t.objects] : null];
  }
}

/** Names of the objects of a target that exist (tables or sequences in the schema; every object for the other types). */
export function objectsSql(objectType: "table" | "sequence"): string {
  const kinds = relkindsOf(objectType);
  return `SELECT c.relname AS object FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE n.nspname = $1 AND c.relkind IN ${kinds} AND ($2::text[] IS NULL OR c.relname = ANY($2::text[])) ORDER BY 1`;
}

/** The pg_class kinds a table grant covers (tables, partitioned, foreign, views, materialized views) or a sequence grant. */
function relkindsOf(objectType: "table" | "sequence"): string {
  return objectType === "table" ? `('r','p','f','v','m')` : `('S')`;
}

/** A privilege row of {@link privilegesSql}. */
export interface PrivilegeRow {
  readonly object: string;
  readonly privilege: string;
  readonly grantable: boolean;
}

/**
 * The privileges held on every one of `objects` (what a Grant on all of them
 * holds), sorted; and whether each of those is held with grant option on all.
 */
export function commonPrivileges(rows: readonly PrivilegeRow[], objects: readonly string[]): { privileges: string[]; grantable: boolean } {
  if (objects.length === 0) {
    return { privileges: [], grantable: false };
  }
  const held = (object: string) => rows.filter((r) => r.object === object);
  const common = [...new Set(held(objects[0]).map((r) => r.privilege))].filter((p) =>
    objects.every((o) => held(o).some((r) => r.privilege === p)),
  );
  const grantable = common.length > 0 && rows.filter((r) => common.includes(r.privilege)).every((r) => r.grantable);
  return { privileges: common.sort(), grantable };
}
