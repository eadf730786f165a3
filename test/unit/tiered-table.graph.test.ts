/**
 * TieredTable's component graph under Pulumi's mocks: one TieredPartition per
 * period of the planner's layout, with its tier, bounds and archive server,
 * and one foreign server and user mapping per archive instance. No engine,
 * Docker or PostgreSQL. The components are loaded only after the mocks are set.
 */
import assert from "node:assert/strict";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { installMockEngine, quiet, registered, Registration, settled } from "../support/mocks";
import { TierPolicy } from "../../components/planner/plan-layout";
import { unwrapSecrets } from "../../components/provider/secrets";
import { archiveConnection, mainConnection, secret } from "./fixtures";

/** The instances' connections as their `connection` outputs give them: with the container's name, to find its port at each connection. */
const mainAt = { ...mainConnection, container: "pgtier-test-main" };
const archiveAt = { ...archiveConnection, container: "pgtier-test-archive" };

type Components = typeof import("../../components");
type Guide = typeof import("../../stacks/guide");

/** The guide's policy without retention; hot and future periods left to their defaults (1 and 1). */
const guideYears: TierPolicy = { period: "year", firstPeriod: "2024-01-01", archives: [{ archive: "archive" }], namePrefix: "emp_" };

const TIERED = "pgtier:index:TieredPartition";

describe("TieredTable component graph (Pulumi mocks)", () => {
  let components: Components;
  let guide: Guide;
  let savedConfig: Record<string, string>;
  let savedAsOf: string | undefined;

  before(async () => {
    await installMockEngine();
    components = await import("../../components");
    guide = await import("../../stacks/guide");
    savedConfig = { ...pulumi.runtime.allConfig() };
    // PGTIER_AS_OF would win over config; these tests choose the date themselves.
    savedAsOf = process.env.PGTIER_AS_OF;
    delete process.env.PGTIER_AS_OF;
  });

  after(() => {
    if (savedAsOf !== undefined) {
      process.env.PGTIER_AS_OF = savedAsOf;
    }
  });

  beforeEach(() => {
    registered.length = 0;
  });

  // Nothing registered by one test may arrive during the next; config set by one test is not seen by the next.
  afterEach(async () => {
    await quiet();
    pulumi.runtime.setAllConfig(savedConfig);
  });

  function instance(name: string, port: number, database: string) {
    return new components.DockerPostgres(name, {
      image: "pgtier/postgres:15",
      containerName: `pgtier-test-${name}`,
      network: "pgtier-test",
      hostPort: port,
      password: "pw",
      database,
    }).instance;
  }

  /** A TieredTable over the guide's instances; waits for every registration. */
  async function tieredTable(
    args: Partial<import("../../components").TieredTableArgs> = {},
    archiveKeys: readonly string[] = ["archive"],
  ): Promise<import("../../components").TieredTable> {
    const main = instance("main", 15432, "appdb");
    const archives = Object.fromEntries(archiveKeys.map((key, i) => [key, instance(key, 15433 + i, "archive_db")]));
    const table = new components.TieredTable("employees", {
      main,
      archives,
      table: guide.employees,
      policy: guideYears,
      asOf: "2025-06-15",
      ...args,
    });
    await settled(pulumi.all([table.urn, ...Object.values(table.partitions).map((p) => p.urn)]));
    await quiet();
    return table;
  }

  /** The TieredPartitions registered, by name: registration order depends on which inputs resolve first. */
  function partitions(): Registration[] {
    return registered.filter((r) => r.type === TIERED).sort((a, b) => a.name.localeCompare(b.name));
  }

  function partition(name: string): Record<string, unknown> {
    const found = registered.filter((r) => r.type === TIERED && r.name === `employees-${name}`);
    assert.equal(found.length, 1, `expected one TieredPartition employees-${name}`);
    return found[0].inputs;
  }

  /** A partition's placement: tier, bounds and archive server. */
  function placement(name: string): string {
    const p = partition(name);
    const server = (unwrapSecrets(p.archive) as { server?: string } | undefined)?.server;
    return `${String(p.name)} ${String(p.tier)} [${String(p.from)}, ${String(p.to)})${server ? ` via ${server}` : ""}`;
  }

  it("registers the guide's objects for 2025-06-15, by type token", async () => {
    // WHEN
    await tieredTable();
    // THEN
    assert.deepEqual(
      registered
        .filter((r) => r.name.startsWith("employees"))
        .map((r) => `${r.type} ${r.name}`)
        .sort(),
      [
        "pgtier:index:Extension employees-postgres-fdw",
        "pgtier:index:ForeignServer employees-archive-server",
        "pgtier:index:Grant employees-archive-fdw-reader-connect",
        "pgtier:index:Grant employees-archive-fdw-reader-usage",
        "pgtier:index:Grant employees-archive-fdw-writer-connect",
        "pgtier:index:Grant employees-archive-fdw-writer-usage",
        "pgtier:index:MonitoringViews employees-monitoring",
        "pgtier:index:PartitionedTable employees-table",
        "pgtier:index:Role employees-archive-fdw-reader",
        "pgtier:index:Role employees-archive-fdw-writer",
        "pgtier:index:TieredPartition employees-emp_2024",
        "pgtier:index:TieredPartition employees-emp_2025",
        "pgtier:index:TieredPartition employees-emp_2026",
        "pgtier:index:TieredTable employees",
        "pgtier:index:UserMapping employees-archive-mapping",
      ],
    );
  });

  /** The user mapping's remote user, by archive key. */
  function mappedUsers(): Record<string, unknown> {
    return Object.fromEntries(
      registered.filter((r) => r.type === "pgtier:index:UserMapping").map((r) => [r.name, unwrapSecrets(r.inputs.remoteUser)]),
    );
  }

  it("maps to the FDW reader, a login role that is no superuser, and grants the archive tables to both roles", async () => {
    // WHEN
    await tieredTable();
    // THEN
    assert.deepEqual(mappedUsers(), { "employees-archive-mapping": "employees_fdw_reader" });
    const roles = registered.filter((r) => r.type === "pgtier:index:Role").map((r) => [r.inputs.name, r.inputs.login, r.inputs.superuser]);
    assert.deepEqual(roles.sort(), [
      ["employees_fdw_reader", true, undefined],
      ["employees_fdw_writer", true, undefined],
    ]);
    assert.deepEqual((unwrapSecrets(partition("emp_2024").archive) as { grants: unknown }).grants, [
      { role: "employees_fdw_reader", privileges: ["SELECT"] },
      { role: "employees_fdw_writer", privileges: ["DELETE", "INSERT", "SELECT", "UPDATE"] },
    ]);
  });

  it("maps writable archives, and every archive with the fdw copy, to the writer; fdwRoles false to the admin role", async () => {
    const twoArchives: TierPolicy = {
      ...guideYears,
      archives: [
        { archive: "a", to: "2024-07-01" },
        { archive: "b", from: "2024-07-01" },
      ],
      period: "quarter",
    };
    await tieredTable({ fdwRoles: { writable: ["b"] }, policy: twoArchives }, ["a", "b"]);
    assert.deepEqual(mappedUsers(), { "employees-a-mapping": "employees_fdw_reader", "employees-b-mapping": "employees_fdw_writer" });
    await quiet();
    registered.length = 0;

    await tieredTable({ rotation: { copyMethod: "fdw" }, policy: { ...guideYears, archives: [{ archive: "a" }] } }, ["a"]);
    assert.deepEqual(mappedUsers(), { "employees-a-mapping": "employees_fdw_writer" });
    await quiet();
    registered.length = 0;

    await tieredTable({ fdwRoles: false });
    assert.deepEqual(mappedUsers(), { "employees-archive-mapping": "postgres" });
    assert.equal(registered.filter((r) => r.type === "pgtier:index:Role").length, 0);
    assert.equal((unwrapSecrets(partition("emp_2024").archive) as { grants?: unknown }).grants, undefined);
  });

  it("with fdwRoles.passwordFile, keeps the roles' passwords in the main instance's passfile, not in the mappings", async () => {
    await tieredTable({ fdwRoles: { passwordFile: true } });
    const file = registered.find((r) => r.type === "pgtier:index:PasswordFile");
    assert.ok(file, "a PasswordFile is registered");
    assert.deepEqual(
      (unwrapSecrets(file.inputs.entries) as Record<string, unknown>[]).map((e) => [e.host, e.port, e.database, e.user]),
      [["pgtier-test-archive", 5432, "archive_db", "employees_fdw_reader"]],
    );
    const mapping = registered.find((r) => r.type === "pgtier:index:UserMapping")!;
    assert.equal(mapping.inputs.password, undefined);
    const server = registered.find((r) => r.type === "pgtier:index:ForeignServer")!;
    assert.equal((unwrapSecrets(server.inputs.options) as Record<string, unknown>).passfile, "/var/lib/postgresql/data/pgtier.pgpass");
  });

  it("archives 2024 through archive_server and keeps 2025 and 2026 local", async () => {
    await tieredTable();
    assert.deepEqual(
      partitions().map((r) => placement(r.inputs.name as string)),
      [
        "emp_2024 archive [2024-01-01, 2025-01-01) via archive_server",
        "emp_2025 local [2025-01-01, 2026-01-01)",
        "emp_2026 local [2026-01-01, 2027-01-01)",
      ],
    );
  });

  it("gives an archived partition the archive instance's connection, still secret", async () => {
    await tieredTable({ fdwRoles: false });
    const emp2024 = partition("emp_2024");
    // The secret connection makes the whole archive target secret on the wire.
    assert.deepEqual(emp2024.archive, secret({ connection: archiveAt, server: "archive_server" }));
    assert.deepEqual(emp2024.connection, secret(mainAt));
  });

  it("passes the table's shape and no archive to a local partition", async () => {
    await tieredTable();
    const emp2025 = partition("emp_2025");
    assert.deepEqual(
      {
        parent: emp2025.parent,
        columns: emp2025.columns,
        partitionKey: emp2025.partitionKey,
        indexes: emp2025.indexes,
        archive: emp2025.archive,
      },
      {
        parent: "employees",
        columns: guide.employees.columns,
        partitionKey: "hire_date",
        indexes: guide.employees.indexes,
        archive: undefined,
      },
    );
  });

  it("points archive_server at the archive instance and, with fdwRoles false, maps the admin's credentials", async () => {
    await tieredTable({ fdwRoles: false });
    assert.deepEqual(registered.find((r) => r.type === "pgtier:index:ForeignServer")?.inputs, {
      connection: secret(mainAt),
      name: "archive_server",
      host: "pgtier-test-archive",
      port: 5432,
      dbname: "archive_db",
      options: { fetch_size: "10000", async_capable: "true" },
    });
    assert.deepEqual(registered.find((r) => r.type === "pgtier:index:UserMapping")?.inputs, {
      connection: secret(mainAt),
      server: "archive_server",
      remoteUser: "postgres",
      password: secret("pw"),
    });
  });

  it("exposes the layout as timeline lines", async () => {
    const table = await tieredTable();
    assert.deepEqual(table.timeline, [
      "2024  emp_2024  [2024-01-01, 2025-01-01)  archive  archive",
      "2025  emp_2025  [2025-01-01, 2026-01-01)  local    main  <- current",
      "2026  emp_2026  [2026-01-01, 2027-01-01)  local    main",
    ]);
    assert.equal(table.layout.asOf, "2025-06-15");
    assert.deepEqual(Object.keys(table.partitions), ["emp_2024", "emp_2025", "emp_2026"]);
  });

  it("moves emp_2025 to the archive tier on 2026-01-01 and adds emp_2027", async () => {
    // WHEN
    const table = await tieredTable({ asOf: "2026-01-01" });
    // THEN
    assert.equal(partition("emp_2025").tier, "archive");
    assert.deepEqual(
      partitions().map((r) => placement(r.inputs.name as string)),
      [
        "emp_2024 archive [2024-01-01, 2025-01-01) via archive_server",
        "emp_2025 archive [2025-01-01, 2026-01-01) via archive_server",
        "emp_2026 local [2026-01-01, 2027-01-01)",
        "emp_2027 local [2027-01-01, 2028-01-01)",
      ],
    );
    assert.deepEqual(table.timeline, [
      "2024  emp_2024  [2024-01-01, 2025-01-01)  archive  archive",
      "2025  emp_2025  [2025-01-01, 2026-01-01)  archive  archive",
      "2026  emp_2026  [2026-01-01, 2027-01-01)  local    main  <- current",
      "2027  emp_2027  [2027-01-01, 2028-01-01)  local    main",
    ]);
  });

  it("takes the as-of date from config pgtier:asOf when none is passed", async () => {
    // WHEN
    pulumi.runtime.setConfig("pgtier:asOf", "2026-01-01");
    const table = await tieredTable({ asOf: undefined });
    // THEN
    assert.equal(table.layout.asOf, "2026-01-01");
    assert.equal(partition("emp_2025").tier, "archive");
  });

  it("takes the as-of date from PGTIER_AS_OF over config pgtier:asOf", async () => {
    pulumi.runtime.setConfig("pgtier:asOf", "2025-06-15");
    process.env.PGTIER_AS_OF = "2026-01-01";
    try {
      const table = await tieredTable({ asOf: undefined });
      assert.equal(table.layout.asOf, "2026-01-01");
    } finally {
      delete process.env.PGTIER_AS_OF;
    }
  });

  it("prefers an asOf passed in over config pgtier:asOf", async () => {
    pulumi.runtime.setConfig("pgtier:asOf", "2026-01-01");
    const table = await tieredTable({ asOf: "2025-06-15" });
    assert.equal(table.layout.asOf, "2025-06-15");
    assert.equal(partition("emp_2025").tier, "local");
  });

  it("registers one server and mapping per archive instance and places each period by its rule", async () => {
    // WHEN
    const table = await tieredTable(
      {
        policy: {
          ...guideYears,
          firstPeriod: "2023-01-01",
          archives: [
            { archive: "old", to: "2025-01-01" },
            { archive: "cold", from: "2025-01-01" },
          ],
        },
        asOf: "2026-03-01",
      },
      ["old", "cold"],
    );
    // THEN
    assert.deepEqual(Object.keys(table.servers).sort(), ["cold", "old"]);
    assert.deepEqual(
      registered
        .filter((r) => r.type === "pgtier:index:ForeignServer" || r.type === "pgtier:index:UserMapping")
        .map((r) => `${r.name} ${String(r.inputs.name ?? r.inputs.server)} ${String(r.inputs.host ?? "")}`)
        .sort(),
      [
        "employees-cold-mapping cold_server ",
        "employees-cold-server cold_server pgtier-test-cold",
        "employees-old-mapping old_server ",
        "employees-old-server old_server pgtier-test-old",
      ],
    );
    assert.deepEqual(
      partitions().map((r) => placement(r.inputs.name as string)),
      [
        "emp_2023 archive [2023-01-01, 2024-01-01) via old_server",
        "emp_2024 archive [2024-01-01, 2025-01-01) via old_server",
        "emp_2025 archive [2025-01-01, 2026-01-01) via cold_server",
        "emp_2026 local [2026-01-01, 2027-01-01)",
        "emp_2027 local [2027-01-01, 2028-01-01)",
      ],
    );
  });

  it("passes the rotation settings and an absolute backup location to every partition", async () => {
    // WHEN
    await tieredTable({
      policy: { ...guideYears, retentionPeriods: 3 },
      backup: { location: "backups/dev", csv: true },
      rotation: { copyMethod: "fdw", batchSize: 500, keepLocal: true },
    });
    // THEN
    for (const r of partitions()) {
      assert.deepEqual(
        {
          copyMethod: r.inputs.copyMethod,
          batchSize: r.inputs.batchSize,
          keepLocal: r.inputs.keepLocal,
          backup: r.inputs.backup,
        },
        // Relative to the project directory (Pulumi.yaml's), which the mocks report as "rootDirectory".
        {
          copyMethod: "fdw",
          batchSize: 500,
          keepLocal: true,
          backup: { location: path.resolve(pulumi.runtime.getRootDirectory(), "backups/dev"), csv: true },
        },
        r.name,
      );
    }
    assert.equal(partitions().length, 3);
  });

  it("resolves the backup location against the project directory, not the working directory", async () => {
    await tieredTable({ policy: { ...guideYears, retentionPeriods: 3 }, backup: { location: "backups/dev" } });
    const location = (partition("emp_2024").backup as { location: string }).location;
    assert.notEqual(pulumi.runtime.getRootDirectory(), "", "the mocks report a project directory");
    assert.equal(location, path.resolve(pulumi.runtime.getRootDirectory(), "backups", "dev"));
    assert.notEqual(location, path.resolve("backups/dev"));
  });

  it("keeps an absolute backup location as it is", async () => {
    await tieredTable({ policy: { ...guideYears, retentionPeriods: 3 }, backup: { location: "/var/backups/pgtier" } });
    assert.deepEqual(partition("emp_2024").backup, { location: "/var/backups/pgtier" });
  });

  it("reports one error on the component, without a stack trace, before registering anything of the table", async () => {
    // WHEN
    const main = instance("main", 15432, "appdb");
    await settled(main.urn);
    await quiet();
    registered.length = 0;
    let thrown: unknown;
    try {
      new components.TieredTable("employees", { main, archives: {}, table: guide.employees, policy: guideYears, asOf: "2025-06-15" });
    } catch (err) {
      thrown = err;
    }
    // THEN: Pulumi prints a ResourceError with hideStack as the message alone, on the component's row
    assert.ok(pulumi.ResourceError.isInstance(thrown), `expected a ResourceError, got ${String(thrown)}`);
    assert.equal(
      thrown.message,
      'TieredTable "employees" has invalid arguments:\n' +
        '  - policy.archives[0] names archive "archive", which is not in archives (none); add the instance or fix the rule',
    );
    assert.equal(thrown.hideStack, true);
    assert.ok(thrown.resource instanceof components.TieredTable);
    await quiet();
    assert.deepEqual(
      registered.map((r) => `${r.type} ${r.name}`),
      ["pgtier:index:TieredTable employees"],
    );
  });

  it("reports the planner's problems with the policy the same way", async () => {
    const main = instance("main", 15432, "appdb");
    await settled(main.urn);
    let thrown: unknown;
    try {
      new components.TieredTable("employees", {
        main,
        archives: { archive: main },
        table: guide.employees,
        policy: { ...guideYears, hotPeriods: 0 },
        asOf: "2025-06-15",
      });
    } catch (err) {
      thrown = err;
    }
    assert.ok(pulumi.ResourceError.isInstance(thrown), `expected a ResourceError, got ${String(thrown)}`);
    assert.match(thrown.message, /^TieredTable "employees" has invalid arguments:\n {2}- hotPeriods/);
  });
});
