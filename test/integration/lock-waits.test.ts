/**
 * A statement that needs a lock another session holds: it waits at most
 * lock_timeout per attempt, says who holds the lock while it waits, retries,
 * and fails with nothing changed, naming that session, when it never gets it.
 */
import assert from "node:assert/strict";
import { Client } from "pg";
import type { StartedTestContainer } from "testcontainers";
import { withSession } from "../../components/db/client";
import { PgtierProvider } from "../../components/provider/provider";
import { relkind } from "../support/catalog";
import { connectionOf, query, startPostgres } from "../support/postgres";
import { rejectionOf, ResourceUnderTest } from "../support/provider";
import { emp2025Partition } from "../unit/fixtures";

/** A session that reads `table` in an open transaction, holding a lock a DROP must wait for. */
async function holdLock(pg: StartedTestContainer, table: string): Promise<{ client: Client; pid: number }> {
  const c = connectionOf(pg);
  const client = new Client({ ...c, application_name: "long-report" });
  await client.connect();
  await client.query("BEGIN");
  await client.query(`SELECT count(*) FROM ${table}`);
  const pid = (await client.query<{ pid: number }>("SELECT pg_backend_pid() AS pid")).rows[0].pid;
  return { client, pid };
}

describe("lock waits (integration)", () => {
  let pg: StartedTestContainer;

  before(async () => {
    pg = await startPostgres({ password: "locks-Pa55" });
    // Short waits for the test: 1.5 s per attempt (the watch reports after 1 s), 2 attempts.
    process.env.PGTIER_LOCK_TIMEOUT_MS = "1500";
    process.env.PGTIER_LOCK_ATTEMPTS = "2";
  });

  after(async () => {
    delete process.env.PGTIER_LOCK_TIMEOUT_MS;
    delete process.env.PGTIER_LOCK_ATTEMPTS;
    await pg?.stop();
  });

  it("says who holds the lock while it waits, and fails after its attempts naming that session, nothing changed", async () => {
    const c = connectionOf(pg);
    await query(c, "CREATE TABLE report_source (x int)");
    const holder = await holdLock(pg, "report_source");
    const progress: string[] = [];
    try {
      // WHEN
      const message = await rejectionOf(
        withSession({ label: 'LocalPartition "t"', progress: (line) => progress.push(line) }, c, (s) => s.run("DROP TABLE report_source")),
      );

      // THEN
      assert.match(
        message,
        new RegExp(
          `^LocalPartition "t": DROP TABLE report_source could not get its locks within 1500 ms in 2 attempts; held by pid ${holder.pid} \\(user "postgres", application "long-report", idle in transaction, query started \\S+: "SELECT pg_backend_pid\\(\\) AS pid"\\); nothing was changed`,
        ),
      );
      assert.ok(
        progress.some((line) =>
          line.startsWith(
            `DROP TABLE report_source waits for a lock held by pid ${holder.pid} (user "postgres", application "long-report"`,
          ),
        ),
        progress.join("\n"),
      );
      assert.ok(
        progress.some((line) => line.includes("lock not granted within 1500 ms (attempt 1 of 2)")),
        progress.join("\n"),
      );
      assert.equal(await relkind(c, "report_source"), "r", "the table is still there");
    } finally {
      await holder.client.end();
    }
  });

  it("goes on once the other session is done: a resource's delete waits, then drops", async () => {
    const c = connectionOf(pg);
    await query(c, "CREATE TABLE employees (id int, hire_date date) PARTITION BY RANGE (hire_date)");
    await query(c, "CREATE TABLE emp_2025 PARTITION OF employees FOR VALUES FROM ('2025-01-01') TO ('2026-01-01')");
    const holder = await holdLock(pg, "emp_2025");
    const progress: string[] = [];
    const partition = new ResourceUnderTest(
      new PgtierProvider({ progress: () => (line) => progress.push(line) }),
      "LocalPartition",
      "emp-2025",
    );
    const props = { ...emp2025Partition, connection: c };

    // WHEN: the holder commits while the delete waits
    const deleting = partition.delete("public.emp_2025", props);
    await new Promise((resolve) => setTimeout(resolve, 2000));
    await holder.client.query("COMMIT");
    await holder.client.end();
    await deleting;

    // THEN
    assert.equal(await relkind(c, "emp_2025"), undefined, "dropped once the lock was free");
    assert.ok(
      progress.some((line) => line.includes(`waits for a lock held by pid ${holder.pid}`)),
      progress.join("\n"),
    );
  });
});
