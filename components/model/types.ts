/** Value types shared by the SQL builders, validators, diffs and resources. */

/** How a resource reaches a PostgreSQL database. */
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
   * libpq sslmode for this connection.
   * @default "prefer" semantics of node-postgres: no TLS unless given
   */
  readonly sslmode?: string;
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
