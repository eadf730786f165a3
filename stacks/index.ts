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
 *   password         password of every instance's superuser or admin role (secret; required unless every server names its own passwordKey)
 *   main             an existing server as the main instance, instead of a container:
 *                    {"host": "db.example.com", "port": 5432, "database": "appdb", "user": "postgres", "passwordKey": "mainPassword"}
 *                    (port 5432, database appdb, user postgres, passwordKey password by default; internalHost/internalPort
 *                    when other instances reach it elsewhere)
 *   mainPort         port on 127.0.0.1 for the main container (default 0: a free port, picked once and kept across restarts)
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
 *                    (default: one instance "archive" holding every period); an entry with "host" is an existing server,
 *                    with the keys of `main` (database archive_db by default)
 *   backupLocation   directory for final backups before decommissioning (required with retentionPeriods)
 *   backupCsv        also export CSV.gz (default false)
 *   copyMethod       pipe or fdw (default pipe)
 *   adopt            take over a setup that already exists (built by hand from the guide, say) and change it in place to
 *                    match (default false); what cannot change without re-creating a table is refused, nothing changed
 *   keepVolumes      keep an archive instance's data volume when it is removed from `archives` (default true)
 *   fdwRoles         user mappings log in as dedicated roles on each archive (employees_fdw_reader, _writer) with generated
 *                    passwords, granted on every archive table; false maps to the archive's admin role (default true)
 *   writableArchives archive names whose mapping uses the writer, so DML through employees reaches them (default [])
 *   sslmode          libpq sslmode of every foreign server: disable, allow, prefer, require, verify-ca, verify-full
 *                    (default unset: libpq's prefer)
 *   sslrootcert      path, on the main instance, of the CA certificate foreign servers verify archives against
 *                    (required with verify-ca and verify-full)
 *   tls              pgtier's own CA, a certificate per instance, TLS on in every instance (through SQL), the CA on the
 *                    main instance as the servers' sslrootcert, sslmode verify-full, and FDW roles only over TLS
 *                    (default false)
 *   passwordFile     the FDW roles' passwords in a password file on the main instance (the guide's .pgpass, read by the
 *                    foreign servers' passfile) instead of in the user mappings (default false)
 *   isolateArchives  archive containers on an internal Docker network of their own, which the main instance joins too;
 *                    an archive is published on the host (127.0.0.1) only when its port is configured, and pgtier
 *                    reaches it by its address otherwise (Linux hosts) (default false)
 *   serverOptions    more postgres_fdw server options, e.g. {"fetch_size": "50000"} (default fetch_size 10000,
 *                    async_capable true: docs/performance.md)
 */
import * as pulumi from "@pulumi/pulumi";
import {
  CertificateAuthority,
  DEFAULT_SERVER_OPTIONS,
  DockerNetwork,
  DockerPostgres,
  fdwRoleNames,
  Period,
  PostgresInstance,
  serveTls,
  TieredTable,
} from "../components";
import { ARCHIVES_FOR_SERVER, ArchiveConfig, archiveConfigProblems, mainConfigProblems, POSTGRES_PORT, ServerConfig } from "./archives";
import { securityConfigProblems, SecurityConfig, serverOptionsOf } from "./security";
import { employees } from "./guide";

const config = new pulumi.Config("pgtier");
const prefix = config.get("namePrefix") ?? `pgtier-${pulumi.getStack()}`;
const image = config.get("image") ?? "pgtier/postgres:15";
const mainConfig = config.getObject<ServerConfig>("main");
const archivesGiven = config.getObject<ArchiveConfig[]>("archives");
const archiveConfigs = archivesGiven ?? [{ name: "archive", port: config.getNumber("archivePort") }];
const security: SecurityConfig = {
  fdwRoles: config.getBoolean("fdwRoles"),
  writableArchives: config.getObject<string[]>("writableArchives"),
  sslmode: config.get("sslmode"),
  sslrootcert: config.get("sslrootcert"),
  serverOptions: config.getObject<Record<string, string>>("serverOptions"),
  tls: config.getBoolean("tls"),
  passwordFile: config.getBoolean("passwordFile"),
  isolateArchives: config.getBoolean("isolateArchives"),
};
const problems = [
  ...mainConfigProblems(mainConfig),
  ...securityConfigProblems(
    security,
    archiveConfigs.map((a) => a.name),
    mainConfig !== undefined,
  ),
  // The default archive is a container, which an existing main server cannot reach.
  ...(mainConfig !== undefined && archivesGiven === undefined
    ? [ARCHIVES_FOR_SERVER]
    : archiveConfigProblems(archiveConfigs, mainConfig !== undefined)),
];
if (problems.length > 0) {
  // A RunError is shown as its message alone, without a stack trace.
  throw new pulumi.RunError(`the stack's config is invalid:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
}
const backupLocation = config.get("backupLocation");

/** A server's password: the secret its entry names, else `pgtier:password`. */
function passwordOf(server: ServerConfig | undefined): pulumi.Output<string> {
  return config.requireSecret(server?.passwordKey ?? "password");
}

/** An existing server, as its config entry gives it. */
function existingServer(name: string, server: ServerConfig, database: string): PostgresInstance {
  return new PostgresInstance(name, {
    host: server.host,
    port: server.port ?? POSTGRES_PORT,
    internalHost: server.internalHost,
    internalPort: server.internalPort,
    user: server.user ?? "postgres",
    password: passwordOf(server),
    database: server.database ?? database,
  });
}

// Containers share one network, made with the first of them; existing servers need none.
let network: DockerNetwork | undefined;
// With pgtier:isolateArchives, the archives' own network: internal, reached from the main instance (which joins it too).
const archiveNetwork = security.isolateArchives
  ? new DockerNetwork("archive-network", { name: `${prefix}-archives`, internal: true })
  : undefined;

/**
 * A container pgtier runs on the stack's network; an archive of an isolated
 * stack on the archives' internal network instead, published only when its
 * port is configured.
 */
function container(
  name: string,
  database: string,
  hostPort: number | undefined,
  archive: boolean,
  retainVolume?: boolean,
): PostgresInstance {
  // Docker publishes no port of a container whose only network is internal: an archive published by
  // configuration joins the stack's network too.
  const isolated = archive && archiveNetwork !== undefined && hostPort === undefined;
  const stackNetwork = () => (network ??= new DockerNetwork("network", { name: prefix })).name;
  return new DockerPostgres(name, {
    image,
    containerName: `${prefix}-${name}`,
    network: isolated ? archiveNetwork.name : stackNetwork(),
    publish: isolated ? false : undefined,
    hostPort: isolated ? undefined : (hostPort ?? 0),
    extraNetworks: archiveNetwork && !isolated ? [archiveNetwork.name] : undefined,
    password: passwordOf(undefined),
    database,
    retainVolume,
  }).instance;
}

const main = mainConfig ? existingServer("main", mainConfig, "appdb") : container("main", "appdb", config.getNumber("mainPort"), false);

const archives: Record<string, PostgresInstance> = {};
for (const a of archiveConfigs) {
  archives[a.name] =
    a.host !== undefined
      ? existingServer(a.name, a, "archive_db")
      : container(a.name, "archive_db", a.port, true, config.getBoolean("keepVolumes") ?? true);
}

// TLS: the stack's CA, a certificate per instance, TLS on in each; the main instance holds the CA its foreign servers verify against.
const fdwRoles = security.fdwRoles === false ? undefined : fdwRoleNames(employees.name);
const tls = security.tls ? new CertificateAuthority("ca", { commonName: `pgtier ${pulumi.getStack()} CA` }) : undefined;
const mainTls = tls && serveTls("main", tls, main);
const archiveTls = tls
  ? Object.entries(archives).map(([key, archive]) =>
      serveTls(key, tls, archive, { sslOnlyRoles: fdwRoles ? [fdwRoles.reader, fdwRoles.writer] : [] }),
    )
  : [];
const serverOptions: Record<string, pulumi.Input<string>> = serverOptionsOf(security, DEFAULT_SERVER_OPTIONS);
if (mainTls) {
  serverOptions.sslrootcert = mainTls.caFile;
}

const table = new TieredTable("employees", {
  main,
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
  adopt: config.getBoolean("adopt"),
  serverOptions,
  accessDependsOn: mainTls ? [mainTls, ...archiveTls] : undefined,
  fdwRoles: security.fdwRoles === false ? false : { writable: security.writableArchives, passwordFile: security.passwordFile },
});

/** Where to connect: psql -h host -p port -U postgres appdb. */
export const mainEndpoint = main.endpoint;
/** The first archive instance's endpoint. */
export const archiveEndpoint = archives[archiveConfigs[0].name].endpoint;
/** Every archive instance's endpoint, by name. */
export const archiveEndpoints = Object.fromEntries(Object.entries(archives).map(([k, v]) => [k, v.endpoint]));
/** Containers pgtier runs (null for an existing server). */
export const mainContainer = mainConfig ? null : `${prefix}-main`;
export const archiveContainers = archiveConfigs.filter((a) => a.host === undefined).map((a) => `${prefix}-${a.name}`);
export const tableName = table.table.name;
/** The layout for the as-of date, one line per partition: period, name, bounds, tier, instance. */
export const timeline = table.timeline;
/** The as-of date the layout is for. */
export const asOf = table.layout.asOf;
