/** The provider's secret re-marking (keepSecrets) and its check of a TieredPartition, with no database or Docker. */
import assert from "node:assert/strict";
import { PgtierProvider } from "../../components/provider/provider";
import { toBag } from "../../components/provider/resource-type";
import { keepSecrets } from "../../components/provider/secrets";

// eslint-disable-next-line @typescript-eslint/no-require-imports
const structproto = require("google-protobuf/google/protobuf/struct_pb");
import { UNKNOWN } from "../../components/validate/common";
import { archiveConnection, employeeColumns, mainConnection, secret, tieredDefaults } from "./fixtures";

const TIERED_URN = "urn:pulumi:dev::pgtier::pgtier:index:TieredTable$pgtier:index:TieredPartition::employees-emp_2024";

describe("keepSecrets", () => {
  it("re-wraps a secret nested in a plain object (TieredPartition's archive.connection)", () => {
    // WHEN
    const outs = keepSecrets(
      { tier: "archive", archive: { connection: secret(archiveConnection), server: "archive_server" } },
      { tier: "archive", archive: { connection: archiveConnection, server: "archive_server" }, archivedRows: "4" },
    );
    // THEN
    assert.deepEqual(outs, {
      tier: "archive",
      archive: { connection: secret(archiveConnection), server: "archive_server" },
      archivedRows: "4",
    });
  });

  it("wraps the handler's value, not the template's, when a secret changed", () => {
    assert.deepEqual(keepSecrets({ password: secret("old") }, { password: "new" }), { password: secret("new") });
  });

  it("keeps secrets inside a secret", () => {
    assert.deepEqual(keepSecrets(secret({ a: secret("x"), b: "y" }), { a: "x", b: "y" }), secret({ a: secret("x"), b: "y" }));
  });

  it("matches arrays element by element, leaving extra elements plain", () => {
    assert.deepEqual(keepSecrets([secret("a"), "b"], ["a", "b", "c"]), [secret("a"), "b", "c"]);
    assert.deepEqual(keepSecrets({ list: [{ pw: secret("p") }] }, { list: [{ pw: "p", n: 1 }] }), { list: [{ pw: secret("p"), n: 1 }] });
  });

  it("leaves a value that is already secret alone, without wrapping it twice", () => {
    assert.deepEqual(keepSecrets(secret("x"), secret("y")), secret("y"));
    assert.deepEqual(keepSecrets({ password: secret("x") }, { password: secret("x") }), { password: secret("x") });
  });

  it("leaves keys the template does not have untouched", () => {
    assert.deepEqual(keepSecrets({ password: secret("pw") }, { password: "pw", endpoint: { host: "h", port: 1 } }), {
      password: secret("pw"),
      endpoint: { host: "h", port: 1 },
    });
  });

  it("returns plain values as they are when nothing was secret", () => {
    const value = { connection: mainConnection, name: "emp_2025", tags: ["a"] };
    assert.deepEqual(keepSecrets({ connection: mainConnection, name: "emp_2025", tags: ["a"] }, value), value);
    assert.equal(keepSecrets(undefined, "x"), "x");
    assert.equal(keepSecrets({ a: 1 }, 5), 5);
  });

  it("does not change the template", () => {
    const template = { archive: { connection: secret(archiveConnection) } };
    keepSecrets(template, { archive: { connection: archiveConnection } });
    assert.deepEqual(template, { archive: { connection: secret(archiveConnection) } });
  });
});

describe("PgtierProvider.check on a TieredPartition", () => {
  const provider = new PgtierProvider({ observe: false });

  /** emp_2024 archived, as TieredTable registers it: connections are secrets. */
  const emp2024 = {
    connection: secret(mainConnection),
    name: "emp_2024",
    parent: "employees",
    from: "2024-01-01",
    to: "2025-01-01",
    columns: employeeColumns,
    partitionKey: "hire_date",
    tier: "archive",
    archive: { connection: secret(archiveConnection), server: "archive_server" },
  };

  it("fills the defaults: schemas, attached, no indexes or options, and the rotation settings", async () => {
    // WHEN
    const result = await provider.check(TIERED_URN, {}, emp2024);
    // THEN
    assert.deepEqual(result, {
      inputs: { ...tieredDefaults, ...emp2024 },
      failures: [],
    });
  });

  it("keeps the values given over the defaults", async () => {
    const news = { ...emp2024, copyMethod: "fdw", batchSize: 500, keepLocal: true, lockTimeoutMs: 100, attempts: 3, schema: "hr" };
    const result = await provider.check(TIERED_URN, {}, news);
    assert.deepEqual(
      {
        copyMethod: result.inputs.copyMethod,
        batchSize: result.inputs.batchSize,
        keepLocal: result.inputs.keepLocal,
        lockTimeoutMs: result.inputs.lockTimeoutMs,
        attempts: result.inputs.attempts,
        schema: result.inputs.schema,
      },
      { copyMethod: "fdw", batchSize: 500, keepLocal: true, lockTimeoutMs: 100, attempts: 3, schema: "hr" },
    );
    assert.deepEqual(result.failures, []);
  });

  it("keeps the nested archive connection secret in the stored inputs", async () => {
    const result = await provider.check(TIERED_URN, {}, emp2024);
    assert.deepEqual(result.inputs.archive, { connection: secret(archiveConnection), server: "archive_server" });
  });

  it("validates through a secret wrapping the whole archive target", async () => {
    const result = await provider.check(
      TIERED_URN,
      {},
      { ...emp2024, archive: secret({ connection: archiveConnection, server: "archive_server" }) },
    );
    assert.deepEqual(result.failures, []);
  });

  it("returns the validator's failures", async () => {
    // WHEN
    const result = await provider.check(TIERED_URN, {}, { ...emp2024, archive: undefined, batchSize: 0 });
    // THEN
    assert.deepEqual(result.failures, [
      {
        property: "archive",
        reason: 'tier is "archive" but archive is not set: pass the archive instance\'s connection and the foreign server that reaches it',
      },
      { property: "batchSize", reason: "batchSize must be an integer from 1 to 1000000, got 0" },
    ]);
  });

  it("checks bounds against the old inputs, unwrapped", async () => {
    // WHEN: the engine sends the stored (secret-wrapped) inputs as olds
    const olds = (await provider.check(TIERED_URN, {}, emp2024)).inputs;
    const result = await provider.check(TIERED_URN, olds, { ...emp2024, to: "2025-07-01" });
    // THEN
    assert.deepEqual(result.failures, [
      {
        property: "from",
        reason:
          "emp_2024 covers [2024-01-01, 2025-01-01); a tiered partition's bounds are fixed by its period and cannot become [2024-01-01, 2025-07-01)",
      },
    ]);
  });

  it("allows archive to local against the old inputs: the rows come back in place", async () => {
    const olds = (await provider.check(TIERED_URN, {}, emp2024)).inputs;
    const result = await provider.check(TIERED_URN, olds, { ...emp2024, tier: "local", archive: undefined });
    assert.deepEqual(result.failures, []);
  });

  it("allows local to archive against the old inputs", async () => {
    const olds = (await provider.check(TIERED_URN, {}, { ...emp2024, tier: "local", archive: undefined })).inputs;
    const result = await provider.check(TIERED_URN, olds, emp2024);
    assert.deepEqual(result.failures, []);
  });

  it("treats empty olds as a create: no tier-change check", async () => {
    const result = await provider.check(TIERED_URN, {}, { ...emp2024, tier: "local", archive: undefined });
    assert.deepEqual(result.failures, []);
  });

  it("passes a preview where the archive server is not known yet", async () => {
    const result = await provider.check(
      TIERED_URN,
      {},
      { ...emp2024, archive: { connection: secret(archiveConnection), server: UNKNOWN } },
    );
    assert.deepEqual(result.failures, []);
  });
});

describe("toBag (typed values back to the engine)", () => {
  it("leaves out undefined fields at any depth, so the engine's protobuf Struct takes the state", () => {
    // GIVEN: optional fields a decode leaves undefined (archive.schema, backup.csv)
    const state = {
      tier: "archive",
      archive: { connection: archiveConnection, server: "archive_server", schema: undefined },
      backup: { location: "/b", csv: undefined },
      archivedRows: undefined,
      indexes: [{ name: "i", columns: ["a"], unique: undefined }],
    };
    // WHEN
    const bag = toBag(state);
    // THEN
    assert.deepEqual(bag, {
      tier: "archive",
      archive: { connection: archiveConnection, server: "archive_server" },
      backup: { location: "/b" },
      indexes: [{ name: "i", columns: ["a"] }],
    });
    assert.doesNotThrow(() => structproto.Struct.fromJavaScript(bag));
  });
});
