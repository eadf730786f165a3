/**
 * The guide end to end through the real Pulumi CLI: a new stack of pgtier's
 * own program previews before any container exists, `up` builds the guide's
 * topology, the guide's queries give the guide's results, refresh sees drift
 * made by hand, and destroy leaves nothing behind.
 */
import assert from "node:assert/strict";
import { Client } from "pg";
import { guideSampleRows, guideYearQuery } from "../../stacks/guide";
import { dockerObjectExists } from "../support/docker";
import { assertPrunedTo2024, GUIDE_2024_EXPLAIN } from "../support/guide-sql";
import { stateText, useStack } from "../support/stack";

const PASSWORD = "e2e-Secret-7f3a";

interface Endpoint {
  host: string;
  port: number;
}

/** The instances' password; the password-change test changes it. */
let password = PASSWORD;

async function sql<T = Record<string, unknown>>(endpoint: Endpoint, database: string, text: string, params: unknown[] = []): Promise<T[]> {
  const client = new Client({ ...endpoint, user: "postgres", password, database });
  await client.connect();
  try {
    return (await client.query(text, params)).rows as T[];
  } finally {
    await client.end();
  }
}

describe("e2e: the guide's topology through the Pulumi CLI", function () {
  const { stackName, prefix, stack } = useStack("guide", PASSWORD);
  let main: Endpoint;
  let archive: Endpoint;

  it("previews a brand-new stack before any container exists", async () => {
    // WHEN
    const preview = await stack().preview({ color: "never", diff: false });
    // THEN: every resource is planned, none exists yet
    assert.equal(preview.changeSummary.create, 22);
    assert.equal(await dockerObjectExists("container", `${prefix}-main`), false);
    assert.match(preview.stdout, /pgtier:index:TieredPartition\s+employees-emp_2024\s+create/);
  });

  it("creates the topology, and a second preview changes nothing", async () => {
    const up = await stack().up({ color: "never" });
    assert.equal(up.summary.result, "succeeded");
    assert.equal(up.summary.resourceChanges?.create, 22);
    main = up.outputs.mainEndpoint.value as Endpoint;
    archive = up.outputs.archiveEndpoint.value as Endpoint;
    assert.equal(main.host, "127.0.0.1");

    const again = await stack().preview({ color: "never" });
    assert.deepEqual(Object.keys(again.changeSummary), ["same"]);
    assert.equal(again.changeSummary.same, 22);
  });

  it("keeps the passwords out of the state in plain text", () => {
    const text = stateText(stackName);
    assert.ok(text.length > 1000, "state files were found");
    assert.equal(text.includes(PASSWORD), false);
  });

  it("answers the guide's cross-instance query with the guide's numbers", async () => {
    for (const r of guideSampleRows) {
      await sql(main, "appdb", "INSERT INTO employees (name, hire_date, department, salary) VALUES ($1, $2, $3, $4)", [
        r.name,
        r.hireDate,
        r.department,
        r.salary,
      ]);
    }
    const rows = await sql<{ year: string; employee_count: string; avg_salary: string }>(main, "appdb", guideYearQuery);
    assert.deepEqual(
      rows.map((r) => [r.year, r.employee_count, r.avg_salary]),
      [
        ["2024", "4", "85000.00"],
        ["2025", "3", "102333.33"],
      ],
    );
    // The 2024 rows went through the foreign partition to the archive instance.
    const [onArchive] = await sql<{ n: number }>(archive, "archive_db", "SELECT count(*)::int AS n FROM emp_2024");
    assert.equal(onArchive.n, 4);
  });

  it("reaches the archive as the FDW role, not a superuser: the guide's dedicated account", async () => {
    const client = new Client({ ...main, user: "postgres", password, database: "appdb" });
    await client.connect();
    try {
      // postgres_fdw keeps this session's connection to the archive open until it ends.
      await client.query("SELECT count(*) FROM employees WHERE hire_date < '2025-01-01'");
      const sessions = await sql<{ usename: string; rolsuper: boolean }>(
        archive,
        "archive_db",
        "SELECT a.usename, r.rolsuper FROM pg_stat_activity a JOIN pg_roles r ON r.rolname = a.usename WHERE a.application_name = 'postgres_fdw'",
      );
      assert.deepEqual(sessions, [{ usename: "employees_fdw_writer", rolsuper: false }]);
    } finally {
      await client.end();
    }
    // Its password was generated; the state holds it only encrypted.
    const [mapping] = await sql<{ options: string[] }>(
      main,
      "appdb",
      "SELECT umoptions AS options FROM pg_user_mappings WHERE srvname = 'archive_server'",
    );
    const generated = mapping.options.find((o) => o.startsWith("password="))!.slice("password=".length);
    assert.equal(generated.length, 32);
    assert.equal(stateText(stackName).includes(generated), false);
  });

  it("answers the guide's monitoring query: archive_health has one row per partition, with exact counts", async () => {
    const rows = await sql<{ partition: string; type: string; row_count: string }>(
      main,
      "appdb",
      "SELECT * FROM archive_health ORDER BY partition DESC",
    );
    assert.deepEqual(
      rows.map((r) => [r.partition, r.type, Number(r.row_count)]),
      [
        ["emp_2025", "Local", 3],
        ["emp_2024", "Foreign", 4],
      ],
    );
  });

  it("answers the guide's connection monitoring, on the archive and through fdw_connections on the main instance", async () => {
    const client = new Client({ ...main, user: "postgres", password, database: "appdb", application_name: "payroll-app" });
    await client.connect();
    try {
      // An application session that read 2024 keeps its postgres_fdw connection to the archive, idle.
      await client.query("SELECT count(*) FROM employees WHERE hire_date < '2025-01-01'");
      // The guide's query, on the archive instance.
      const onArchive = await sql<{ usename: string; application_name: string; state: string }>(
        archive,
        "archive_db",
        "SELECT datname, usename, application_name, client_addr, state, query_start, state_change, query FROM pg_stat_activity WHERE application_name LIKE 'postgres_fdw%' ORDER BY query_start DESC",
      );
      assert.deepEqual(
        onArchive.map((r) => [r.usename, r.application_name, r.state]),
        [["employees_fdw_writer", "postgres_fdw", "idle"]],
      );
      // The same sessions from the main instance, by server; the view's own read is one more, active.
      const byServer = await sql<{ server_name: string; connections: number; active_connections: number }>(
        main,
        "appdb",
        "SELECT server_name, connections::int, active_connections::int FROM fdw_connections_by_server",
      );
      assert.deepEqual(byServer, [{ server_name: "archive_server", connections: 2, active_connections: 1 }]);
    } finally {
      await client.end();
    }
  });

  it("prunes a 2024 query to one Foreign Scan with the WHERE clause pushed down", async () => {
    assertPrunedTo2024(await sql<{ "QUERY PLAN": string }>(main, "appdb", GUIDE_2024_EXPLAIN));
  });

  it("routes INSERT, UPDATE and DELETE through employees to the archive instance", async () => {
    await sql(
      main,
      "appdb",
      "INSERT INTO employees (name, hire_date, department, salary) VALUES ('Hannah Green', '2024-12-15', 'Sales', 79000.00)",
    );
    await sql(main, "appdb", "UPDATE employees SET salary = salary * 1.05 WHERE department = 'Engineering'");
    await sql(main, "appdb", "DELETE FROM employees WHERE hire_date < '2024-06-01' AND department = 'HR'");
    await sql(main, "appdb", "DELETE FROM employees WHERE name = 'Bob Smith'");

    const archived = await sql<{ name: string; salary: string }>(
      archive,
      "archive_db",
      "SELECT name, salary::text FROM emp_2024 ORDER BY name",
    );
    assert.deepEqual(archived, [
      { name: "Alice Johnson", salary: "99750.00" },
      { name: "Carol White", salary: "68000.00" },
      { name: "David Brown", salary: "107100.00" },
      { name: "Hannah Green", salary: "79000.00" },
    ]);
    const local = await sql<{ n: number }>(main, "appdb", "SELECT count(*)::int AS n FROM emp_2025 WHERE salary > 100000");
    assert.equal(local[0].n, 2);
  });

  it("sees a partition detached by hand on refresh, and re-attaches it on up", async () => {
    await sql(main, "appdb", "ALTER TABLE employees DETACH PARTITION emp_2025");
    await sql(main, "appdb", "ALTER SERVER archive_server OPTIONS (SET fetch_size '1')");

    const refresh = await stack().refresh({ color: "never" });
    assert.equal(refresh.summary.resourceChanges?.update, 2);

    const preview = await stack().preview({ color: "never" });
    assert.equal(preview.changeSummary.update, 2);
    // --diff names exactly the drifted properties, old state => desired
    const detailed = await stack().preview({ color: "never", diff: true });
    assert.match(detailed.stdout, /~ attached: false => true/);
    assert.match(detailed.stdout, /~ fetch_size\s*: "1" => "10000"/);
    assert.doesNotMatch(detailed.stdout, /~ (name|host|dbname)\b/);
    assert.match(preview.stdout, /~\s+pgtier:index:TieredPartition\s+employees-emp_2025\s+update/);
    assert.match(preview.stdout, /~\s+pgtier:index:ForeignServer\s+employees-archive-server\s+update/);

    const up = await stack().up({ color: "never" });
    assert.equal(up.summary.resourceChanges?.update, 2);
    const [attached] = await sql<{ bound: string }>(
      main,
      "appdb",
      "SELECT pg_get_expr(c.relpartbound, c.oid) AS bound FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE c.relname = 'emp_2025'",
    );
    assert.equal(attached.bound, "FOR VALUES FROM ('2025-01-01') TO ('2026-01-01')");
    const [server] = await sql<{ options: string[] }>(
      main,
      "appdb",
      "SELECT srvoptions AS options FROM pg_foreign_server WHERE srvname = 'archive_server'",
    );
    assert.ok(server.options.includes("fetch_size=10000"), server.options.join(","));
  });

  it("changes the password in place: both instances and the user mapping, data kept", async () => {
    // WHEN
    await stack().setConfig("pgtier:password", { value: "e2e-Rotated-2b9d", secret: true });
    const up = await stack().up({ color: "never" });
    // THEN: updated in place, nothing replaced
    assert.equal(up.summary.resourceChanges?.replace ?? 0, 0);
    assert.equal(
      up.summary.resourceChanges?.update,
      15,
      "2 instances and the 13 objects that connect with it (6 of them the FDW roles and their grants, 1 the monitoring views)",
    );
    await assert.rejects(sql(main, "appdb", "SELECT 1"), /password authentication failed/);
    password = "e2e-Rotated-2b9d";
    const [row] = await sql<{ n: number }>(main, "appdb", "SELECT count(*)::int AS n FROM employees WHERE hire_date < '2025-01-01'");
    assert.equal(row.n, 4, "the archive is read through the mapping with the new password");
    assert.equal(stateText(stackName).includes("e2e-Rotated-2b9d"), false);
  });

  it("destroys everything: containers, volumes, network", async () => {
    const result = await stack().destroy({ color: "never" });
    assert.equal(result.summary.resourceChanges?.delete, 22);
    for (const [kind, name] of [
      ["container", `${prefix}-main`],
      ["container", `${prefix}-archive`],
      ["volume", `${prefix}-main-data`],
      ["volume", `${prefix}-archive-data`],
      ["network", prefix],
    ] as const) {
      assert.equal(await dockerObjectExists(kind, name), false, `${kind} ${name} is gone`);
    }
  });
});
