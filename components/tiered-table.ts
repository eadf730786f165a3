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
import { componentError } from "./errors";
import { BackupSettings } from "./model/backup";
import { archiveTableGrants, fdwRoleNames, FdwRolesArgs, MappedRole, wireFdwRoles, wirePasswordFile } from "./fdw-roles";
import { RotationSettings, TableGrant } from "./model/rotation";
import { CheckFailure } from "./model/types";
import { formatTimeline, Layout, PlannedPartition, planLayout, PolicyError, TierPolicy } from "./planner/plan-layout";
import { ForeignServer } from "./resources/fdw";
import { PostgresInstance } from "./resources/postgres-instance";
import { MonitoringViews, PartitionedTable } from "./resources/tables";
import { TieredPartition } from "./resources/tiered-partition";
import { DEFAULT_SERVER_OPTIONS, partitionArgs, TableSpec, wireArchiveAccess, wirePartitionedTable } from "./wiring";

/** Where a TieredTable's final backups go: {@link BackupSettings}, with a location that may be relative to the project. */
export type BackupSettingsArgs = BackupSettings;

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
   * Where final backups go (a relative location is resolved against the
   * project directory, where Pulumi.yaml is). Required when the policy sets
   * retentionPeriods.
   * @default none
   */
  readonly backup?: BackupSettingsArgs;
  /**
   * How rotations copy and lock; each setting is documented, with its default, on {@link RotationSettings}.
   * @default the {@link RotationSettings} defaults
   */
  readonly rotation?: Partial<RotationSettings>;
  /**
   * Take over what already exists, e.g. a setup built by hand from the
   * guide: the extension, servers, user mappings, the table and its
   * partitions are changed in place to match the program where PostgreSQL
   * allows (each resource's `adopt`); a difference that would drop or
   * re-create a table is refused before anything changes. The stack's
   * `pgtier:adopt` sets it.
   * @default false
   */
  readonly adopt?: boolean;
  /**
   * Foreign server options.
   * @default { fetch_size: "10000", async_capable: "true" } ({@link DEFAULT_SERVER_OPTIONS}; why: docs/performance.md)
   */
  readonly serverOptions?: Record<string, pulumi.Input<string>>;
  /**
   * What the foreign servers (and so the mappings and partitions) wait for,
   * e.g. TLS turned on in the archive instances.
   * @default []
   */
  readonly accessDependsOn?: pulumi.Resource[];
  /**
   * The roles postgres_fdw logs in as on each archive instance (the guide's
   * dedicated FDW accounts): a reader and a writer, each a {@link Role} with
   * a generated password, granted on every archive table pgtier creates or
   * moves rows into. User mappings use the reader, or the writer where
   * `writable` says so; never the instance's admin. `false` maps to the
   * archive's admin role instead, as the guide's Step 2 does.
   * @default {} (`<table>_fdw_reader` and `<table>_fdw_writer`, every archive read-only)
   */
  readonly fdwRoles?: FdwRolesArgs | false;
  /**
   * The guide's monitoring views on the main instance (a {@link MonitoringViews}):
   * `archive_health`, `archive_health_estimated`, `partition_query_stats`,
   * and `fdw_connections` with `fdw_connections_by_server` over every
   * archive's server, or other names. `false` makes none.
   * @default {} (the guide's names)
   */
  readonly monitoring?: { readonly healthView?: string; readonly statsView?: string; readonly connectionsView?: string } | false;
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

/** Archive keys that would share one foreign server (`x-y` and `x_y` both give `x_y_server`). */
function checkServerNames(keys: readonly string[]): CheckFailure[] {
  const failures: CheckFailure[] = [];
  const owner = new Map<string, string>();
  for (const key of keys) {
    const server = foreignServerName(key);
    const other = owner.get(server);
    if (other !== undefined) {
      failures.push({
        property: `archives.${key}`,
        reason: `archives ${JSON.stringify(other)} and ${JSON.stringify(key)} would both be reached through foreign server ${server}; rename one of them (a key is lower-cased, and its characters other than letters, digits and _ become _)`,
      });
    }
    owner.set(server, other ?? key);
  }
  return failures;
}

/** Every problem with the arguments that the planner does not see; none when they are fine. */
export function validateTieredTable(args: TieredTableArgs, layout: Layout): CheckFailure[] {
  const failures: CheckFailure[] = [];
  const keys = Object.keys(args.archives);
  args.policy.archives.forEach((rule, i) => {
    if (!keys.includes(rule.archive)) {
      failures.push({
        property: `policy.archives[${i}].archive`,
        reason: `policy.archives[${i}] names archive ${JSON.stringify(rule.archive)}, which is not in archives (${keys.join(", ") || "none"}); add the instance or fix the rule`,
      });
    }
  });
  failures.push(...checkServerNames(keys));
  if (args.policy.retentionPeriods !== undefined && !args.backup?.location) {
    failures.push({
      property: "backup.location",
      reason: `policy.retentionPeriods is ${args.policy.retentionPeriods}, so partitions past retention are decommissioned, which takes a final backup; set backup.location (stack config pgtier:backupLocation)`,
    });
  }
  if (layout.partitions.length === 0) {
    failures.push({ property: "policy", reason: `the layout for ${layout.asOf} has no partition; check firstPeriod and retentionPeriods` });
  }
  return failures;
}

/** The layout for the arguments, or every problem with them (the planner's and the component's own) as one list. */
export function planTieredTable(args: TieredTableArgs): { layout?: Layout; failures: CheckFailure[] } {
  try {
    const layout = planLayout(args.policy, resolveAsOf(args.asOf));
    return { layout, failures: validateTieredTable(args, layout) };
  } catch (err) {
    if (err instanceof PolicyError) {
      return { failures: err.failures.map((f) => ({ property: `policy.${f.property}`, reason: f.reason })) };
    }
    throw err;
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
  /** What the FDW roles may do with each archive table (none with `fdwRoles: false`). */
  private readonly archiveGrants?: TableGrant[];

  constructor(name: string, args: TieredTableArgs, opts?: pulumi.ComponentResourceOptions) {
    super("pgtier:index:TieredTable", name, {}, opts);
    const { layout, failures } = planTieredTable(args);
    if (!layout || failures.length > 0) {
      // None of the table's resources is registered: the error is the component's.
      throw componentError(this, `TieredTable ${JSON.stringify(name)}`, failures);
    }
    this.layout = layout;
    this.timeline = formatTimeline(layout);
    const main = args.main.connection;
    // Left out unless set, so the inputs of a stack that never adopts stay as they were.
    const adopt = args.adopt || undefined;
    const roles = args.fdwRoles === false ? undefined : (args.fdwRoles ?? {});
    const names = roles && fdwRoleNames(args.table.name, roles);
    if (names && names.reader === names.writer) {
      throw componentError(this, `TieredTable ${JSON.stringify(name)}`, [
        {
          property: "fdwRoles",
          reason: `fdwRoles names ${JSON.stringify(names.reader)} as both reader and writer; give them different names`,
        },
      ]);
    }
    // The fdw copy inserts through the mapping, so it needs the writer.
    const writable = (key: string) => args.rotation?.copyMethod === "fdw" || (roles?.writable ?? []).includes(key);
    const mapped: Record<string, MappedRole> = {};
    for (const [key, archive] of Object.entries(names ? args.archives : {})) {
      mapped[key] = wireFdwRoles(`${name}-${key}`, this, archive, names!, writable(key));
    }
    this.archiveGrants = names ? archiveTableGrants(names) : undefined;
    let options = args.serverOptions;
    if (roles && roles.passwordFile) {
      const file = wirePasswordFile(name, this, main, args.archives, mapped);
      options = { ...(options ?? DEFAULT_SERVER_OPTIONS), passfile: file.path };
    }
    const access = wireArchiveAccess(
      name,
      this,
      main,
      args.archives,
      { options, adopt, mappedRole: names && ((key) => mapped[key]), dependsOn: args.accessDependsOn },
      foreignServerName,
    );
    Object.assign(this.servers, access.servers);
    const planned = layout.partitions.map((p) => ({ name: p.name, from: p.from, to: p.to }));
    this.table = wirePartitionedTable(name, this, main, args.table, adopt && { partitions: planned });
    for (const p of layout.partitions) {
      // Every mapping, not only this partition's: an archived partition's
      // delete (a decommission) must run before any server it used goes.
      this.partitions[p.name] = this.partition(name, args, p, Object.values(access.mappings));
    }
    if (args.monitoring !== false) {
      new MonitoringViews(
        `${name}-monitoring`,
        {
          connection: main,
          parent: this.table.name,
          parentSchema: args.table.schema,
          partitionKey: args.table.partitionKey,
          // Sorted: archives listed in another order are the same servers.
          servers: pulumi.all(Object.values(access.servers).map((server) => server.name)).apply((names) => [...names].sort()),
          ...args.monitoring,
        },
        { parent: this },
      );
    }
    this.registerOutputs({ table: this.table.name, timeline: this.timeline });
  }

  /** The TieredPartition of one planned period. */
  private partition(name: string, args: TieredTableArgs, p: PlannedPartition, dependsOn: pulumi.Resource[]): TieredPartition {
    const spec = args.table;
    const key = p.archive;
    return new TieredPartition(
      `${name}-${p.name}`,
      {
        ...partitionArgs(args.main.connection, this.table, spec, p),
        columns: spec.columns,
        partitionKey: spec.partitionKey,
        indexes: spec.indexes ?? [],
        tier: p.tier,
        archive: key
          ? { connection: args.archives[key].connection, server: this.servers[key].name, grants: this.archiveGrants }
          : undefined,
        backup: resolveBackup(args.backup),
        adopt: args.adopt || undefined,
        ...args.rotation,
      },
      { parent: this, dependsOn },
    );
  }
}

/** Backup settings with the location relative to the project (where Pulumi.yaml is), not to wherever the compiled program runs. */
function resolveBackup(backup: BackupSettings | undefined): BackupSettings | undefined {
  const root = pulumi.runtime.getRootDirectory() || process.cwd();
  return backup && { ...backup, location: path.resolve(root, backup.location) };
}
