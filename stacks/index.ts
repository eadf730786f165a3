/**
 * The stack program: reads the stack's config (stacks/Pulumi.<stack>.yaml)
 * and builds the guide's topology as a tiered table: a main instance, one or
 * more archive instances on one Docker network, and `employees` laid out by
 * the tiering policy for the as-of date. The dev stack pins the date to
 * 2025-06-15, which gives the guide's layout (2024 archived, 2025 local);
 * `PGTIER_AS_OF=2026-01-01 pulumi preview` shows the next rotation without
 * saving anything (`-c pgtier:asOf=...` would save the date in the stack).
 *
 * Config (namespace pgtier):
 *   image            PostgreSQL image (default pgtier/postgres:15; postgres:16 works where a registry is reachable)
 *   password         superuser password of every instance (secret, required)
 *   mainPort         port on 127.0.0.1 for the main instance (default 0: a free port, picked once and kept across restarts)
 *   archivePort      port for the archive instance when `archives` is not set (default 0)
 *   namePrefix       prefix of container, volume and network names (default pgtier-<stack>)
 *   asOf             the date the layout is for (default today, UTC)
 *   period           month, quarter or year (default year)
 *   firstPeriod      a date in the first period with data (default 2024-01-01)
 *   hotPeriods       periods kept local, counting the current one (default 1)
 *   futurePeriods    periods created ahead (default 1)
 *   retentionPeriods periods kept in all; older ones are decommissioned (default: forever)
 *   archives         archive instances and the periods each holds, one entry per instance, ranges that do not overlap, e.g.
 *                    [{"name": "archive-a", "to": "2026-03-01"}, {"name": "archive-b", "from": "2026-03-01", "port": 15434}]
 *                    (default: one instance "archive" holding every period)
 *   backupLocation   directory for final backups before decommissioning (required with retentionPeriods)
 *   backupCsv        also export CSV.gz (default false)
 *   copyMethod       pipe or fdw (default pipe)
 *   keepVolumes      keep an archive instance's data volume when it is removed from `archives` (default true)
 */
import * as pulumi from "@pulumi/pulumi";
import { DockerNetwork, DockerPostgres, Period, PostgresInstance, TieredTable } from "../components";
import { ArchiveConfig, archiveConfigProblems } from "./archives";
import { employees } from "./guide";

const config = new pulumi.Config("pgtier");
const prefix = config.get("namePrefix") ?? `pgtier-${pulumi.getStack()}`;
const image = config.get("image") ?? "pgtier/postgres:15";
const password = config.requireSecret("password");
const archiveConfigs = config.getObject<ArchiveConfig[]>("archives") ?? [{ name: "archive", port: config.getNumber("archivePort") ?? 0 }];
const problems = archiveConfigProblems(archiveConfigs);
if (problems.length > 0) {
  // A RunError is shown as its message alone, without a stack trace.
  throw new pulumi.RunError(`the stack's config is invalid:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
}
const backupLocation = config.get("backupLocation");

const network = new DockerNetwork("network", { name: prefix });

const main = new DockerPostgres("main", {
  image,
  containerName: `${prefix}-main`,
  network: network.name,
  hostPort: config.getNumber("mainPort") ?? 0,
  password,
  database: "appdb",
});

const archives: Record<string, PostgresInstance> = {};
for (const a of archiveConfigs) {
  archives[a.name] = new DockerPostgres(a.name, {
    image,
    containerName: `${prefix}-${a.name}`,
    network: network.name,
    hostPort: a.port ?? 0,
    password,
    database: "archive_db",
    retainVolume: config.getBoolean("keepVolumes") ?? true,
  }).instance;
}

const table = new TieredTable("employees", {
  main: main.instance,
  archives,
  table: employees,
  policy: {
    period: (config.get("period") ?? "year") as Period,
    firstPeriod: config.get("firstPeriod") ?? "2024-01-01",
    hotPeriods: config.getNumber("hotPeriods"),
    futurePeriods: config.getNumber("futurePeriods"),
    retentionPeriods: config.getNumber("retentionPeriods"),
    archives: archiveConfigs.map((a) => ({ archive: a.name, from: a.from, to: a.to })),
    namePrefix: "emp_",
  },
  backup: backupLocation ? { location: backupLocation, csv: config.getBoolean("backupCsv") ?? false } : undefined,
  rotation: { copyMethod: (config.get("copyMethod") ?? "pipe") as "pipe" | "fdw" },
});

/** Where to connect: psql -h host -p port -U postgres appdb. */
export const mainEndpoint = main.instance.endpoint;
/** The first archive instance's endpoint. */
export const archiveEndpoint = archives[archiveConfigs[0].name].endpoint;
/** Every archive instance's endpoint, by name. */
export const archiveEndpoints = Object.fromEntries(Object.entries(archives).map(([k, v]) => [k, v.endpoint]));
export const mainContainer = `${prefix}-main`;
export const archiveContainers = archiveConfigs.map((a) => `${prefix}-${a.name}`);
export const tableName = table.table.name;
/** The layout for the as-of date, one line per partition: period, name, bounds, tier, instance. */
export const timeline = table.timeline;
/** The as-of date the layout is for. */
export const asOf = table.layout.asOf;
