/**
 * A yearly rotation run from a machine that cannot reach the archive, while
 * the main instance can (its foreign server reaches the archive over the
 * containers' network): `pulumi up` says so and archives through the main
 * instance, with every row once, the FDW roles' grants, and a clean preview
 * once the archive is reachable again.
 */
import assert from "node:assert/strict";
import { Client } from "pg";
import { UpResult } from "@pulumi/pulumi/automation";
import { closeLocalPort } from "../support/firewall";
import {
  archiveDb,
  ConcurrentWriter,
  Database,
  Endpoint,
  fdwGrantsOn,
  insertRows,
  mainDb,
  PartitionSum,
  partitionSums,
  placement,
  sql,
  tableSum,
} from "../support/rotation";
import { skipAfterFirstFailure, useStack } from "../support/stack";

const PASSWORD = "unreach-Arc-5e2d";

/** How a login to `db` from this machine fails, or "ok". */
async function loginFromHere(db: Database): Promise<string> {
  const client = new Client({ ...db, user: "postgres", connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
    return "ok";
  } catch (err) {
    return (err as { code?: string }).code ?? String(err);
  } finally {
    await client.end().catch(() => undefined);
  }
}

describe("e2e: archiving when the machine running pulumi cannot reach the archive", function () {
  const { stack } = useStack("unreach", PASSWORD);
  skipAfterFirstFailure();
  this.timeout(180_000);
  let main: Database;
  let archive: Database;
  let before: Record<string, PartitionSum>;

  it("comes up with 2024 archived and 2025 local, rows in both", async () => {
    const up = await stack().up({ color: "never" });
    assert.equal(up.summary.result, "succeeded");
    main = mainDb(up.outputs.mainEndpoint.value as Endpoint, PASSWORD);
    archive = archiveDb(up.outputs.archiveEndpoint.value as Endpoint, PASSWORD);
    for (const year of [2024, 2025]) {
      await insertRows(main, { from: `${year}-01-01`, to: `${year + 1}-01-01`, count: 2000, tag: `y${year}` });
    }
    before = await partitionSums(main);
    assert.deepEqual(await placement(main), { emp_2024: "archive_server", emp_2025: "local" });
  });

  it("archives emp_2025 through the main instance while the archive's port is closed to this machine, and says so", async () => {
    const open = await closeLocalPort(archive.port);
    const writer = new ConcurrentWriter(main, "writer", ["2025-11-30", "2025-02-01"]);
    let up: UpResult;
    try {
      assert.equal(await loginFromHere(archive), "ECONNREFUSED", "the archive is closed to this machine");
      await stack().setConfig("pgtier:asOf", { value: "2026-01-01" });
      await writer.start();
      try {
        up = await stack().up({ color: "never" });
      } finally {
        await writer.stop();
      }
    } finally {
      await open();
    }

    // THEN: it said what it did
    assert.equal(up.summary.result, "succeeded");
    // emp_2025 archived; 2026, the new current year, opened.
    assert.deepEqual(up.summary.resourceChanges, { create: 1, same: 21, update: 1 });
    assert.match(
      up.stdout,
      /cannot reach emp_2025's archive at 127\.0\.0\.1:\d+ from here \(connection refused\); going through the main instance instead: postgres_fdw copies the rows \(copyMethod fdw\) and dblink on the main instance carries pgtier's statements to the archive/,
    );
    assert.match(up.stdout, /copying [\d,]+ rows of emp_2025 to the archive \(fdw\)/);
    assert.match(up.stdout, /archived emp_2025: \d+ rows, checksum -?\d+/);

    // THEN: every committed row once; the years' own rows as they were
    const written = await sql<{ name: string; n: number }>(
      main,
      "SELECT name, count(*)::int AS n FROM employees WHERE name LIKE 'writer-%' GROUP BY name",
    );
    assert.deepEqual(
      written.filter((r) => r.n !== 1),
      [],
      "no row twice",
    );
    assert.deepEqual(written.map((r) => r.name).sort(), [...writer.confirmed].sort(), "every committed row, and no other");
    assert.deepEqual(writer.errors, []);
    assert.deepEqual(await partitionSums(main, "name NOT LIKE 'writer-%'"), before);
    assert.deepEqual(await placement(main), { emp_2024: "archive_server", emp_2025: "archive_server", emp_2026: "local" });
    assert.deepEqual(await tableSum(archive, "emp_2025"), (await partitionSums(main)).emp_2025);
    assert.deepEqual(await fdwGrantsOn(archive, "emp_2025"), [
      { grantee: "employees_fdw_reader", p: "SELECT" },
      { grantee: "employees_fdw_writer", p: "DELETE,INSERT,SELECT,UPDATE" },
    ]);
    // Nothing of the admin's login stays on the main instance.
    assert.deepEqual(await sql(main, "SELECT srvname FROM pg_foreign_server ORDER BY 1"), [{ srvname: "archive_server" }]);
  });

  it("once the archive is reachable again, the preview has nothing to do", async () => {
    assert.equal(await loginFromHere(archive), "ok");
    const preview = await stack().preview({ color: "never" });
    assert.deepEqual(preview.changeSummary, { same: 23 });
  });
});
