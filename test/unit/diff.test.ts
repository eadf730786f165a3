import assert from "node:assert/strict";
import { describeChanges, diffInputs, sameValue } from "../../components/diff/diff";
import { diffRules } from "../../components/provider/registry";
import { UNKNOWN } from "../../components/validate/common";
import {
  archiveConnection,
  emp2024ArchiveInputs,
  emp2025Partition,
  employeeColumns,
  employeeIndexes,
  mainConnection,
  mainInstanceInputs,
  tieredDefaults,
} from "./fixtures";

type Outcome = "update" | "replace";

/**
 * What a user should see for a change of each input, resource by resource,
 * and whether the old object goes first because both would claim one name.
 */
const expectations: Record<
  string,
  { deleteBeforeReplace: boolean; base: Record<string, unknown>; changes: Record<string, [unknown, Outcome]> }
> = {
  DockerNetwork: {
    deleteBeforeReplace: true,
    base: { name: "pgtier-dev" },
    changes: { name: ["pgtier-prod", "replace"] },
  },
  DockerVolume: {
    deleteBeforeReplace: true,
    base: { name: "pgtier-dev-main-data" },
    changes: { name: ["pgtier-dev-main-data2", "replace"] },
  },
  PostgresInstance: {
    deleteBeforeReplace: true,
    base: mainInstanceInputs,
    changes: {
      password: ["new-pw", "update"],
      host: ["db.example.com", "update"],
      port: [5433, "update"],
      image: ["postgres:16", "replace"],
      containerName: ["pgtier-dev-main2", "replace"],
      network: ["other", "replace"],
      volume: ["other-data", "replace"],
      hostPort: [15432, "replace"],
      user: ["admin", "replace"],
      database: ["otherdb", "replace"],
      env: [{ POSTGRES_INITDB_ARGS: "--data-checksums" }, "replace"],
    },
  },
  Database: {
    deleteBeforeReplace: true,
    base: { connection: mainConnection, name: "archive_db" },
    changes: { connection: [{ ...mainConnection, port: 15999 }, "update"], name: ["archive_db2", "replace"] },
  },
  Extension: {
    deleteBeforeReplace: true,
    base: { connection: mainConnection, name: "postgres_fdw" },
    changes: {
      connection: [{ ...mainConnection, port: 15999 }, "update"],
      version: ["1.1", "update"],
      name: ["dblink", "replace"],
      schema: ["fdw", "replace"],
    },
  },
  ForeignServer: {
    deleteBeforeReplace: false,
    base: {
      connection: mainConnection,
      name: "archive_server",
      host: "pgtier-dev-archive",
      port: 5432,
      dbname: "archive_db",
      options: { fetch_size: "10000", use_remote_estimate: "true" },
    },
    changes: {
      connection: [{ ...mainConnection, port: 15999 }, "update"],
      name: ["cold_server", "update"],
      host: ["pgtier-dev-archive2", "update"],
      port: [5433, "update"],
      dbname: ["archive_db2", "update"],
      options: [{ fetch_size: "50000" }, "update"],
    },
  },
  UserMapping: {
    deleteBeforeReplace: true,
    base: { connection: mainConnection, server: "archive_server", remoteUser: "postgres", password: "pw" },
    changes: {
      connection: [{ ...mainConnection, port: 15999 }, "update"],
      remoteUser: ["reader", "update"],
      password: ["new-pw", "update"],
      server: ["cold_server", "replace"],
      localUser: ["PUBLIC", "replace"],
    },
  },
  PartitionedTable: {
    deleteBeforeReplace: true,
    base: {
      connection: mainConnection,
      name: "employees",
      schema: "public",
      columns: employeeColumns,
      partitionKey: "hire_date",
      indexes: employeeIndexes,
      allowForeignPartitions: true,
    },
    changes: {
      connection: [{ ...mainConnection, port: 15999 }, "update"],
      columns: [[...employeeColumns, { name: "email", type: "text" }], "update"],
      indexes: [employeeIndexes.slice(1), "update"],
      allowForeignPartitions: [false, "update"],
      name: ["staff", "replace"],
      schema: ["hr", "replace"],
      partitionKey: ["id", "replace"],
    },
  },
  LocalPartition: {
    deleteBeforeReplace: true,
    base: emp2025Partition,
    changes: {
      connection: [{ ...mainConnection, port: 15999 }, "update"],
      from: ["2024-07-01", "update"],
      to: ["2027-01-01", "update"],
      // a partition found detached on refresh is re-attached by the next update
      attached: [false, "update"],
      name: ["emp_2025b", "replace"],
      schema: ["hr", "replace"],
      parent: ["staff", "replace"],
      parentSchema: ["hr", "replace"],
    },
  },
  ArchiveTable: {
    deleteBeforeReplace: true,
    base: emp2024ArchiveInputs,
    changes: {
      connection: [{ ...archiveConnection, port: 15999 }, "update"],
      columns: [[...employeeColumns, { name: "email", type: "text" }], "update"],
      indexes: [[], "update"],
      from: ["2023-01-01", "update"],
      to: ["2026-01-01", "update"],
      name: ["emp_2024b", "replace"],
      schema: ["hr", "replace"],
      partitionKey: ["id", "replace"],
    },
  },
  ForeignPartition: {
    deleteBeforeReplace: true,
    base: {
      connection: mainConnection,
      name: "emp_2024",
      schema: "public",
      parent: "employees",
      parentSchema: "public",
      from: "2024-01-01",
      to: "2025-01-01",
      attached: true,
      server: "archive_server",
      remoteSchema: "public",
      remoteTable: "emp_2024",
      options: {},
    },
    changes: {
      connection: [{ ...mainConnection, port: 15999 }, "update"],
      from: ["2023-01-01", "update"],
      to: ["2025-07-01", "update"],
      attached: [false, "update"],
      options: [{ fetch_size: "5000" }, "update"],
      remoteSchema: ["archive", "update"],
      remoteTable: ["emp_2024_v2", "update"],
      name: ["emp_2024b", "replace"],
      schema: ["hr", "replace"],
      parent: ["staff", "replace"],
      parentSchema: ["hr", "replace"],
      server: ["cold_server", "replace"],
    },
  },
  TieredPartition: {
    deleteBeforeReplace: true,
    base: {
      ...tieredDefaults,
      ...emp2025Partition,
      columns: employeeColumns,
      partitionKey: "hire_date",
      indexes: employeeIndexes,
      tier: "local",
    },
    changes: {
      connection: [{ ...mainConnection, port: 15999 }, "update"],
      // the rotation: rows move under the same resource, never a delete and create
      tier: ["archive", "update"],
      archive: [{ connection: archiveConnection, server: "archive_server" }, "update"],
      options: [{ fetch_size: "5000" }, "update"],
      attached: [false, "update"],
      columns: [[...employeeColumns, { name: "email", type: "text" }], "update"],
      indexes: [[], "update"],
      copyMethod: ["fdw", "update"],
      batchSize: [500, "update"],
      keepLocal: [true, "update"],
      lockTimeoutMs: [100, "update"],
      attempts: [3, "update"],
      backup: [{ location: "/backups" }, "update"],
      name: ["emp_2025b", "replace"],
      schema: ["hr", "replace"],
      parent: ["staff", "replace"],
      parentSchema: ["hr", "replace"],
      partitionKey: ["id", "replace"],
      from: ["2024-07-01", "replace"],
      to: ["2027-01-01", "replace"],
    },
  },
  Role: {
    deleteBeforeReplace: false,
    base: { connection: mainConnection, name: "fdw_reader", login: true, superuser: false, connectionLimit: -1 },
    changes: {
      connection: [{ ...mainConnection, port: 15999 }, "update"],
      login: [false, "update"],
      superuser: [true, "update"],
      createDatabase: [true, "update"],
      createRole: [true, "update"],
      inherit: [false, "update"],
      replication: [true, "update"],
      connectionLimit: [5, "update"],
      password: ["new-Pa55", "update"],
      name: ["fdw_reader2", "replace"],
    },
  },
  Grant: {
    deleteBeforeReplace: false,
    base: { connection: mainConnection, role: "fdw_reader", objectType: "table", objects: ["emp_2024"], privileges: ["SELECT"] },
    changes: {
      connection: [{ ...mainConnection, port: 15999 }, "update"],
      privileges: [["SELECT", "INSERT"], "update"],
      withGrantOption: [true, "update"],
      role: ["fdw_writer", "replace"],
      database: ["other_db", "replace"],
      schema: ["hr", "replace"],
      objectType: ["sequence", "replace"],
      objects: [["emp_2023"], "replace"],
    },
  },
  // A new certificate is always an update: what uses it is told in place, nothing is re-created.
  CertificateAuthority: {
    deleteBeforeReplace: false,
    base: { commonName: "pgtier CA", validityDays: 3650, renewBeforeDays: 90 },
    changes: { commonName: ["another CA", "update"], validityDays: [365, "update"], renewBeforeDays: [30, "update"] },
  },
  ServerCertificate: {
    deleteBeforeReplace: false,
    base: {
      caCertPem: "ca",
      caKeyPem: "key",
      commonName: "archive",
      dnsNames: ["archive"],
      ipAddresses: [],
      validityDays: 365,
      renewBeforeDays: 30,
    },
    changes: {
      caCertPem: ["ca2", "update"],
      caKeyPem: ["key2", "update"],
      commonName: ["a", "update"],
      dnsNames: [["a"], "update"],
      ipAddresses: [["127.0.0.1"], "update"],
      validityDays: [30, "update"],
      renewBeforeDays: [1, "update"],
    },
  },
  PasswordFile: {
    deleteBeforeReplace: true,
    base: {
      connection: mainConnection,
      fileName: "pgtier.pgpass",
      entries: [{ host: "archive", port: 5432, database: "archive_db", user: "r", password: "p" }],
    },
    changes: {
      connection: [{ ...mainConnection, port: 15999 }, "update"],
      entries: [[{ host: "archive", port: 5432, database: "archive_db", user: "r", password: "p2" }], "update"],
      fileName: ["other.pgpass", "replace"],
    },
  },
  MonitoringViews: {
    deleteBeforeReplace: true,
    base: {
      connection: mainConnection,
      schema: "public",
      parent: "employees",
      parentSchema: "public",
      partitionKey: "hire_date",
      healthView: "archive_health",
      statsView: "partition_query_stats",
      connectionsView: "fdw_connections",
      servers: ["archive_server"],
    },
    changes: {
      connection: [{ ...mainConnection, port: 15999 }, "update"],
      servers: [["archive_server", "archive_b_server"], "update"],
      connectionsView: ["fdw_sessions", "replace"],
      parent: ["staff", "update"],
      parentSchema: ["hr", "update"],
      partitionKey: ["id", "update"],
      schema: ["ops", "replace"],
      healthView: ["health", "replace"],
      statsView: ["stats", "replace"],
    },
  },
  ServerTls: {
    deleteBeforeReplace: false,
    base: { connection: mainConnection, certPem: "c", keyPem: "k", caPem: "ca", sslOnlyRoles: [] },
    changes: {
      connection: [{ ...mainConnection, port: 15999 }, "update"],
      certPem: ["c2", "update"],
      keyPem: ["k2", "update"],
      caPem: ["ca2", "update"],
      sslOnlyRoles: [["fdw_reader"], "update"],
    },
  },
};

describe("diff decisions (diffRules + diffInputs)", () => {
  it("has a spec for every resource type in the table, and no other", () => {
    assert.deepEqual(Object.keys(diffRules).sort(), Object.keys(expectations).sort());
  });

  for (const [type, { deleteBeforeReplace, base, changes }] of Object.entries(expectations)) {
    describe(type, () => {
      it("sees no change when nothing changed", () => {
        assert.deepEqual(diffInputs(diffRules[type], base, { ...base }), {
          changes: false,
          replaces: [],
          deleteBeforeReplace: false,
          changed: [],
        });
      });

      for (const [property, [value, outcome]] of Object.entries(changes)) {
        it(`${property}: ${outcome}${outcome === "replace" && deleteBeforeReplace ? " (delete first)" : ""}`, () => {
          // WHEN
          const decision = diffInputs(diffRules[type], base, { ...base, [property]: value });
          // THEN
          assert.deepEqual(decision, {
            changes: true,
            replaces: outcome === "replace" ? [property] : [],
            deleteBeforeReplace: outcome === "replace" && deleteBeforeReplace,
            changed: [property],
          });
        });
      }
    });
  }

  it("re-attaches a partition that a refresh found detached", () => {
    for (const type of ["LocalPartition", "ForeignPartition"]) {
      const { base } = expectations[type];
      assert.deepEqual(
        diffInputs(diffRules[type], { ...base, attached: false }, base),
        { changes: true, replaces: [], deleteBeforeReplace: false, changed: ["attached"] },
        type,
      );
    }
  });

  it("reports every changed input, replaces first", () => {
    const { base } = expectations.ForeignPartition;
    const decision = diffInputs(diffRules.ForeignPartition, base, { ...base, to: "2025-07-01", server: "cold_server" });
    assert.deepEqual(decision, { changes: true, replaces: ["server"], deleteBeforeReplace: true, changed: ["server", "to"] });
  });

  it("never deletes first for a type that does not ask for it", () => {
    const { base } = expectations.ForeignServer;
    const decision = diffInputs(diffRules.ForeignServer, base, { ...base, name: "cold_server", host: "elsewhere" });
    assert.deepEqual(decision, { changes: true, replaces: [], deleteBeforeReplace: false, changed: ["name", "host"] });
  });

  describe("unknown values", () => {
    it("count as a change, even when the old value may turn out the same", () => {
      const { base } = expectations.ForeignServer;
      const decision = diffInputs(diffRules.ForeignServer, base, { ...base, port: UNKNOWN });
      assert.deepEqual(decision.changed, ["port"]);
    });

    it("count as a change when nested (a connection whose port is not known yet)", () => {
      const { base } = expectations.LocalPartition;
      const decision = diffInputs(diffRules.LocalPartition, base, { ...base, connection: { ...mainConnection, port: UNKNOWN } });
      assert.deepEqual(decision.changed, ["connection"]);
    });

    it("of a replace-only input mean a replace", () => {
      const { base } = expectations.ForeignPartition;
      const decision = diffInputs(diffRules.ForeignPartition, base, { ...base, server: UNKNOWN });
      assert.deepEqual(decision.replaces, ["server"]);
    });

    it("never equal anything, not even the sentinel itself", () => {
      assert.equal(sameValue(UNKNOWN, UNKNOWN), false);
    });
  });

  describe("absent and computed values", () => {
    it("optional inputs absent on both sides are equal (undefined, null or missing)", () => {
      const { base } = expectations.Extension;
      assert.equal(diffInputs(diffRules.Extension, { ...base, schema: undefined }, { ...base, version: null }).changes, false);
    });

    it("an optional input added or removed is a change", () => {
      const { base } = expectations.Extension;
      assert.deepEqual(diffInputs(diffRules.Extension, base, { ...base, schema: "public" }).replaces, ["schema"]);
      assert.deepEqual(diffInputs(diffRules.Extension, { ...base, version: "1.1" }, base).changed, ["version"]);
    });

    it("computed outputs in the old state are ignored", () => {
      const { base } = expectations.PostgresInstance;
      const olds = {
        ...base,
        endpoint: { host: "127.0.0.1", port: 15432 },
        internalEndpoint: { host: "pgtier-dev-main", port: 5432 },
        running: true,
      };
      assert.equal(diffInputs(diffRules.PostgresInstance, olds, base).changes, false);
      const ext = expectations.Extension.base;
      assert.equal(diffInputs(diffRules.Extension, { ...ext, installedVersion: "1.1", installedSchema: "public" }, ext).changes, false);
    });

    it("compares objects regardless of key order, and arrays in order", () => {
      assert.equal(sameValue({ a: "1", b: "2" }, { b: "2", a: "1" }), true);
      assert.equal(sameValue({ a: "1", b: undefined }, { a: "1" }), true);
      assert.equal(sameValue(["a", "b"], ["b", "a"]), false);
      assert.equal(sameValue({ port: 5432 }, { port: "5432" }), false);
    });
  });

  describe("describeChanges (what preview --diff shows)", () => {
    it("names changed server options one by one", () => {
      const { base } = expectations.ForeignServer;
      // WHEN
      const changes = describeChanges(diffRules.ForeignServer, base, {
        ...base,
        options: { fetch_size: "50000", async_capable: "true" },
      });
      // THEN
      assert.deepEqual(changes, [
        { path: "options.async_capable", kind: "add", replace: false },
        { path: "options.fetch_size", kind: "update", replace: false },
        { path: "options.use_remote_estimate", kind: "delete", replace: false },
      ]);
    });

    it("shows a connection as one property, and marks replacing changes", () => {
      const { base } = expectations.ForeignPartition;
      const changes = describeChanges(diffRules.ForeignPartition, base, {
        ...base,
        connection: { ...mainConnection, port: 15999 },
        server: "cold_server",
      });
      assert.deepEqual(changes, [
        { path: "server", kind: "update", replace: true },
        { path: "connection", kind: "update", replace: false },
      ]);
    });

    it("shows an optional input appearing as an add", () => {
      const { base } = expectations.Extension;
      assert.deepEqual(describeChanges(diffRules.Extension, base, { ...base, version: "1.1" }), [
        { path: "version", kind: "add", replace: false },
      ]);
    });

    it("is empty when nothing changed", () => {
      const { base } = expectations.PartitionedTable;
      assert.deepEqual(describeChanges(diffRules.PartitionedTable, base, { ...base }), []);
    });
  });
});
