/**
 * A `pulumi up` killed with SIGKILL (the CLI and its plugins, at once) at
 * several moments of creating the guide's topology; after `pulumi cancel`
 * (which releases the file backend's lock) the next `up` converges: every
 * object exists once, the preview is empty, and the table works.
 */
import assert from "node:assert/strict";
import { Client } from "pg";
import Docker from "dockerode";
import { cancelUpdate, upKilledAt } from "../support/cli";
import { useStack } from "../support/stack";

const PASSWORD = "crash-Secret-91c2";

describe("e2e: SIGKILL during pulumi up, then a rerun converges", function () {
  const { stackName, prefix, stack } = useStack("crash", PASSWORD);

  for (const marker of [
    /PostgresInstance\s+main\s+creating/,
    /UserMapping\s+employees-archive-mapping\s+creating/,
    /TieredPartition\s+employees-emp_2024\s+creating/,
  ]) {
    it(`is killed at ${marker.source.replace(/\\s\+/g, " ")}`, async () => {
      const run = await upKilledAt(stackName, marker);
      assert.ok(run.killed, `the marker was seen before up finished:\n${run.output}`);
      await cancelUpdate(stackName);
    });
  }

  it("converges on the next up: each object once, an empty preview, a working table", async () => {
    const up = await stack().up({ color: "never" });
    assert.equal(up.summary.result, "succeeded");

    const preview = await stack().preview({ color: "never" });
    assert.deepEqual(preview.changeSummary, { same: 22 });

    const containers = await new Docker().listContainers({ all: true, filters: { name: [prefix] } });
    assert.deepEqual(containers.map((c) => c.Names[0]).sort(), [`/${prefix}-archive`, `/${prefix}-main`]);

    const main = up.outputs.mainEndpoint.value as { host: string; port: number };
    const client = new Client({ ...main, user: "postgres", password: PASSWORD, database: "appdb" });
    await client.connect();
    try {
      await client.query(
        "INSERT INTO employees (name, hire_date, department, salary) VALUES ('Ida', '2024-05-05', 'Ops', 1), ('Jo', '2025-05-05', 'Ops', 2)",
      );
      const { rows } = await client.query(
        "SELECT tableoid::regclass::text AS part, count(*)::int AS n FROM employees GROUP BY 1 ORDER BY 1",
      );
      assert.deepEqual(rows, [
        { part: "emp_2024", n: 1 },
        { part: "emp_2025", n: 1 },
      ]);
      const { rows: parts } = await client.query(
        "SELECT c.relname, c.relkind::text FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE c.relkind IN ('r', 'f') ORDER BY 1",
      );
      assert.deepEqual(parts, [
        { relname: "emp_2024", relkind: "f" },
        { relname: "emp_2025", relkind: "r" },
      ]);
    } finally {
      await client.end();
    }
  });
});
