/**
 * TieredTable: the component users reach for first. A table, a tiering
 * policy and the instances in; the planner's layout for the as-of date out,
 * as postgres_fdw servers and mappings, the partitioned parent and one
 * TieredPartition per period. Moving the as-of date moves the layout:
 * `pulumi preview` shows the rotation (partitions created, tiers changed in
 * place, partitions past retention deleted), `pulumi up` carries it out.
 */
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { formatTimeline, Layout, planLayout, TierPolicy } from "./planner/plan-layout";
import { ForeignServer } from "./resources/fdw";
import { PostgresInstance } from "./resources/postgres-instance";
import { PartitionedTable, TieredPartition } from "./resources/tables";
import { TableSpec, wireArchiveAccess, wirePartitionedTable } from "./wiring";

/** How rotations run; every field maps to a {@link TieredPartition} argument. */
export interface RotationSettings {
  /**
   * `pipe` (binary COPY through the runner) or `fdw` (INSERT through postgres_fdw).
   * @default "pipe"
   */
  readonly copyMethod?: "pipe" | "fdw";
  /**
   * Rows per remote INSERT with `fdw`.
   * @default 10000
   */
  readonly batchSize?: number;
  /**
   * Keep archived local tables renamed `<name>_local` instead of dropping them.
   * @default false
   */
  readonly keepLocal?: boolean;
  /**
   * Lock wait per attempt, in milliseconds.
   * @default 2000
   */
  readonly lockTimeoutMs?: number;
  /**
   * Attempts before a rotation gives up with nothing changed.
   * @default 10
   */
  readonly attempts?: number;
}

/** Final backups before decommissioning. */
export interface BackupSettingsArgs {
  /** Directory for pg_dump files on the machine running pulumi; a relative path is resolved against the project directory (where Pulumi.yaml is). */
  readonly location: string;
  /**
   * Also write a CSV.gz export.
   * @default false
   */
  readonly csv?: boolean;
  /**
   * Recorded as retention_reason in archive_decommission_log.
   * @default "retention period expired"
   */
  readonly reason?: string;
}

/** Arguments of {@link TieredTable}. */
export interface TieredTableArgs {
  /** The instance applications connect to. */
  readonly main: PostgresInstance;
  /** Archive instances by key; the policy's archive rules name these keys. */
  readonly archives: Readonly<Record<string, PostgresInstance>>;
  /** The partitioned table. */
  readonly table: TableSpec;
  /** Period, hot and future periods, archive placement, retention and naming. */
  readonly policy: TierPolicy;
  /**
   * The date the layout is for (ISO).
   * @default env PGTIER_AS_OF, else stack config `pgtier:asOf`, else today (UTC)
   */
  readonly asOf?: string;
  /**
   * Where final backups go. Required when the policy sets retentionPeriods.
   * @default none
   */
  readonly backup?: BackupSettingsArgs;
  /**
   * How rotations copy and lock.
   * @default the {@link RotationSettings} defaults
   */
  readonly rotation?: RotationSettings;
  /**
   * Foreign server options.
   * @default { fetch_size: "10000", use_remote_estimate: "true" } (the guide's)
   */
  readonly serverOptions?: Record<string, string>;
}

/**
 * The foreign server for an archive key: `archive-a` gives `archive_a_server`
 * (keys may hold characters a plain SQL name cannot).
 */
export function foreignServerName(archiveKey: string): string {
  return `${archiveKey.toLowerCase().replace(/[^a-z0-9_]/g, "_")}_server`;
}

/** Today's date in UTC, as an ISO date. */
export function todayUtc(now: Date = new Date()): string {
  return now.toISOString().slice(0, 10);
}

/**
 * The as-of date: the argument, else the environment variable PGTIER_AS_OF,
 * else config `pgtier:asOf`, else today (UTC). `pulumi preview -c
 * pgtier:asOf=...` also saves the value in the stack's config file (Pulumi's
 * behaviour for -c); PGTIER_AS_OF is the way to look ahead without saving.
 */
export function resolveAsOf(explicit?: string, env: NodeJS.ProcessEnv = process.env): string {
  return explicit ?? (env.PGTIER_AS_OF || undefined) ?? new pulumi.Config("pgtier").get("asOf") ?? todayUtc();
}

/** Every problem with the arguments that the planner does not see, as one list. */
export function validateTieredTable(name: string, args: TieredTableArgs, layout: Layout): void {
  const problems: string[] = [];
  const keys = Object.keys(args.archives);
  args.policy.archives.forEach((rule, i) => {
    if (!keys.includes(rule.archive)) {
      problems.push(
        `policy.archives[${i}] names archive ${JSON.stringify(rule.archive)}, which is not in archives (${keys.join(", ") || "none"}); add the instance or fix the rule`,
      );
    }
  });
  if (args.policy.retentionPeriods !== undefined && !args.backup?.location) {
    problems.push(
      `policy.retentionPeriods is ${args.policy.retentionPeriods}, so partitions past retention are decommissioned, which takes a final backup; set backup.location (stack config pgtier:backupLocation)`,
    );
  }
  if (layout.partitions.length === 0) {
    problems.push(`the layout for ${layout.asOf} has no partition; check firstPeriod and retentionPeriods`);
  }
  if (problems.length > 0) {
    throw new Error(`TieredTable ${JSON.stringify(name)} has invalid arguments:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
  }
}

/** A table whose periods are laid out over a main instance and archive instances by a policy. */
export class TieredTable extends pulumi.ComponentResource {
  /** The planner's layout for the as-of date. */
  readonly layout: Layout;
  /** The layout as readable lines: period, bounds, tier, instance. */
  readonly timeline: string[];
  /** The parent table. */
  readonly table: PartitionedTable;
  /** Foreign servers by archive key. */
  readonly servers: Record<string, ForeignServer> = {};
  /** Partitions by name. */
  readonly partitions: Record<string, TieredPartition> = {};

  constructor(name: string, args: TieredTableArgs, opts?: pulumi.ComponentResourceOptions) {
    const layout = planLayout(args.policy, resolveAsOf(args.asOf));
    validateTieredTable(name, args, layout);
    super("pgtier:index:TieredTable", name, {}, opts);
    this.layout = layout;
    this.timeline = formatTimeline(layout);
    const main = args.main.connection;
    const spec = args.table;

    const access = wireArchiveAccess(name, this, main, args.archives, args.serverOptions, foreignServerName);
    Object.assign(this.servers, access.servers);
    const mappings = access.mappings;
    this.table = wirePartitionedTable(name, this, main, spec);

    // Relative to the project (where Pulumi.yaml is), not to wherever the compiled program runs.
    const root = pulumi.runtime.getRootDirectory() || process.cwd();
    const backup = args.backup && { ...args.backup, location: path.resolve(root, args.backup.location) };
    for (const p of layout.partitions) {
      const key = p.archive;
      this.partitions[p.name] = new TieredPartition(
        `${name}-${p.name}`,
        {
          connection: main,
          name: p.name,
          schema: spec.schema,
          parent: this.table.name,
          parentSchema: this.table.schema,
          from: p.from,
          to: p.to,
          columns: spec.columns,
          partitionKey: spec.partitionKey,
          indexes: spec.indexes ?? [],
          tier: p.tier,
          archive: key ? { connection: args.archives[key].connection, server: this.servers[key].name } : undefined,
          backup,
          ...args.rotation,
        },
        // Every mapping, not only this partition's: an archived partition's
        // delete (a decommission) must run before any server it used goes.
        { parent: this, dependsOn: Object.values(mappings) },
      );
    }
    this.registerOutputs({ table: this.table.name, timeline: this.timeline });
  }
}
