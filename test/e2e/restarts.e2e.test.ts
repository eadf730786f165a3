/**
 * `pulumi up` after what happens to a machine: containers restarted (a
 * reboot), dockerd restarted, a container removed or stopped by hand, on the
 * stack program's default ports, with a password holding quotes, a
 * backslash, $, spaces and non-ASCII, through a rotation and a decommission.
 * No test runs `pulumi refresh`.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import { Client } from "pg";
import {
  forceRemoveContainer,
  restartableDockerd,
  restartContainer,
  restartDockerd,
  startContainer,
  stopContainer,
} from "../support/docker";
import { insertRowsSql, sampleRows } from "../support/fixtures";
import { backupDir, skipAfterFirstFailure, stateText, useStack } from "../support/stack";

/** Quotes, a backslash, $, spaces and non-ASCII: every way a password can trip a quoting mistake. */
const PASSWORD = `it's a "p\\a$$ wörd" € ~`;

interface Endpoint {
  host: string;
  port: number;
}

async function sql<T = Record<string, unknown>>(endpoint: Endpoint, database: string, text: string, params: unknown[] = []): Promise<T[]> {
  const client = new Client({ ...endpoint, user: "postgres", password: PASSWORD, database });
  await client.connect();
  try {
    return (await client.query(text, params)).rows as T[];
  } finally {
    await client.end();
  }
}

/** Employees per year through the parent (both instances), e.g. `{ "2024": 4, "2025": 3 }`. */
async function perYear(main: Endpoint): Promise<Record<string, number>> {
  const rows = await sql<{ year: string; n: number }>(
    main,
    "appdb",
    "SELECT extract(year FROM hire_date)::text AS year, count(*)::int AS n FROM employees GROUP BY 1 ORDER BY 1",
  );
  return Object.fromEntries(rows.map((r) => [r.year, r.n]));
}

describe("e2e: restarts, containers removed or stopped by hand, and a password with any characters", function () {
  skipAfterFirstFailure();
  // Default ports (mainPort and archivePort unset); two years kept, so moving to 2026 decommissions 2024.
  const { stackName, prefix, stack } = useStack("restart", PASSWORD, { retentionPeriods: "2" });
  let main: Endpoint;

  /** `pulumi up` changes nothing and `pulumi preview --expect-no-changes` passes, without a refresh. */
  async function nothingToDo(): Promise<void> {
    const up = await stack().up({ color: "never" });
    assert.equal(up.summary.result, "succeeded");
    assert.deepEqual(Object.keys(up.summary.resourceChanges ?? {}), ["same"], up.stdout);
    await stack().preview({ color: "never", expectNoChanges: true });
  }

  it("creates the stack on ports picked once, and takes the guide's rows", async () => {
    const up = await stack().up({ color: "never" });
    assert.equal(up.summary.result, "succeeded");
    main = up.outputs.mainEndpoint.value as Endpoint;
    const rows = insertRowsSql("employees", sampleRows);
    await sql(main, "appdb", rows.sql, rows.params);
    assert.deepEqual(await perYear(main), { 2024: 4, 2025: 3 });
  });

  it("after both containers restart, up and preview need no refresh, and the outputs still hold", async () => {
    await restartContainer(`${prefix}-main`);
    await restartContainer(`${prefix}-archive`);

    await nothingToDo();

    const outputs = await stack().outputs();
    assert.deepEqual(outputs.mainEndpoint.value, main, "the same port after the restart");
    assert.deepEqual(await perYear(main), { 2024: 4, 2025: 3 }, "both instances answer through the same endpoint");
  });

  it("after dockerd itself restarts, the containers come back by themselves and up needs no refresh", async function () {
    const pid = restartableDockerd();
    if (pid === undefined) {
      // A system-run engine (systemd, DOCKER_HOST) is not this test's to restart.
      this.skip();
    }
    await restartDockerd(pid);
    await nothingToDo();
    assert.deepEqual(await perYear(main), { 2024: 4, 2025: 3 });
  });

  it("a container removed by hand is created again by the next up, on its volume and port: the rows are back", async () => {
    await forceRemoveContainer(`${prefix}-archive`);

    // The instance is an update; what depends on its outputs shows them unknown until it is done.
    const preview = await stack().preview({ color: "never", diff: true });
    assert.match(preview.stdout, /~ pgtier:index:PostgresInstance: \(update\)\s+\[id=\S+-archive\][^~]*- running: true/);
    const up = await stack().up({ color: "never" });
    assert.equal(up.summary.resourceChanges?.update, 1, up.stdout);

    assert.deepEqual(await perYear(main), { 2024: 4, 2025: 3 }, "2024 is read from the archive container created again");
    await nothingToDo();
  });

  it("a stopped instance: up fails naming its container and the fix, changing nothing; once started, up converges", async () => {
    await stopContainer(`${prefix}-main`);
    try {
      await assert.rejects(stack().up({ color: "never" }), (err: Error) =>
        err.message.includes(
          `container ${prefix}-main is not running (exited); start it (docker start ${prefix}-main), then run pulumi again — nothing was changed`,
        ),
      );
    } finally {
      await startContainer(`${prefix}-main`);
    }
    await nothingToDo();
  });

  it("rotates 2025 to the archive and decommissions 2024 with that password, which never shows in state or output", async () => {
    await stack().setConfig("pgtier:asOf", { value: "2026-01-01" });

    const up = await stack().up({ color: "never" });

    assert.equal(up.summary.result, "succeeded");
    assert.deepEqual(await perYear(main), { 2025: 3 }, "2024 decommissioned, 2025 read from the archive");
    const [relkind] = await sql<{ kind: string }>(main, "appdb", "SELECT relkind::text AS kind FROM pg_class WHERE relname = 'emp_2025'");
    assert.equal(relkind.kind, "f", "emp_2025 is a foreign partition");
    const [audit] = await sql<{ table_name: string; row_count: string; backup_location: string }>(
      main,
      "appdb",
      "SELECT table_name, row_count::text, backup_location FROM archive_decommission_log",
    );
    assert.equal(audit.table_name, "emp_2024");
    assert.equal(audit.row_count, "4");
    assert.ok(audit.backup_location.startsWith(backupDir(stackName)), audit.backup_location);
    assert.ok(fs.statSync(audit.backup_location).size > 0, "the verified backup is there");
    for (const text of [stateText(stackName), up.stdout, up.stderr]) {
      assert.equal(text.includes(PASSWORD), false);
      assert.equal(text.includes("p\\a$$ wörd"), false);
    }
  });

  it("destroy with an instance stopped: refused naming its container and the fix; once it is started, destroy converges", async () => {
    await stopContainer(`${prefix}-archive`);
    try {
      await assert.rejects(stack().destroy({ color: "never" }), (err: Error) =>
        err.message.includes(`container ${prefix}-archive is not running (exited); start it (docker start ${prefix}-archive)`),
      );
    } finally {
      await startContainer(`${prefix}-archive`);
    }
    const destroyed = await stack().destroy({ color: "never" });
    assert.equal(destroyed.summary.result, "succeeded");
  });
});
