/**
 * The roles postgres_fdw logs in as on an archive instance (the guide's
 * "dedicated FDW accounts"): a reader and a writer per table, each a Role
 * with a generated password, allowed to connect and to use the archive
 * schema. Only creates resources, under the given parent.
 */
import * as pulumi from "@pulumi/pulumi";
import { TableGrant } from "./model/rotation";
import { PostgresInstance } from "./resources/postgres-instance";
import { ConnectionArgs } from "./resources/common";
import { PasswordFile } from "./resources/fdw";
import { Grant, Role } from "./resources/roles";

/** Which roles postgres_fdw uses, and where it may write. */
export interface FdwRolesArgs {
  /**
   * The reader's name on every archive instance: SELECT on each archive table.
   * @default "<table>_fdw_reader"
   */
  readonly reader?: string;
  /**
   * The writer's name: SELECT, INSERT, UPDATE and DELETE on each archive table.
   * @default "<table>_fdw_writer"
   */
  readonly writer?: string;
  /**
   * Archive keys whose user mapping logs in as the writer, so INSERT,
   * UPDATE and DELETE through the table reach them. Elsewhere the mapping
   * is the reader's and such DML fails with PostgreSQL's `permission denied
   * for table ...` from the archive. Every archive uses the writer when the
   * rotation copies with `copyMethod: "fdw"` (it inserts through the mapping).
   * @default [] (every archive read-only)
   */
  readonly writable?: readonly string[];
  /**
   * Keep the roles' passwords in a password file on the main instance (the
   * guide's .pgpass, a {@link PasswordFile}) that the foreign servers read
   * (`passfile`), instead of in the user mappings. postgres_fdw allows that
   * only for mappings of superuser local roles, which pgtier's are (the
   * admin role of a container).
   * @default false
   */
  readonly passwordFile?: boolean;
}

/** The privileges of each role on an archive table. */
export const READER_PRIVILEGES = ["SELECT"] as const;
export const WRITER_PRIVILEGES = ["DELETE", "INSERT", "SELECT", "UPDATE"] as const;

/** The reader and writer names for a table. */
export function fdwRoleNames(table: string, args: FdwRolesArgs = {}): { reader: string; writer: string } {
  return { reader: args.reader ?? `${table}_fdw_reader`, writer: args.writer ?? `${table}_fdw_writer` };
}

/** The grants every archive table gets. */
export function archiveTableGrants(names: { reader: string; writer: string }): TableGrant[] {
  return [
    { role: names.reader, privileges: [...READER_PRIVILEGES] },
    { role: names.writer, privileges: [...WRITER_PRIVILEGES] },
  ];
}

/** Who a user mapping logs in as on one archive, and what must exist first. */
export interface MappedRole {
  readonly user: string;
  /** The mapping's password; none when the main instance's password file holds it. */
  readonly password?: pulumi.Output<string>;
  /** The roles and their grants, which the mapping (and every partition after it) waits for. */
  readonly dependsOn: pulumi.Resource[];
}

/**
 * On one archive instance: the reader and writer, each allowed to connect to
 * its database and use `schema`; returns the role the mapping uses.
 */
export function wireFdwRoles(
  name: string,
  parent: pulumi.Resource,
  archive: PostgresInstance,
  names: { reader: string; writer: string },
  writable: boolean,
  schema = "public",
): MappedRole {
  const connection = archive.connection;
  const made: Record<string, { role: Role; grants: Grant[] }> = {};
  for (const [kind, roleName] of Object.entries(names)) {
    const role = new Role(`${name}-fdw-${kind}`, { connection, name: roleName, login: true }, { parent });
    const grants = [
      new Grant(
        `${name}-fdw-${kind}-connect`,
        { connection, role: roleName, objectType: "database", privileges: ["CONNECT"] },
        { parent, dependsOn: [role] },
      ),
      new Grant(
        `${name}-fdw-${kind}-usage`,
        { connection, role: roleName, objectType: "schema", schema, privileges: ["USAGE"] },
        { parent, dependsOn: [role] },
      ),
    ];
    made[kind] = { role, grants };
  }
  const used = made[writable ? "writer" : "reader"];
  // Both roles before the mapping, and so before any partition: archive tables are granted to both.
  const all = Object.values(made).flatMap((m) => [m.role, ...m.grants]);
  return { user: writable ? names.writer : names.reader, password: used.role.loginPassword, dependsOn: all };
}

/**
 * The main instance's password file with every mapped role's password; the
 * mapped roles then carry none (their mappings hold only the user) and wait
 * for the file.
 */
export function wirePasswordFile(
  name: string,
  parent: pulumi.Resource,
  main: pulumi.Input<ConnectionArgs>,
  archives: Readonly<Record<string, PostgresInstance>>,
  mapped: Record<string, MappedRole>,
): PasswordFile {
  const file = new PasswordFile(
    `${name}-passfile`,
    {
      connection: main,
      entries: Object.entries(mapped).map(([key, role]) => ({
        host: archives[key].internalEndpoint.host,
        port: archives[key].internalEndpoint.port,
        database: archives[key].database,
        user: role.user,
        password: role.password!,
      })),
    },
    { parent, dependsOn: Object.values(mapped).flatMap((m) => m.dependsOn) },
  );
  for (const [key, role] of Object.entries(mapped)) {
    mapped[key] = { user: role.user, dependsOn: [...role.dependsOn, file] };
  }
  return file;
}
