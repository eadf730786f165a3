/**
 * The component graph under Pulumi's mocks: which resources DockerPostgres and
 * ArchiveLayout register, with which inputs, without an engine, Docker or
 * PostgreSQL. The components are loaded only after the mocks are set.
 */
import assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { installMockEngine, quiet, registered, Registration, settled } from "../support/mocks";
import { archiveConnection, mainConnection, secret } from "./fixtures";

/** The instances' connections as their `connection` outputs give them: with the container's name, to find its port at each connection. */
const mainAt = { ...mainConnection, container: "pgtier-test-main" };
const archiveAt = { ...archiveConnection, container: "pgtier-test-archive" };

type Components = typeof import("../../components");
type Guide = typeof import("../../stacks/guide");

/** Waits until every given resource has been registered with the mock engine. */
function allRegistered(resources: pulumi.Resource[]): Promise<string[]> {
  return settled(pulumi.all(resources.map((r) => r.urn)));
}

function only(type: string): Registration {
  const found = registered.filter((r) => r.type === type);
  assert.equal(found.length, 1, `expected one ${type}, got ${found.map((r) => r.name).join(", ") || "none"}`);
  return found[0];
}

describe("component graph (Pulumi mocks)", () => {
  let components: Components;
  let guide: Guide;

  before(async () => {
    await installMockEngine();
    components = await import("../../components");
    guide = await import("../../stacks/guide");
  });

  beforeEach(() => {
    registered.length = 0;
  });

  // Nothing registered by one test may arrive during the next.
  afterEach(quiet);

  /** The guide's two instances, as stacks/index.ts builds them. */
  function guideInstances() {
    const main = new components.DockerPostgres("main", {
      image: "pgtier/postgres:15",
      containerName: "pgtier-test-main",
      network: "pgtier-test",
      hostPort: 15432,
      password: "pw",
      database: "appdb",
    });
    const archive = new components.DockerPostgres("archive", {
      image: "pgtier/postgres:15",
      containerName: "pgtier-test-archive",
      network: "pgtier-test",
      hostPort: 15433,
      password: "pw",
      database: "archive_db",
    });
    return { main, archive };
  }

  describe("DockerPostgres", () => {
    it("registers a data volume and a PostgresInstance on it", async () => {
      // WHEN
      const { main } = guideInstances();
      await allRegistered([main.instance, main.volume]);
      // THEN
      const mine = registered.filter((r) => r.name.startsWith("main"));
      assert.deepEqual(mine.map((r) => `${r.type} ${r.name}`).sort(), [
        "pgtier:index:DockerPostgres main",
        "pgtier:index:DockerVolume main-data",
        "pgtier:index:PostgresInstance main",
      ]);
      assert.deepEqual(registered.find((r) => r.type === "pgtier:index:DockerVolume" && r.name === "main-data")?.inputs, {
        name: "pgtier-test-main-data",
      });
      assert.deepEqual(registered.find((r) => r.name === "main" && r.type === "pgtier:index:PostgresInstance")?.inputs, {
        image: "pgtier/postgres:15",
        containerName: "pgtier-test-main",
        network: "pgtier-test",
        volume: "pgtier-test-main-data",
        hostPort: 15432,
        user: "postgres",
        // the password stays a secret all the way to the provider
        password: secret("pw"),
        database: "appdb",
      });
    });

    it("defaults the host port to 0 (Docker picks one) and honours volumeName", async () => {
      const pg = new components.DockerPostgres("solo", {
        image: "postgres:16",
        containerName: "solo",
        network: "net",
        volumeName: "solo-volume",
        password: "pw",
        database: "db",
      });
      await allRegistered([pg.instance]);
      const instance = registered.find((r) => r.type === "pgtier:index:PostgresInstance");
      assert.equal(instance?.inputs.hostPort, 0);
      assert.equal(instance?.inputs.volume, "solo-volume");
    });

    it("exposes the instance's connection and endpoints from the provider's outputs", async () => {
      const { archive } = guideInstances();
      assert.deepEqual(await settled(archive.instance.connection), archiveAt);
      assert.equal(await pulumi.isSecret(archive.instance.connection), true);
      assert.deepEqual(await settled(archive.instance.internalEndpoint), { host: "pgtier-test-archive", port: 5432 });
      assert.equal(await pulumi.isSecret(archive.instance.password), true);
    });
  });

  describe("ArchiveLayout with the guide's spec", () => {
    async function guideLayout() {
      const { main, archive } = guideInstances();
      const layout = new components.ArchiveLayout("employees", {
        main: main.instance,
        archives: { archive: archive.instance },
        table: guide.employees,
        partitions: guide.guidePartitions,
      });
      await allRegistered([
        layout,
        layout.table,
        layout.servers.archive,
        layout.localPartitions.emp_2025,
        layout.archiveTables.emp_2024,
        layout.foreignPartitions.emp_2024,
      ]);
      // The mapping and the extension are not exposed; wait for the last registrations to arrive.
      await quiet();
      return registered.filter((r) => r.name.startsWith("employees"));
    }

    it("registers exactly the guide's objects, by type token", async () => {
      // WHEN
      const graph = await guideLayout();
      // THEN
      assert.deepEqual(graph.map((r) => `${r.type} ${r.name}`).sort(), [
        "pgtier:index:ArchiveLayout employees",
        "pgtier:index:ArchiveTable employees-emp_2024-archive",
        "pgtier:index:Extension employees-postgres-fdw",
        "pgtier:index:ForeignPartition employees-emp_2024",
        "pgtier:index:ForeignServer employees-archive-server",
        "pgtier:index:LocalPartition employees-emp_2025",
        "pgtier:index:PartitionedTable employees-table",
        "pgtier:index:UserMapping employees-archive-mapping",
      ]);
    });

    it("installs postgres_fdw on the main instance", async () => {
      await guideLayout();
      assert.deepEqual(only("pgtier:index:Extension").inputs, {
        connection: secret(mainAt),
        name: "postgres_fdw",
      });
    });

    it("points archive_server at the archive instance's internal endpoint, with pgtier's default options", async () => {
      await guideLayout();
      assert.deepEqual(only("pgtier:index:ForeignServer").inputs, {
        connection: secret(mainAt),
        name: "archive_server",
        host: "pgtier-test-archive",
        port: 5432,
        dbname: "archive_db",
        options: { fetch_size: "10000", async_capable: "true" },
      });
    });

    it("maps the main role to the archive's credentials on archive_server", async () => {
      await guideLayout();
      assert.deepEqual(only("pgtier:index:UserMapping").inputs, {
        connection: secret(mainAt),
        server: "archive_server",
        remoteUser: "postgres",
        password: secret("pw"),
      });
    });

    it("creates employees partitioned on hire_date with the guide's columns and indexes", async () => {
      await guideLayout();
      const table = only("pgtier:index:PartitionedTable").inputs;
      assert.equal(table.name, "employees");
      assert.equal(table.partitionKey, "hire_date");
      assert.deepEqual(table.columns, guide.employees.columns);
      assert.deepEqual(
        (table.indexes as { name: string }[]).map((ix) => ix.name),
        ["idx_emp_date", "idx_emp_name", "idx_emp_dept"],
      );
    });

    it("keeps emp_2025 local on the main instance", async () => {
      await guideLayout();
      const local = only("pgtier:index:LocalPartition").inputs;
      assert.deepEqual(
        { name: local.name, parent: local.parent, from: local.from, to: local.to },
        { name: "emp_2025", parent: "employees", from: "2025-01-01", to: "2026-01-01" },
      );
      assert.deepEqual(local.connection, secret(mainAt));
    });

    it("puts the emp_2024 archive table on the archive instance, with the bounds", async () => {
      await guideLayout();
      assert.deepEqual(only("pgtier:index:ArchiveTable").inputs, {
        connection: secret(archiveAt),
        name: "emp_2024",
        columns: guide.employees.columns,
        partitionKey: "hire_date",
        from: "2024-01-01",
        to: "2025-01-01",
        indexes: guide.employees.indexes,
      });
    });

    it("attaches emp_2024 as a foreign partition reading archive_server's emp_2024", async () => {
      await guideLayout();
      assert.deepEqual(only("pgtier:index:ForeignPartition").inputs, {
        connection: secret(mainAt),
        name: "emp_2024",
        parent: "employees",
        from: "2024-01-01",
        to: "2025-01-01",
        server: "archive_server",
        remoteTable: "emp_2024",
      });
    });

    it("uses serverName and serverOptions when given", async () => {
      const { main, archive } = guideInstances();
      const layout = new components.ArchiveLayout("staff", {
        main: main.instance,
        archives: { cold: archive.instance },
        table: guide.employees,
        partitions: [{ name: "emp_2024", from: "2024-01-01", to: "2025-01-01", tier: "archive", archive: "cold" }],
        serverName: (key) => `${key}_srv`,
        serverOptions: { fetch_size: "500" },
      });
      await allRegistered([layout.servers.cold, layout.foreignPartitions.emp_2024]);
      const server = registered.find((r) => r.type === "pgtier:index:ForeignServer" && r.name === "staff-cold-server");
      assert.equal(server?.inputs.name, "cold_srv");
      assert.deepEqual(server?.inputs.options, { fetch_size: "500" });
      const partition = registered.find((r) => r.type === "pgtier:index:ForeignPartition" && r.name === "staff-emp_2024");
      assert.equal(partition?.inputs.server, "cold_srv");
    });
  });

  describe("an invalid layout", () => {
    it("reports one error on the component, listing the problem, before registering anything of the layout", async () => {
      const { main, archive } = guideInstances();
      await allRegistered([main.instance, archive.instance]);
      await quiet();
      registered.length = 0;
      // WHEN
      let thrown: unknown;
      try {
        new components.ArchiveLayout("employees", {
          main: main.instance,
          archives: { archive: archive.instance },
          table: guide.employees,
          partitions: [
            { name: "emp_2024", from: "2024-01-01", to: "2025-01-01", tier: "archive", archive: "archive" },
            { name: "emp_2025", from: "2024-07-01", to: "2026-01-01", tier: "local" },
          ],
        });
      } catch (err) {
        thrown = err;
      }
      // THEN
      assert.ok(pulumi.ResourceError.isInstance(thrown), `expected a ResourceError, got ${String(thrown)}`);
      assert.equal(
        thrown.message,
        'ArchiveLayout "employees" has invalid arguments:\n' +
          "  - partitions emp_2024 [2024-01-01, 2025-01-01) and emp_2025 [2024-07-01, 2026-01-01) overlap; PostgreSQL routes each row to exactly one partition — make emp_2024 end where emp_2025 starts",
      );
      assert.equal(thrown.hideStack, true);
      await quiet();
      assert.deepEqual(
        registered.map((r) => `${r.type} ${r.name}`),
        ["pgtier:index:ArchiveLayout employees"],
      );
    });

    it("lists every problem in the one error", () => {
      assert.throws(
        () =>
          components.ArchiveLayout.validate("employees", {
            main: undefined as never,
            archives: {},
            table: guide.employees,
            partitions: [
              { name: "emp_2024", from: "2024-01-01", to: "2025-01-01", tier: "archive", archive: "archive" },
              { name: "emp_2024", from: "2025-01-01", to: "2024-01-01", tier: "local" },
            ],
          }),
        {
          message:
            'ArchiveLayout "employees" has invalid arguments:\n' +
            '  - partitions[0] (emp_2024) is archived on "archive", which is not one of the archive instances (none given)\n' +
            '  - partitions[1] (emp_2024): bounds are inverted or empty: from "2025-01-01" must be before to "2024-01-01" (ranges are [from, to))\n' +
            '  - partitions[1]: partition name "emp_2024" is used twice',
        },
      );
    });
  });
});
