/** Small helpers shared by the database resources. */
import { Client } from "pg";
import { Connection } from "../../model/types";
import { Props } from "../handler";

/** The `connection` input of a database resource. */
export function connectionOf(props: Props): Connection {
  return props.connection as Connection;
}

/** Runs a catalog query and returns its first row, if any. */
export async function firstRow<T>(client: Client, sql: string, params: unknown[]): Promise<T | undefined> {
  const result = await client.query(sql, params);
  return result.rows[0] as T | undefined;
}

/** `schema` input or PostgreSQL's default schema. */
export function schemaOf(props: Props, key = "schema"): string {
  return (props[key] as string | undefined) ?? "public";
}

/** `schema.name`, the id of a table-like resource. */
export function qualifiedId(props: Props): string {
  return `${schemaOf(props)}.${props.name}`;
}

/** The table a resource names: `schema` (default public) and `name`. */
export function tableOf(props: Props): { schema: string; name: string } {
  return { schema: schemaOf(props), name: props.name as string };
}
