import assert from "node:assert/strict";
import { lastRotationOf, stackInfoFrom } from "../../cli/stack/stack-info";

const outputs = {
  mainEndpoint: { host: "127.0.0.1", port: 15432 },
  archiveEndpoints: { archive: { host: "127.0.0.1", port: 15433 }, "archive-b": { host: "10.0.0.9", port: 5432 } },
  mainContainer: "pgtier-dev-main",
  archiveContainers: ["pgtier-dev-archive"],
  tableName: "employees",
  timeline: ["2024  emp_2024  [2024-01-01, 2025-01-01)  archive  archive"],
  asOf: "2025-06-15",
};

describe("cli: the stack as the command sees it", () => {
  it("matches each archive to its own container, not to one whose name ends the same", () => {
    const info = stackInfoFrom(
      "dev",
      {
        ...outputs,
        archiveEndpoints: { b: { host: "127.0.0.1", port: 1 }, "archive-b": { host: "127.0.0.1", port: 2 } },
        archiveContainers: ["ops-archive-b", "ops-b"],
      },
      { "pgtier:password": "pw", "pgtier:namePrefix": "ops", "pgtier:archives": JSON.stringify([{ name: "archive-b" }, { name: "b" }]) },
    );
    assert.deepEqual(
      info.archives.map((a) => [a.name, a.connection.container]),
      [
        ["archive-b", "ops-archive-b"],
        ["b", "ops-b"],
      ],
    );
  });

  it("reads the endpoints, containers and logins from outputs and config", () => {
    // WHEN
    const info = stackInfoFrom("dev", outputs, {
      "pgtier:password": "pw",
      "pgtier:bPassword": "pw-b",
      "pgtier:archives": JSON.stringify([
        { name: "archive" },
        { name: "archive-b", host: "10.0.0.9", user: "admin", passwordKey: "bPassword" },
      ]),
    });
    // THEN
    assert.deepEqual(info.main, {
      host: "127.0.0.1",
      port: 15432,
      user: "postgres",
      password: "pw",
      database: "appdb",
      container: "pgtier-dev-main",
    });
    assert.deepEqual(
      info.archives.map((a) => [
        a.name,
        a.server,
        a.connection.user,
        a.connection.password,
        a.connection.database,
        a.connection.container ?? "-",
      ]),
      [
        ["archive", "archive_server", "postgres", "pw", "archive_db", "pgtier-dev-archive"],
        ["archive-b", "archive_b_server", "admin", "pw-b", "archive_db", "-"],
      ],
    );
    assert.equal(info.asOf, "2025-06-15");
    assert.equal(info.timeline.length, 1);
  });

  it("takes an existing main server's user, database and password key", () => {
    const info = stackInfoFrom("prod", outputs, {
      "pgtier:mainPassword": "m",
      "pgtier:password": "p",
      "pgtier:main": JSON.stringify({ host: "db", user: "admin", database: "app", passwordKey: "mainPassword" }),
    });
    assert.equal(info.main.user, "admin");
    assert.equal(info.main.database, "app");
    assert.equal(info.main.password, "m");
  });

  it("says what to do with a stack that was never deployed, or without a password", () => {
    assert.throws(
      () => stackInfoFrom("new", {}, {}),
      /^Error: stack new has no output mainEndpoint — it has not been deployed; run pulumi up --stack new/,
    );
    assert.throws(
      () => stackInfoFrom("dev", outputs, {}),
      /stack dev has no config pgtier:password — set it with pulumi config set --secret pgtier:password/,
    );
  });

  it("names an output of the wrong shape without showing it", () => {
    assert.throws(
      () => stackInfoFrom("dev", { ...outputs, mainEndpoint: "secret-ish" }, { "pgtier:password": "pw" }),
      /stack dev: output mainEndpoint must be an object, got string — the stack's outputs are not pgtier's/,
    );
  });
});

describe("cli: the last rotation in the state", () => {
  it("is the partition that moved to an archive last", () => {
    const partition = (name: string, modified: string, archivedRows?: string) => ({
      type: "pgtier:index:TieredPartition",
      modified,
      outputs: { name, archive: { server: "archive_server", connection: { password: "x" } }, ...(archivedRows ? { archivedRows } : {}) },
    });
    assert.deepEqual(
      lastRotationOf([
        partition("emp_2023", "2025-01-01T00:00:00Z", "7"),
        partition("emp_2024", "2026-01-01T00:00:00Z", "4"),
        partition("emp_2025", "2026-02-01T00:00:00Z"),
        { type: "pgtier:index:ForeignServer", modified: "2027-01-01T00:00:00Z" },
      ]),
      { partition: "emp_2024", archive: "archive_server", rows: "4", at: "2026-01-01T00:00:00Z" },
    );
    assert.equal(lastRotationOf([]), undefined);
  });

  it("is told by the archive's name", () => {
    const rotation = { partition: "emp_2024", archive: "archive_server", rows: "4", at: "2026-01-01T00:00:00Z" };
    const info = stackInfoFrom("dev", outputs, { "pgtier:password": "pw" }, rotation);
    assert.equal(info.lastRotation?.archive, "archive");
  });
});
