/** Every resource type pgtier's provider serves, by type token. */
import { ResourceHandler } from "./handler";
import { archiveTable } from "./handlers/archive-table";
import { database } from "./handlers/database";
import { dockerNetwork, dockerVolume } from "./handlers/docker-objects";
import { extension } from "./handlers/extension";
import { foreignPartition } from "./handlers/foreign-partition";
import { foreignServer } from "./handlers/foreign-server";
import { localPartition } from "./handlers/local-partition";
import { partitionedTable } from "./handlers/partitioned-table";
import { postgresInstance } from "./handlers/postgres-instance";
import { tieredPartition } from "./handlers/tiered-partition";
import { userMapping } from "./handlers/user-mapping";

/** Handlers by resource name (the last part of the type token). */
export const handlers: Readonly<Record<string, ResourceHandler>> = {
  DockerNetwork: dockerNetwork,
  DockerVolume: dockerVolume,
  PostgresInstance: postgresInstance,
  Database: database,
  Extension: extension,
  ForeignServer: foreignServer,
  UserMapping: userMapping,
  PartitionedTable: partitionedTable,
  LocalPartition: localPartition,
  ArchiveTable: archiveTable,
  ForeignPartition: foreignPartition,
  TieredPartition: tieredPartition,
};
