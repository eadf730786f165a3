/** The provider's check and diff, as the engine calls them, with no database or Docker. */
import assert from "node:assert/strict";
import { PgtierProvider } from "../../components/provider/provider";
import { resourceTypesByName, typeTokens } from "../../components/provider/registry";
import { unwrapSecrets } from "../../components/provider/secrets";
import { typeToken } from "../../components/provider/token";
import { labelFromUrn, typeNameFromUrn } from "../../components/provider/urn";
import { UNKNOWN } from "../../components/validate/common";
import { employeeColumns, employeeIndexes, mainConnection, mainInstanceInputs, secret } from "./fixtures";

const urn = (type: string, name: string, parent = "pgtier:index:ArchiveLayout") =>
  `urn:pulumi:dev::pgtier::${parent}$pgtier:index:${type}::${name}`;

const INSTANCE_URN = "urn:pulumi:dev::pgtier::pgtier:index:DockerPostgres$pgtier:index:PostgresInstance::main";

const mainInstance = { ...mainInstanceInputs, password: secret("pw") };

const emp2025 = {
  connection: secret(mainConnection),
  name: "emp_2025",
  parent: "employees",
  from: "2025-01-01",
  to: "2026-01-01",
};

describe("URNs", () => {
  it("labels a resource by type and name for messages", () => {
    assert.equal(labelFromUrn(INSTANCE_URN), 'PostgresInstance "main"');
    assert.equal(
      labelFromUrn("urn:pulumi:dev::pgtier::pgtier:index:ForeignServer::employees-archive-server"),
      'ForeignServer "employees-archive-server"',
    );
  });

  it("finds the type name under a parent component", () => {
    assert.equal(typeNameFromUrn(INSTANCE_URN), "PostgresInstance");
    assert.equal(typeNameFromUrn(urn("ForeignPartition", "employees-emp_2024")), "ForeignPartition");
  });

  it("has a definition for every resource type the components register", () => {
    assert.deepEqual([...resourceTypesByName.keys()].sort(), [
      "ArchiveTable",
      "CertificateAuthority",
      "Database",
      "DockerNetwork",
      "DockerVolume",
      "Extension",
      "ForeignPartition",
      "ForeignServer",
      "Grant",
      "LocalPartition",
      "MonitoringViews",
      "PartitionedTable",
      "PasswordFile",
      "PostgresInstance",
      "Role",
      "ServerCertificate",
      "ServerTls",
      "TieredPartition",
      "UserMapping",
    ]);
    assert.equal(typeToken("ForeignServer"), "pgtier:index:ForeignServer");
    assert.ok(typeTokens.includes("pgtier:index:TieredPartition"));
  });
});

describe("unwrapSecrets", () => {
  it("replaces secret wrappers with their values, at any depth", () => {
    assert.deepEqual(unwrapSecrets({ a: secret("pw"), b: [secret({ c: secret(1) })], d: "plain" }), { a: "pw", b: [{ c: 1 }], d: "plain" });
  });

  it("leaves the input as it was", () => {
    const wrapped = { password: secret("pw") };
    unwrapSecrets(wrapped);
    assert.deepEqual(wrapped, { password: secret("pw") });
  });
});

describe("PgtierProvider.check", () => {
  const provider = new PgtierProvider({ observe: false });

  it("fills a LocalPartition's defaults: attached, schema and parentSchema", async () => {
    // WHEN
    const result = await provider.check(urn("LocalPartition", "employees-emp_2025"), {}, emp2025);
    // THEN
    assert.deepEqual(result, {
      inputs: { attached: true, schema: "public", parentSchema: "public", ...emp2025 },
      failures: [],
    });
  });

  it("fills a ForeignPartition's defaults: remote table named like the partition, no options", async () => {
    const news = { ...emp2025, name: "emp_2024", from: "2024-01-01", to: "2025-01-01", server: "archive_server" };
    const result = await provider.check(urn("ForeignPartition", "employees-emp_2024"), {}, news);
    assert.deepEqual(result.inputs, {
      attached: true,
      schema: "public",
      parentSchema: "public",
      remoteSchema: "public",
      remoteTable: "emp_2024",
      options: {},
      ...news,
    });
    assert.deepEqual(result.failures, []);
  });

  it("fills a PartitionedTable's defaults without overriding given values", async () => {
    const news = { connection: mainConnection, name: "employees", columns: employeeColumns, partitionKey: "hire_date", schema: "hr" };
    const result = await provider.check(urn("PartitionedTable", "employees-table"), {}, news);
    assert.deepEqual(result.inputs, { ...news, indexes: [], allowForeignPartitions: true });
    assert.deepEqual(result.failures, []);
  });

  it("unwraps secrets for validation but returns them still wrapped", async () => {
    // WHEN
    const result = await provider.check(INSTANCE_URN, {}, mainInstance);
    // THEN: a wrapped password is a valid password...
    assert.deepEqual(result.failures, []);
    // ...and stays a secret in the inputs the engine stores
    assert.deepEqual(result.inputs.password, { "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", value: "pw" });
  });

  it("sees through a secret to the value it wraps", async () => {
    const result = await provider.check(INSTANCE_URN, {}, { ...mainInstance, password: secret("") });
    assert.deepEqual(result.failures, [
      { property: "password", reason: "password is required: set it as a Pulumi secret (pulumi config set --secret ...)" },
    ]);
    assert.deepEqual(result.inputs.password, secret(""));
  });

  it("returns every problem as failures, for pulumi preview to show", async () => {
    const result = await provider.check(
      urn("ForeignServer", "employees-archive-server"),
      {},
      {
        connection: secret(mainConnection),
        name: "archive server",
        host: "pgtier-dev-archive",
        port: 5432,
        dbname: "archive_db",
        options: { fetch_size: 10000 },
      },
    );
    assert.deepEqual(result.failures, [
      {
        property: "name",
        reason:
          'name "archive server" is not a plain SQL identifier; use lower-case letters, digits and underscores, starting with a letter or underscore (e.g. "emp_2024")',
      },
      {
        property: "options.fetch_size",
        reason: 'options.fetch_size must be a string (PostgreSQL options are text), got 10000; write "10000"',
      },
    ]);
  });

  it("passes a brand-new stack's preview with unknown values", async () => {
    const result = await provider.check(INSTANCE_URN, {}, { ...mainInstance, network: UNKNOWN, volume: UNKNOWN });
    assert.deepEqual(result.failures, []);
  });

  it("checks column changes against the old inputs", async () => {
    const olds = {
      connection: mainConnection,
      name: "employees",
      columns: employeeColumns,
      partitionKey: "hire_date",
      indexes: employeeIndexes,
    };
    const news = { ...olds, columns: employeeColumns.filter((c) => c.name !== "salary") };
    const result = await provider.check(urn("PartitionedTable", "employees-table"), olds, news);
    assert.deepEqual(
      result.failures?.map((f) => f.reason),
      [
        'column "salary" was removed; pgtier does not drop columns in place (data on every partition would go) — keep the column, or migrate the data and create a new table',
      ],
    );
  });

  it("gives a clear error for an unknown type token", async () => {
    const bad = "urn:pulumi:dev::pgtier::pgtier:index:ForeignTable::emp_2024";
    await assert.rejects(provider.check(bad, {}, {}), {
      message:
        'pgtier has no resource type "ForeignTable" (from urn:pulumi:dev::pgtier::pgtier:index:ForeignTable::emp_2024); known types: DockerNetwork, DockerVolume, PostgresInstance, Database, Extension, ForeignServer, UserMapping, PartitionedTable, LocalPartition, ArchiveTable, ForeignPartition, TieredPartition, Role, Grant, CertificateAuthority, ServerCertificate, ServerTls, PasswordFile, MonitoringViews',
    });
  });
});

describe("PgtierProvider.diff", () => {
  const provider = new PgtierProvider({ observe: false });
  const partitionUrn = urn("LocalPartition", "employees-emp_2025");
  const olds = { ...emp2025, attached: true, schema: "public", parentSchema: "public" };

  it("reports no changes for the same inputs", async () => {
    assert.deepEqual(await provider.diff("public.emp_2025", partitionUrn, olds, { ...olds }), {
      changes: false,
      replaces: [],
      deleteBeforeReplace: false,
    });
  });

  it("updates bounds in place", async () => {
    assert.deepEqual(await provider.diff("public.emp_2025", partitionUrn, olds, { ...olds, to: "2025-07-01" }), {
      changes: true,
      replaces: [],
      deleteBeforeReplace: false,
    });
  });

  it("replaces a renamed partition, deleting the old one first", async () => {
    assert.deepEqual(await provider.diff("public.emp_2025", partitionUrn, olds, { ...olds, name: "emp_2025b" }), {
      changes: true,
      replaces: ["name"],
      deleteBeforeReplace: true,
    });
  });

  it("compares secrets by value, whether wrapped or not", async () => {
    const mappingUrn = urn("UserMapping", "employees-archive-mapping");
    const mapping = { connection: mainConnection, server: "archive_server", remoteUser: "postgres" };
    const same = await provider.diff("x", mappingUrn, { ...mapping, password: secret("pw") }, { ...mapping, password: "pw" });
    assert.equal(same.changes, false);
    const rotated = await provider.diff("x", mappingUrn, { ...mapping, password: secret("pw") }, { ...mapping, password: secret("pw2") });
    assert.deepEqual(rotated, { changes: true, replaces: [], deleteBeforeReplace: false });
  });

  it("details changed options by path for preview --diff, through secrets", async () => {
    const serverUrn = urn("ForeignServer", "employees-archive-server");
    const server = { connection: secret(mainConnection), name: "archive_server", host: "a", port: 5432, dbname: "archive_db" };
    const decision = await provider.detailedDiff(
      serverUrn,
      "archive_server",
      { ...server, options: { fetch_size: "10000" } },
      { ...server, options: secret({ fetch_size: "20000" }) },
    );
    assert.deepEqual(decision.details, [{ path: "options.fetch_size", kind: "update", replace: false }]);
    assert.deepEqual(decision.replaces, []);
  });

  it("ignores computed outputs stored with the old state", async () => {
    const instance = {
      ...mainInstance,
      endpoint: { host: "127.0.0.1", port: 15432 },
      internalEndpoint: { host: "pgtier-dev-main", port: 5432 },
    };
    assert.equal((await provider.diff("pgtier-dev-main", INSTANCE_URN, instance, mainInstance)).changes, false);
  });
});
