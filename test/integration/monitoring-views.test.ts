import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { Client } from "pg";
import { PgtierProvider } from "../../components/provider/provider";
import { connectionOf, execAll, PostgresPair, query } from "../support/postgres";
import { ResourceUnderTest } from "../support/provider";
import { ARCHIVE_SERVER, loadEmployees, TieredPartitionUnderTest, useTieredPair, yearInputs } from "../support/tiered";

interface HealthRow {
  partition: string;
  type: string;
  server: string | null;
  bounds: string;
  row_count: string | null;
  size: string | null;
  earliest_date: string;
  latest_date: string;
}

describe("MonitoringViews (integration)", () => {
  const provider = new PgtierProvider();
  const started = useTieredPair(provider);
  const views = new ResourceUnderTest(provider, "MonitoringViews", "employees-monitoring");
  let pair: PostgresPair;
  let backups: string;

  before(() => {
    pair = started();
    backups = fs.mkdtempSync(path.join(os.tmpdir(), "pgtier-monitoring-"));
  });

  after(() => {
    fs.rmSync(backups, { recursive: true, force: true });
  });

  /** The guide's own monitoring query. */
  async function health(view = "archive_health"): Promise<HealthRow[]> {
    return query<HealthRow>(connectionOf(pair.main), `SELECT * FROM ${view} ORDER BY partition DESC`);
  }

  it("follows the layout as it rotates: exact counts, types, servers and bounds before and after an archiving and a decommission", async () => {
    const main = connectionOf(pair.main);
    const made = await views.create({ connection: main, parent: "employees", partitionKey: "hire_date" });
    const backup = { location: backups };
    const y2024 = new TieredPartitionUnderTest("emp-2024");
    const y2025 = new TieredPartitionUnderTest("emp-2025");
    const a = await y2024.create(yearInputs(pair, 2024, "archive", { backup }));
    const l = await y2025.create(yearInputs(pair, 2025, "local", { backup }));
    await loadEmployees(main, 2024, 40);
    await loadEmployees(main, 2025, 25);

    // THEN: one row per partition, as the catalog has them now
    const before = await health();
    assert.deepEqual(
      before.map((r) => [
        r.partition,
        r.type,
        r.server,
        r.bounds,
        Number(r.row_count),
        r.earliest_date.slice(0, 4),
        r.latest_date.slice(0, 4),
      ]),
      [
        ["emp_2025", "Local", null, "FOR VALUES FROM ('2025-01-01') TO ('2026-01-01')", 25, "2025", "2025"],
        ["emp_2024", "Foreign", "archive_server", "FOR VALUES FROM ('2024-01-01') TO ('2025-01-01')", 40, "2024", "2024"],
      ],
    );
    assert.ok(before[0].size, "a local partition's size");
    assert.equal(before[1].size, null, "a foreign partition's bytes are on its archive");

    // WHEN: 2025 is archived
    const archived = await y2025.update(l.id, { ...l.inputs, ...l.outs }, yearInputs(pair, 2025, "archive", { backup }));
    // THEN
    assert.deepEqual(
      (await health()).map((r) => [r.partition, r.type, r.server, Number(r.row_count)]),
      [
        ["emp_2025", "Foreign", "archive_server", 25],
        ["emp_2024", "Foreign", "archive_server", 40],
      ],
    );

    // WHEN: 2024 is decommissioned
    await y2024.delete(a.id, { ...a.inputs, ...a.outs });
    // THEN
    assert.deepEqual(
      (await health()).map((r) => r.partition),
      ["emp_2025"],
    );
    const stats = await query<{ tablename: string; partition_type: string }>(
      main,
      "SELECT tablename, partition_type FROM partition_query_stats",
    );
    assert.deepEqual(stats, [{ tablename: "emp_2025", partition_type: "Foreign" }]);
    await y2025.delete(l.id, { ...l.inputs, ...archived });
    await views.delete(made.id, made.inputs);
  });

  it("gives estimates without reading the tables, and shows a view dropped by hand on refresh", async () => {
    const main = connectionOf(pair.main);
    const made = await views.create({ connection: main, parent: "employees", partitionKey: "hire_date" });
    await new TieredPartitionUnderTest("emp-2026").create(yearInputs(pair, 2026, "local"));
    await loadEmployees(main, 2026, 500);
    await execAll(main, ["ANALYZE emp_2026"]);
    const [estimated] = await health("archive_health_estimated");
    assert.equal(Number(estimated.row_count), 500, "the planner's count after ANALYZE");

    // WHEN: a view is dropped by hand
    await execAll(main, ["DROP VIEW partition_query_stats"]);
    const found = await views.read(made.id, made.inputs);
    // THEN: drift, and the update makes it again
    assert.equal(found?.props.parent, "");
    await views.update(made.id, found!.props, made.inputs);
    assert.deepEqual(await query(main, "SELECT tablename FROM partition_query_stats"), [{ tablename: "emp_2026" }]);
    await views.delete(made.id, made.inputs);
    assert.equal(await views.read(made.id, made.inputs), undefined);
  });

  it("refuses to replace views of the same name that another table's views or a hand-made view hold", async () => {
    const main = connectionOf(pair.main);
    const first = await views.create({ connection: main, parent: "employees", partitionKey: "hire_date" });
    await execAll(main, ["CREATE TABLE payroll (paid_on date NOT NULL) PARTITION BY RANGE (paid_on)"]);
    const other = new ResourceUnderTest(provider, "MonitoringViews", "payroll-monitoring");

    // WHEN / THEN: another table's views under the same names
    await assert.rejects(other.create({ connection: main, parent: "payroll", partitionKey: "paid_on" }), (err: Error) => {
      assert.match(
        err.message,
        /archive_health.* already exist in public, and they watch public\.employees; give this table's views other names .* nothing was changed/,
      );
      return true;
    });
    await views.delete(first.id, first.inputs);
    // The guide's own view, made by hand: not replaced either.
    await execAll(main, ["CREATE VIEW archive_health AS SELECT 'emp_2024' AS partition"]);
    await assert.rejects(
      other.create({ connection: main, parent: "payroll", partitionKey: "paid_on" }),
      /archive_health already exist in public, and pgtier did not make them/,
    );
    await execAll(main, ["DROP VIEW archive_health", "DROP TABLE payroll"]);
  });

  it("shows the guide's connection monitoring: each postgres_fdw session on the archive with its server, counted per server", async () => {
    const main = connectionOf(pair.main);
    const made = await views.create({ connection: main, parent: "employees", partitionKey: "hire_date", servers: [ARCHIVE_SERVER] });
    await new TieredPartitionUnderTest("emp-2024").create(yearInputs(pair, 2024, "archive"));
    await loadEmployees(main, 2024, 5);
    // An application session that read 2024: postgres_fdw keeps its connection to the archive open, idle.
    const app = new Client({ ...main, application_name: "payroll-app" });
    await app.connect();
    try {
      await app.query("SELECT count(*) FROM employees WHERE hire_date < '2025-01-01'");

      // WHEN
      const sessions = await query<{ server_name: string; usename: string; state: string; query: string }>(
        main,
        "SELECT server_name, usename, state, query FROM fdw_connections ORDER BY state DESC",
      );
      const byServer = await query<{ server_name: string; connections: string; active_connections: string; last_query_time: Date | null }>(
        main,
        "SELECT * FROM fdw_connections_by_server",
      );

      // THEN: the application's idle session, and the one reading the view (active), both as the mapped user
      assert.deepEqual(
        sessions.map((r) => [r.server_name, r.usename, r.state]),
        [
          [ARCHIVE_SERVER, "postgres", "idle"],
          [ARCHIVE_SERVER, "postgres", "active"],
        ],
      );
      // postgres_fdw ends its remote transaction when the application's ends: that is the idle session's last query.
      assert.equal(sessions[0].query, "COMMIT TRANSACTION");
      // The view's own read: postgres_fdw fetches through a cursor, fetch_size rows at a time.
      assert.match(sessions[1].query, /^FETCH 10000 FROM c\d+$/);
      assert.equal(byServer.length, 1);
      assert.equal(byServer[0].server_name, ARCHIVE_SERVER);
      assert.equal(Number(byServer[0].connections), 2);
      assert.equal(Number(byServer[0].active_connections), 1);
      assert.ok(byServer[0].last_query_time instanceof Date);
    } finally {
      await app.end();
    }

    // WHEN: the table has no archive server any more
    const none = { ...made.inputs, servers: [] };
    await views.update(made.id, made.inputs, none);
    // THEN: the views are empty, and the foreign table over the archive's activity is gone
    assert.deepEqual(await query(main, "SELECT * FROM fdw_connections_by_server"), []);
    assert.deepEqual(await query(main, "SELECT * FROM fdw_connections"), []);
    assert.deepEqual(await query(main, "SELECT relname FROM pg_class WHERE relname LIKE 'fdw_connections_%' AND relkind = 'f'"), []);

    // WHEN: deleted, nothing is left
    await views.delete(made.id, none);
    assert.deepEqual(await query(main, "SELECT relname FROM pg_class WHERE relname LIKE 'fdw_connections%'"), []);
  });
});
