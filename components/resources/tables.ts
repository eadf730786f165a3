/** PartitionedTable, LocalPartition, ArchiveTable and ForeignPartition: the table and where each period lives, each declared by hand. */
import * as pulumi from "@pulumi/pulumi";
import { ColumnSpec, IndexSpec } from "../model/types";
import { AdoptionArgs, ConnectionArgs, pgtierType, registerArgs } from "./common";

/** Arguments of {@link PartitionedTable}. */
export interface PartitionedTableArgs extends AdoptionArgs {
  /** Connection to the main instance's database. */
  readonly connection: pulumi.Input<ConnectionArgs>;
  /** Table name applications query. */
  readonly name: pulumi.Input<string>;
  /**
   * Schema.
   * @default "public"
   */
  readonly schema?: pulumi.Input<string>;
  /** Columns. New columns are added in place; dropping or retyping one is refused at preview. */
  readonly columns: pulumi.Input<ColumnSpec[]>;
  /** Column the table is range-partitioned on (a date, timestamp or integer). */
  readonly partitionKey: pulumi.Input<string>;
  /**
   * Indexes, created on the parent so every local partition gets them.
   * @default []
   */
  readonly indexes?: pulumi.Input<IndexSpec[]>;
  /**
   * Whether foreign partitions will be attached. PostgreSQL then refuses
   * UNIQUE indexes and primary keys on the parent, so they are rejected at preview.
   * @default true
   */
  readonly allowForeignPartitions?: pulumi.Input<boolean>;
  /**
   * With `adopt`: the partitions the program lays out (TieredTable passes its
   * layout). A partition found on the table that is not one of them (a
   * default partition, a period outside the policy's window, a period under
   * a name outside the policy's namePrefix) is refused before anything
   * changes, naming the fix. Not compared afterwards: a later layout changes
   * nothing here.
   * @default none: the table's partitions are not looked at
   */
  readonly partitions?: pulumi.Input<PlannedPartitionArgs[]>;
}

/** One partition a program lays out: its name and bounds. */
export interface PlannedPartitionArgs {
  readonly name: string;
  /** Lower bound (inclusive). */
  readonly from: string;
  /** Upper bound (exclusive). */
  readonly to: string;
}

/** The range-partitioned parent table (the guide's `employees`). */
export class PartitionedTable extends pulumi.CustomResource {
  /** Table name. */
  declare readonly name: pulumi.Output<string>;
  /** Schema. */
  declare readonly schema: pulumi.Output<string>;

  constructor(name: string, args: PartitionedTableArgs, opts?: pulumi.CustomResourceOptions) {
    super(pgtierType("PartitionedTable"), name, registerArgs(args, []), opts);
  }
}

/** Arguments shared by the two kinds of partition. */
export interface PartitionArgs extends AdoptionArgs {
  /** Connection to the main instance's database. */
  readonly connection: pulumi.Input<ConnectionArgs>;
  /** Partition name (the guide's `emp_2025`). */
  readonly name: pulumi.Input<string>;
  /**
   * Schema of the partition.
   * @default "public"
   */
  readonly schema?: pulumi.Input<string>;
  /** Parent table's name. */
  readonly parent: pulumi.Input<string>;
  /**
   * Parent table's schema.
   * @default "public"
   */
  readonly parentSchema?: pulumi.Input<string>;
  /** Inclusive lower bound, e.g. "2025-01-01". */
  readonly from: pulumi.Input<string>;
  /** Exclusive upper bound, e.g. "2026-01-01". */
  readonly to: pulumi.Input<string>;
  /**
   * Whether the partition is attached to its parent. A partition detached by
   * hand shows as drift on refresh and is re-attached by the next update.
   * @default true
   */
  readonly attached?: pulumi.Input<boolean>;
}

/** Arguments of {@link LocalPartition}. */
export type LocalPartitionArgs = PartitionArgs;

/** A partition whose rows live on the main instance. */
export class LocalPartition extends pulumi.CustomResource {
  constructor(name: string, args: LocalPartitionArgs, opts?: pulumi.CustomResourceOptions) {
    super(pgtierType("LocalPartition"), name, registerArgs(args, []), opts);
  }
}

/** Arguments of {@link ForeignPartition}. */
export interface ForeignPartitionArgs extends PartitionArgs {
  /** Foreign server holding the rows. */
  readonly server: pulumi.Input<string>;
  /**
   * Schema of the archive table on the archive instance.
   * @default "public"
   */
  readonly remoteSchema?: pulumi.Input<string>;
  /**
   * Name of the archive table on the archive instance.
   * @default the partition's name
   */
  readonly remoteTable?: pulumi.Input<string>;
  /**
   * Table-level postgres_fdw options (fetch_size, batch_size, use_remote_estimate, async_capable).
   * @default {}
   */
  readonly options?: pulumi.Input<Record<string, pulumi.Input<string>>>;
}

/**
 * A foreign table attached as a partition: queries on the parent that touch
 * its range run on the archive instance. Creating it reads through it once, so
 * a missing archive table fails here rather than at the first query.
 */
export class ForeignPartition extends pulumi.CustomResource {
  constructor(name: string, args: ForeignPartitionArgs, opts?: pulumi.CustomResourceOptions) {
    super(pgtierType("ForeignPartition"), name, registerArgs(args, []), opts);
  }
}

/** Arguments of {@link ArchiveTable}. */
export interface ArchiveTableArgs extends AdoptionArgs {
  /** Connection to the archive instance's database. */
  readonly connection: pulumi.Input<ConnectionArgs>;
  /** Table name on the archive instance. */
  readonly name: pulumi.Input<string>;
  /**
   * Schema.
   * @default "public"
   */
  readonly schema?: pulumi.Input<string>;
  /** Columns, identical to the parent's. */
  readonly columns: pulumi.Input<ColumnSpec[]>;
  /** Partition key column; the CHECK constraint is on it. */
  readonly partitionKey: pulumi.Input<string>;
  /** Inclusive lower bound of the rows it may hold. */
  readonly from: pulumi.Input<string>;
  /** Exclusive upper bound. */
  readonly to: pulumi.Input<string>;
  /**
   * The parent's indexes, created here as `<table>_<index>`.
   * @default []
   */
  readonly indexes?: pulumi.Input<IndexSpec[]>;
}

/** The table on an archive instance holding one period, with a CHECK constraint matching its bounds. */
export class ArchiveTable extends pulumi.CustomResource {
  constructor(name: string, args: ArchiveTableArgs, opts?: pulumi.CustomResourceOptions) {
    super(pgtierType("ArchiveTable"), name, registerArgs(args, []), opts);
  }
}

/** Arguments of {@link MonitoringViews}. */
export interface MonitoringViewsArgs {
  /** Connection to the main instance's database. */
  readonly connection: pulumi.Input<ConnectionArgs>;
  /**
   * Schema for the views.
   * @default "public"
   */
  readonly schema?: pulumi.Input<string>;
  /** The partitioned table they watch. */
  readonly parent: pulumi.Input<string>;
  /**
   * Its schema.
   * @default "public"
   */
  readonly parentSchema?: pulumi.Input<string>;
  /** Its partition key: each partition's earliest and latest value are shown. */
  readonly partitionKey: pulumi.Input<string>;
  /**
   * The health view (one row per partition: type, server, bounds, exact row
   * count, size, index size, earliest and latest key, checked_at); a second
   * view `<healthView>_estimated` gives the planner's estimates instead of
   * counting. Changing it replaces the views.
   * @default "archive_health" (the guide's)
   */
  readonly healthView?: pulumi.Input<string>;
  /**
   * The query statistics view (scans, tuples, maintenance per partition).
   * @default "partition_query_stats" (the guide's)
   */
  readonly statsView?: pulumi.Input<string>;
  /**
   * The connection view (the guide's connection monitoring: every
   * postgres_fdw session on the archives of `servers`, with its server,
   * user, state and query); `<connectionsView>_by_server` beside it counts
   * them per server with the last query's start. Each server gets a
   * foreign table `<connectionsView>_<server>` over its pg_stat_activity.
   * Changing it replaces the views.
   * @default "fdw_connections"
   */
  readonly connectionsView?: pulumi.Input<string>;
  /**
   * The foreign servers whose sessions the connection views show.
   * @default [] (the views are empty)
   */
  readonly servers?: pulumi.Input<pulumi.Input<string>[]>;
}

/**
 * The guide's monitoring views for one partitioned table, generated from the
 * catalog (a function walks the partitions at query time), so rotations,
 * restores and decommissions show at once. See docs/operations.md for what
 * each column costs.
 */
export class MonitoringViews extends pulumi.CustomResource {
  constructor(name: string, args: MonitoringViewsArgs, opts?: pulumi.CustomResourceOptions) {
    super(pgtierType("MonitoringViews"), name, registerArgs(args, []), opts);
  }
}
