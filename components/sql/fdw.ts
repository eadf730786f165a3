/** Pure builders for postgres_fdw objects: extension, server, user mapping, foreign partition. */
import { Bounds, TableName } from "../model/types";
import { buildBoundsClause } from "./tables";
import { quoteIdent, quoteLiteral, quoteQualified } from "./quote";

/** `OPTIONS (k 'v', ...)`, keys sorted so the text is stable; empty when there are none. */
export function buildOptionsClause(options: Readonly<Record<string, string>>): string {
  const keys = Object.keys(options).sort();
  if (keys.length === 0) {
    return "";
  }
  return ` OPTIONS (${keys.map((k) => `${quoteIdent(k)} ${quoteLiteral(options[k])}`).join(", ")})`;
}

/**
 * `OPTIONS (ADD k 'v', SET k 'v', DROP k)`: moves an object's options from
 * `olds` to `news`. Undefined when nothing changes.
 */
export function buildAlterOptionsClause(
  olds: Readonly<Record<string, string>>,
  news: Readonly<Record<string, string>>,
): string | undefined {
  const parts: string[] = [];
  for (const k of Object.keys(news).sort()) {
    if (!(k in olds)) {
      parts.push(`ADD ${quoteIdent(k)} ${quoteLiteral(news[k])}`);
    } else if (olds[k] !== news[k]) {
      parts.push(`SET ${quoteIdent(k)} ${quoteLiteral(news[k])}`);
    }
  }
  for (const k of Object.keys(olds).sort()) {
    if (!(k in news)) {
      parts.push(`DROP ${quoteIdent(k)}`);
    }
  }
  return parts.length ? `OPTIONS (${parts.join(", ")})` : undefined;
}

/** `CREATE EXTENSION name [WITH SCHEMA s]`. */
export function buildCreateExtensionSql(name: string, schema?: string): string {
  return `CREATE EXTENSION ${quoteIdent(name)}${schema ? ` WITH SCHEMA ${quoteIdent(schema)}` : ""}`;
}

/** `ALTER EXTENSION name UPDATE TO 'version'`. */
export function buildUpdateExtensionSql(name: string, version: string): string {
  return `ALTER EXTENSION ${quoteIdent(name)} UPDATE TO ${quoteLiteral(version)}`;
}

/** `DROP EXTENSION name`. */
export function buildDropExtensionSql(name: string): string {
  return `DROP EXTENSION IF EXISTS ${quoteIdent(name)}`;
}

/** Where a foreign server points, and its other options. */
export interface ServerAddress {
  readonly host: string;
  readonly port: number;
  readonly dbname: string;
  readonly options: Readonly<Record<string, string>>;
}

/** All server options as PostgreSQL stores them: host, port, dbname and the rest. */
export function serverOptions(s: ServerAddress): Record<string, string> {
  return { ...s.options, host: s.host, port: String(s.port), dbname: s.dbname };
}

/** `CREATE SERVER name FOREIGN DATA WRAPPER postgres_fdw OPTIONS (...)`. */
export function buildCreateServerSql(name: string, options: Readonly<Record<string, string>>): string {
  return `CREATE SERVER ${quoteIdent(name)} FOREIGN DATA WRAPPER postgres_fdw${buildOptionsClause(options)}`;
}

/** In-place changes to a server: rename, then options. */
export function buildAlterServerSql(
  oldName: string,
  newName: string,
  olds: Readonly<Record<string, string>>,
  news: Readonly<Record<string, string>>,
): string[] {
  const statements: string[] = [];
  if (oldName !== newName) {
    statements.push(`ALTER SERVER ${quoteIdent(oldName)} RENAME TO ${quoteIdent(newName)}`);
  }
  const clause = buildAlterOptionsClause(olds, news);
  if (clause) {
    statements.push(`ALTER SERVER ${quoteIdent(newName)} ${clause}`);
  }
  return statements;
}

/** `DROP SERVER IF EXISTS name` (no CASCADE: dependents are separate resources, deleted first). */
export function buildDropServerSql(name: string): string {
  return `DROP SERVER IF EXISTS ${quoteIdent(name)}`;
}

/** The role a user mapping is for: a role name, or the keywords CURRENT_USER / PUBLIC. */
function mappingRole(localUser: string): string {
  return localUser === "PUBLIC" || localUser === "CURRENT_USER" ? localUser : quoteIdent(localUser);
}

/** `CREATE USER MAPPING FOR role SERVER s OPTIONS (user '...', password '...')`. */
export function buildCreateUserMappingSql(localUser: string, server: string, options: Readonly<Record<string, string>>): string {
  return `CREATE USER MAPPING FOR ${mappingRole(localUser)} SERVER ${quoteIdent(server)}${buildOptionsClause(options)}`;
}

/** `ALTER USER MAPPING ... OPTIONS (SET ...)`; undefined when nothing changes. */
export function buildAlterUserMappingSql(
  localUser: string,
  server: string,
  olds: Readonly<Record<string, string>>,
  news: Readonly<Record<string, string>>,
): string | undefined {
  const clause = buildAlterOptionsClause(olds, news);
  return clause && `ALTER USER MAPPING FOR ${mappingRole(localUser)} SERVER ${quoteIdent(server)} ${clause}`;
}

/** `DROP USER MAPPING FOR role SERVER s`. */
export function buildDropUserMappingSql(localUser: string, server: string): string {
  return `DROP USER MAPPING IF EXISTS FOR ${mappingRole(localUser)} SERVER ${quoteIdent(server)}`;
}

/**
 * `CREATE FOREIGN TABLE name PARTITION OF parent FOR VALUES ... SERVER s
 * OPTIONS (schema_name, table_name, ...)`: the guide's Step 3. Columns come
 * from the parent.
 */
export function buildCreateForeignPartitionSql(
  parent: TableName,
  partition: TableName,
  bounds: Bounds,
  server: string,
  options: Readonly<Record<string, string>>,
): string[] {
  return [
    `CREATE FOREIGN TABLE ${quoteQualified(partition.schema, partition.name)} PARTITION OF ${quoteQualified(parent.schema, parent.name)}\n  ${buildBoundsClause(bounds)}\n  SERVER ${quoteIdent(server)}${buildOptionsClause(options)}`,
  ];
}

/** `ALTER FOREIGN TABLE name OPTIONS (...)`; undefined when nothing changes. */
export function buildAlterForeignTableOptionsSql(
  table: TableName,
  olds: Readonly<Record<string, string>>,
  news: Readonly<Record<string, string>>,
): string | undefined {
  const clause = buildAlterOptionsClause(olds, news);
  return clause && `ALTER FOREIGN TABLE ${quoteQualified(table.schema, table.name)} ${clause}`;
}

/** `DROP FOREIGN TABLE name`: only the definition on the main instance; the archive keeps its rows. */
export function buildDropForeignTableSql(table: TableName): string {
  return `DROP FOREIGN TABLE IF EXISTS ${quoteQualified(table.schema, table.name)}`;
}

/** `CREATE DATABASE name`. */
export function buildCreateDatabaseSql(name: string): string {
  return `CREATE DATABASE ${quoteIdent(name)}`;
}

/** `DROP DATABASE name`. */
export function buildDropDatabaseSql(name: string): string {
  return `DROP DATABASE IF EXISTS ${quoteIdent(name)}`;
}

/** `ALTER ROLE name PASSWORD '...'`: used when an instance's password changes in place. */
export function buildAlterRolePasswordSql(role: string, password: string): string {
  return `ALTER ROLE ${quoteIdent(role)} PASSWORD ${quoteLiteral(password)}`;
}

/** Name of the throwaway foreign table used to test a server and mapping. */
export const PROBE_TABLE = "pgtier_probe";

/**
 * A probe that makes postgres_fdw open a connection with the current user's
 * mapping: a column-less foreign table over a catalog every server has. Run
 * inside a transaction that is then rolled back or the table dropped.
 */
export function buildProbeSql(server: string): string[] {
  return [
    `CREATE FOREIGN TABLE ${quoteIdent(PROBE_TABLE)} () SERVER ${quoteIdent(server)} OPTIONS (schema_name 'pg_catalog', table_name 'pg_am')`,
    `SELECT count(*) FROM ${quoteIdent(PROBE_TABLE)}`,
    `DROP FOREIGN TABLE ${quoteIdent(PROBE_TABLE)}`,
  ];
}

/** Reads one row through a foreign table, so a missing remote table or unreachable server shows now. */
export function buildForeignTableProbeSql(table: TableName): string {
  return `SELECT count(*) FROM (SELECT 1 FROM ${quoteQualified(table.schema, table.name)} LIMIT 1) AS probe`;
}
