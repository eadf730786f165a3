/**
 * Wiring shared by the table components: postgres_fdw on the main instance,
 * a foreign server and user mapping per archive instance, and the
 * partitioned parent. Only creates resources, under the given parent.
 */
import * as pulumi from "@pulumi/pulumi";
import { MappedRole } from "./fdw-roles";
import { ColumnSpec, IndexSpec } from "./model/types";
import { Extension, ForeignServer, UserMapping } from "./resources/fdw";
import { ConnectionArgs } from "./resources/common";
import { PostgresInstance } from "./resources/postgres-instance";
import { PartitionArgs, PartitionedTable, PlannedPartitionArgs } from "./resources/tables";

/** The table every partition belongs to. */
export interface TableSpec {
  /** Table name applications query. */
  readonly name: string;
  /**
   * Schema on the main instance (archive tables go to `public`).
   * @default "public"
   */
  readonly schema?: string;
  /** Columns (no UNIQUE indexes or primary keys: PostgreSQL refuses them with foreign partitions). */
  readonly columns: ColumnSpec[];
  /** Range partition key. */
  readonly partitionKey: string;
  /**
   * Indexes on the parent, repeated on every archive table.
   * @default []
   */
  readonly indexes?: IndexSpec[];
}

/**
 * The foreign servers' options unless a program gives its own, chosen by
 * measuring the guide's queries (`npm run bench -- queries`, docs/performance.md):
 * rows fetched 10000 at a time instead of 100, and the archives scanned
 * concurrently (an Append's foreign scans run as Async Foreign Scans). No
 * use_remote_estimate, unlike the guide: the remote EXPLAIN it sends while
 * planning made every query slower to plan and turned "top earners" into a
 * fetch of every archived row.
 */
export const DEFAULT_SERVER_OPTIONS: Readonly<Record<string, string>> = Object.freeze({ fetch_size: "10000", async_capable: "true" });

/** How the main instance reaches the archive instances. */
export interface ArchiveAccess {
  /** Foreign servers by archive key. */
  readonly servers: Record<string, ForeignServer>;
  /** User mappings by archive key. */
  readonly mappings: Record<string, UserMapping>;
}

/** How the main instance reaches the archives: server options, adoption, and the role each mapping logs in as. */
export interface ArchiveAccessSettings {
  /** Foreign server options. @default {@link DEFAULT_SERVER_OPTIONS} */
  readonly options?: Record<string, pulumi.Input<string>>;
  readonly adopt?: boolean;
  /** What the foreign servers wait for (TLS on the instances, say). @default [] */
  readonly dependsOn?: pulumi.Resource[];
  /**
   * The role a mapping logs in as on archive `key` (made on it by the
   * callback, see fdw-roles.ts).
   * @default the archive instance's admin role
   */
  readonly mappedRole?: (key: string) => MappedRole;
}

/** postgres_fdw, and per archive instance a server (`serverName(key)`) and a user mapping with its credentials. */
export function wireArchiveAccess(
  name: string,
  parent: pulumi.Resource,
  main: pulumi.Input<ConnectionArgs>,
  archives: Readonly<Record<string, PostgresInstance>>,
  settings: ArchiveAccessSettings,
  serverName: (key: string) => string,
): ArchiveAccess {
  const { adopt } = settings;
  const fdw = new Extension(`${name}-postgres-fdw`, { connection: main, name: "postgres_fdw", adopt }, { parent });
  const servers: Record<string, ForeignServer> = {};
  const mappings: Record<string, UserMapping> = {};
  for (const [key, archive] of Object.entries(archives)) {
    servers[key] = new ForeignServer(
      `${name}-${key}-server`,
      {
        connection: main,
        name: serverName(key),
        host: archive.internalEndpoint.host,
        port: archive.internalEndpoint.port,
        dbname: archive.database,
        options: settings.options ?? { ...DEFAULT_SERVER_OPTIONS },
        adopt,
      },
      { parent, dependsOn: [fdw, ...(settings.dependsOn ?? [])] },
    );
    const remote = settings.mappedRole?.(key);
    mappings[key] = new UserMapping(
      `${name}-${key}-mapping`,
      {
        connection: main,
        server: servers[key].name,
        remoteUser: remote?.user ?? archive.user,
        // None when the mapped role's password is in the main instance's passfile.
        password: remote ? remote.password : archive.password,
        adopt,
      },
      { parent, dependsOn: remote?.dependsOn },
    );
  }
  return { servers, mappings };
}

/** The partitioned parent table on the main instance. */
export function wirePartitionedTable(
  name: string,
  parent: pulumi.Resource,
  main: pulumi.Input<ConnectionArgs>,
  spec: TableSpec,
  adoption?: { readonly partitions: readonly PlannedPartitionArgs[] },
): PartitionedTable {
  return new PartitionedTable(
    `${name}-table`,
    {
      connection: main,
      name: spec.name,
      schema: spec.schema,
      columns: spec.columns,
      partitionKey: spec.partitionKey,
      indexes: spec.indexes ?? [],
      ...(adoption ? { adopt: true, partitions: [...adoption.partitions] } : {}),
    },
    { parent },
  );
}

/** The arguments every partition of `table` shares: where it is, its parent, and its bounds. */
export function partitionArgs(
  main: pulumi.Input<ConnectionArgs>,
  table: PartitionedTable,
  spec: TableSpec,
  p: { readonly name: string; readonly from: string; readonly to: string },
): PartitionArgs {
  return { connection: main, name: p.name, schema: spec.schema, parent: table.name, parentSchema: table.schema, from: p.from, to: p.to };
}
