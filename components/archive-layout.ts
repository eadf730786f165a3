/**
 * ArchiveLayout: one partitioned table whose partitions live on the main
 * instance (local) or on archive instances (foreign), wired as one graph:
 * postgres_fdw, a server and user mapping per archive instance, the parent
 * table, and per partition a local table or an archive table plus the foreign
 * partition that points at it.
 */
import * as pulumi from "@pulumi/pulumi";
import { ForeignServer } from "./resources/fdw";
import { PostgresInstance } from "./resources/postgres-instance";
import { ArchiveTable, ForeignPartition, LocalPartition, PartitionedTable } from "./resources/tables";
import { componentError, formatFailures } from "./errors";
import { CheckFailure } from "./model/types";
import { PartitionPlacement, validateLayout } from "./validate/layout";
import { partitionArgs, TableSpec, wireArchiveAccess, wirePartitionedTable } from "./wiring";

export { DEFAULT_SERVER_OPTIONS, TableSpec } from "./wiring";

/** Arguments of {@link ArchiveLayout}. */
export interface ArchiveLayoutArgs {
  /** The instance applications connect to. */
  readonly main: PostgresInstance;
  /** Archive instances by key; partitions name these keys. */
  readonly archives: Readonly<Record<string, PostgresInstance>>;
  /** The partitioned table. */
  readonly table: TableSpec;
  /** Every partition with its bounds and tier. */
  readonly partitions: readonly PartitionPlacement[];
  /**
   * Foreign server options for every archive server.
   * @default { fetch_size: "10000", async_capable: "true" } ({@link DEFAULT_SERVER_OPTIONS}; why: docs/performance.md)
   */
  readonly serverOptions?: Record<string, string>;
  /**
   * Foreign server name for an archive key.
   * @default `${key}_server`
   */
  readonly serverName?: (archiveKey: string) => string;
}

/** The whole hot/cold layout of one table. */
export class ArchiveLayout extends pulumi.ComponentResource {
  /** The parent table. */
  readonly table: PartitionedTable;
  /** Foreign servers by archive key. */
  readonly servers: Record<string, ForeignServer> = {};
  /** Local partitions by name. */
  readonly localPartitions: Record<string, LocalPartition> = {};
  /** Archive tables by partition name. */
  readonly archiveTables: Record<string, ArchiveTable> = {};
  /** Foreign partitions by name. */
  readonly foreignPartitions: Record<string, ForeignPartition> = {};

  /** Every problem with the layout; none when it is fine. */
  static problems(args: ArchiveLayoutArgs): CheckFailure[] {
    return validateLayout(args.partitions, Object.keys(args.archives));
  }

  /** Throws one error listing every problem with the layout. */
  static validate(name: string, args: ArchiveLayoutArgs): void {
    const failures = ArchiveLayout.problems(args);
    if (failures.length > 0) {
      throw new Error(formatFailures(`ArchiveLayout ${JSON.stringify(name)}`, failures));
    }
  }

  constructor(name: string, args: ArchiveLayoutArgs, opts?: pulumi.ComponentResourceOptions) {
    super("pgtier:index:ArchiveLayout", name, {}, opts);
    const failures = ArchiveLayout.problems(args);
    if (failures.length > 0) {
      // None of the layout's resources is registered: the error is the component's.
      throw componentError(this, `ArchiveLayout ${JSON.stringify(name)}`, failures);
    }
    const main = args.main.connection;
    const spec = args.table;
    const serverName = args.serverName ?? ((key: string) => `${key}_server`);

    const access = wireArchiveAccess(name, this, main, args.archives, { options: args.serverOptions }, serverName);
    Object.assign(this.servers, access.servers);
    const mappings = access.mappings;
    this.table = wirePartitionedTable(name, this, main, spec);

    for (const p of args.partitions) {
      const common = partitionArgs(main, this.table, spec, p);
      if (p.tier === "local") {
        this.localPartitions[p.name] = new LocalPartition(`${name}-${p.name}`, common, { parent: this });
        continue;
      }
      const key = p.archive ?? "";
      const archiveTable = new ArchiveTable(
        `${name}-${p.name}-archive`,
        {
          connection: args.archives[key].connection,
          name: p.name,
          columns: spec.columns,
          partitionKey: spec.partitionKey,
          from: p.from,
          to: p.to,
          indexes: spec.indexes ?? [],
        },
        { parent: this },
      );
      this.archiveTables[p.name] = archiveTable;
      this.foreignPartitions[p.name] = new ForeignPartition(
        `${name}-${p.name}`,
        { ...common, server: this.servers[key].name, remoteTable: p.name },
        { parent: this, dependsOn: [archiveTable, mappings[key]] },
      );
    }
    this.registerOutputs({ table: this.table.name });
  }
}
