/** Value types shared by the SQL builders, validators, diffs and resources, and how each is read from a property bag. */
import { Reader } from "./reader";

/** How pgtier reaches a PostgreSQL database. */
export interface Connection {
  /** Host name or address, as seen from where pgtier runs. */
  readonly host: string;
  /** TCP port. */
  readonly port: number;
  /** Role to log in as. */
  readonly user: string;
  /** Password of `user` (a Pulumi secret). */
  readonly password: string;
  /** Database to connect to. */
  readonly database: string;
  /**
   * The pgtier-managed container serving it, whose published port is read
   * from Docker at each connection (a restart may have changed it).
   * @default none: an existing server, reached at host and port
   */
  readonly container?: string;
}

/** A host and port. */
export interface Endpoint {
  readonly host: string;
  readonly port: number;
}

/** One column of a partitioned table. */
export interface ColumnSpec {
  /** Column name. */
  readonly name: string;
  /** PostgreSQL type, e.g. `text`, `date`, `numeric(10,2)`, `serial`. */
  readonly type: string;
  /**
   * Whether NULL is allowed.
   * @default true
   */
  readonly nullable?: boolean;
}

/** A (non-unique) index kept on every partition of a table. */
export interface IndexSpec {
  /** Index name on the parent table. */
  readonly name: string;
  /** Indexed columns, in order. */
  readonly columns: readonly string[];
  /**
   * UNIQUE index. PostgreSQL refuses foreign-table partitions under a parent
   * with a unique index, so pgtier rejects it where foreign partitions exist.
   * @default false
   */
  readonly unique?: boolean;
}

/** Range bounds `[from, to)` of a partition, as PostgreSQL literals (e.g. ISO dates). */
export interface Bounds {
  /** Inclusive lower bound. */
  readonly from: string;
  /** Exclusive upper bound. */
  readonly to: string;
}

/** Where a table lives: schema (optional: the search path decides) and name. */
export interface TableName {
  readonly schema?: string;
  readonly name: string;
}

/** One problem with one argument, as `check` reports it to `pulumi preview`. */
export interface CheckFailure {
  /** The argument's name, e.g. `columns[2].type`. */
  readonly property: string;
  /** What is wrong and how to fix it. */
  readonly reason: string;
}

/** A connection, read from its bag. */
export function readConnection(r: Reader): Connection {
  const container = r.optionalText("container");
  return {
    host: r.text("host"),
    port: r.number("port"),
    user: r.text("user"),
    password: r.text("password"),
    database: r.text("database"),
    ...(container === undefined ? {} : { container }),
  };
}

/** An endpoint, read from its bag. */
export function readEndpoint(r: Reader): Endpoint {
  return { host: r.text("host"), port: r.number("port") };
}

/** A column, read from its bag. */
export function readColumn(r: Reader): ColumnSpec {
  const nullable = r.optionalFlag("nullable");
  return { name: r.text("name"), type: r.text("type"), ...(nullable === undefined ? {} : { nullable }) };
}

/** An index, read from its bag. */
export function readIndex(r: Reader): IndexSpec {
  const unique = r.optionalFlag("unique");
  return { name: r.text("name"), columns: r.textList("columns"), ...(unique === undefined ? {} : { unique }) };
}
