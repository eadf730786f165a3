/**
 * What each pgtier resource can change in place, and what forces a replace.
 * Kept as one table so the decisions can be read, and tested, side by side.
 */
import { DiffSpec } from "./diff";

/** Diff specs by resource name (the last part of the type token). */
export const diffSpecs: Readonly<Record<string, DiffSpec>> = {
  // Docker networks and volumes cannot be renamed.
  DockerNetwork: { update: [], replace: ["name"], deleteBeforeReplace: true },
  DockerVolume: { update: [], replace: ["name"], deleteBeforeReplace: true },
  // A container is recreated for any change of how it runs; its data stays on
  // the named volume. The password is changed in place with ALTER ROLE, since
  // the entrypoint only applies POSTGRES_PASSWORD to an empty data directory.
  PostgresInstance: {
    update: ["password", "host", "port"],
    replace: ["image", "containerName", "network", "volume", "hostPort", "user", "database", "env"],
    deleteBeforeReplace: true,
  },
  Database: { update: ["connection"], replace: ["name"], deleteBeforeReplace: true },
  Extension: { update: ["connection", "version"], replace: ["name", "schema"], deleteBeforeReplace: true },
  // ALTER SERVER can rename and change options; only the wrapper cannot change.
  ForeignServer: { update: ["connection", "name", "host", "port", "dbname", "options"], replace: [] },
  // ALTER USER MAPPING changes options; the role and server identify it.
  UserMapping: { update: ["connection", "remoteUser", "password"], replace: ["server", "localUser"], deleteBeforeReplace: true },
  // Columns can be added and indexes created or dropped in place; renaming or
  // re-keying a partitioned table means a new table.
  PartitionedTable: {
    update: ["connection", "columns", "indexes", "allowForeignPartitions"],
    replace: ["name", "schema", "partitionKey"],
    deleteBeforeReplace: true,
  },
  // New bounds are a detach and re-attach of the same table (PostgreSQL checks
  // its rows against them); a new name or parent is a different table.
  LocalPartition: {
    update: ["connection", "from", "to", "attached"],
    replace: ["name", "schema", "parent", "parentSchema"],
    deleteBeforeReplace: true,
  },
  // The bounds CHECK constraint is replaced in place; columns added; indexes created or dropped.
  ArchiveTable: {
    update: ["connection", "columns", "indexes", "from", "to"],
    replace: ["name", "schema", "partitionKey"],
    deleteBeforeReplace: true,
  },
  // A foreign table cannot move to another server; it only holds a definition,
  // so replacing it moves no data.
  ForeignPartition: {
    update: ["connection", "from", "to", "attached", "options", "remoteSchema", "remoteTable"],
    replace: ["name", "schema", "parent", "parentSchema", "server"],
    deleteBeforeReplace: true,
  },
  // A tier change is an update: the rows move (local to archive) under one
  // resource, never a delete and create of data. Bounds are fixed by the
  // period; check refuses changing them.
  TieredPartition: {
    update: [
      "connection",
      "tier",
      "archive",
      "options",
      "attached",
      "columns",
      "indexes",
      "copyMethod",
      "batchSize",
      "keepLocal",
      "lockTimeoutMs",
      "attempts",
      "backup",
    ],
    replace: ["name", "schema", "parent", "parentSchema", "partitionKey", "from", "to"],
    deleteBeforeReplace: true,
  },
};
