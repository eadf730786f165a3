import assert from "node:assert/strict";
import { PgtierProvider } from "../../components/provider/provider";
import { countRows, optionRecord, partitionsOf, relkind } from "../support/catalog";
import { employeeColumns, employeeIndexes, insertRowsSql, sampleRows } from "../support/fixtures";
import { connectionOf, PostgresPair, query, startPair } from "../support/postgres";
import { Props, rejectionOf, ResourceUnderTest, secret } from "../support/provider";

describe("ForeignPartition (integration)", () => {
  const provider = new PgtierProvider();
  const partition = new ResourceUnderTest(provider, "ForeignPartition", "emp-2024");
  let pair: PostgresPair;
  let id: string;
  let inputs: Props;
  let outs: Props;

  /** The guide's Steps 1 and 2, through the provider: everything a foreign partition needs. */
  before(async () => {
    pair = await startPair({ mainPassword: "main-Pa55", archivePassword: "archive-Pa55" });
    const main = connectionOf(pair.main);
    const archive = connectionOf(pair.archive);
    await new ResourceUnderTest(provider, "Extension", "fdw").create({ connection: main, name: "postgres_fdw" });
    await new ResourceUnderTest(provider, "ForeignServer", "archive").create({
      connection: main,
      name: "archive_server",
      host: pair.archiveAlias,
      port: 5432,
      dbname: "archive_db",
      options: { fetch_size: "10000", use_remote_estimate: "true" },
    });
    await new ResourceUnderTest(provider, "UserMapping", "archive").create({
      connection: main,
      server: "archive_server",
      remoteUser: "postgres",
      password: secret("archive-Pa55"),
    });
    const table = { columns: employeeColumns, partitionKey: "hire_date", indexes: employeeIndexes };
    await new ResourceUnderTest(provider, "PartitionedTable", "employees").create({ connection: main, name: "employees", ...table });
    await new ResourceUnderTest(provider, "LocalPartition", "emp-2025").create({
      connection: main,
      name: "emp_2025",
      parent: "employees",
      from: "2025-01-01",
      to: "2026-01-01",
    });
    await new ResourceUnderTest(provider, "ArchiveTable", "emp-2024").create({
      connection: archive,
      name: "emp_2024",
      from: "2024-01-01",
      to: "2025-01-01",
      ...table,
    });
  });

  after(async () => {
    await pair?.stop();
  });

  async function foreignTableOptions(name: string): Promise<{ server: string; options: Record<string, string> } | undefined> {
    const rows = await query<{ server: string; options: string[] }>(
      connectionOf(pair.main),
      `SELECT s.srvname AS server, ft.ftoptions AS options
         FROM pg_foreign_table ft JOIN pg_foreign_server s ON s.oid = ft.ftserver
        WHERE ft.ftrelid = $1::regclass`,
      [`public.${name}`],
    );
    return rows[0] && { server: rows[0].server, options: optionRecord(rows[0].options) };
  }

  it("creates emp_2024 as a foreign partition of employees on archive_server (the guide's Step 3)", async () => {
    // WHEN
    ({ id, outs, inputs } = await partition.create({
      connection: connectionOf(pair.main),
      name: "emp_2024",
      parent: "employees",
      from: "2024-01-01",
      to: "2025-01-01",
      server: "archive_server",
      options: { fetch_size: "10000" },
    }));

    // THEN
    const main = connectionOf(pair.main);
    assert.equal(id, "public.emp_2024");
    assert.equal(await relkind(main, "emp_2024"), "f");
    assert.deepEqual(await partitionsOf(main, "employees"), {
      emp_2024: "FOR VALUES FROM ('2024-01-01') TO ('2025-01-01')",
      emp_2025: "FOR VALUES FROM ('2025-01-01') TO ('2026-01-01')",
    });
    assert.deepEqual(await foreignTableOptions("emp_2024"), {
      server: "archive_server",
      options: { fetch_size: "10000", schema_name: "public", table_name: "emp_2024" },
    });
  });

  it("routes 2024 rows inserted through the parent to the archive instance, and 2025 rows to the local partition", async () => {
    const main = connectionOf(pair.main);
    const { sql, params } = insertRowsSql("employees", sampleRows);

    // WHEN
    await query(main, sql, params);

    // THEN: counted on each instance directly
    assert.equal(await countRows(connectionOf(pair.archive), "emp_2024"), 4);
    assert.equal(await countRows(main, "ONLY emp_2025"), 3);
    const byYear = await query(
      main,
      `SELECT EXTRACT(YEAR FROM hire_date)::int AS year, COUNT(*)::int AS employee_count, ROUND(AVG(salary), 2)::text AS avg_salary
         FROM employees GROUP BY 1 ORDER BY 1`,
    );
    assert.deepEqual(byYear, [
      { year: 2024, employee_count: 4, avg_salary: "85000.00" },
      { year: 2025, employee_count: 3, avg_salary: "102333.33" },
    ]);
  });

  it("prunes a 2024 query to a Foreign Scan whose Remote SQL carries the WHERE clause", async () => {
    const rows = await query<{ "QUERY PLAN": string }>(
      connectionOf(pair.main),
      "EXPLAIN (VERBOSE) SELECT * FROM employees WHERE hire_date BETWEEN '2024-01-01' AND '2024-12-31'",
    );
    const plan = rows.map((r) => r["QUERY PLAN"]).join("\n");
    assert.match(plan, /Foreign Scan on public\.emp_2024/);
    const remote = plan.split("\n").find((line) => line.includes("Remote SQL:"));
    assert.ok(remote, `a Remote SQL line in:\n${plan}`);
    assert.match(remote, /FROM public\.emp_2024 WHERE .*hire_date >= '2024-01-01'(::date)?.*hire_date <= '2024-12-31'(::date)?/);
    assert.doesNotMatch(plan, /emp_2025/, "the local partition is pruned");
  });

  it("reads it back attached, with its server and options", async () => {
    const found = await partition.read(id, outs);
    assert.ok(found);
    assert.equal(found.props.attached, true);
    assert.equal(found.props.server, "archive_server");
    assert.equal(found.props.remoteSchema, "public");
    assert.equal(found.props.remoteTable, "emp_2024");
    assert.deepEqual(found.props.options, { fetch_size: "10000" });
    assert.equal(found.props.from, "2024-01-01");
    assert.equal(found.props.to, "2025-01-01");
    assert.equal((await partition.diff(id, found.props, inputs)).changes, false);
  });

  it("refuses a foreign partition whose archive table does not exist, and leaves no foreign table behind", async () => {
    const missing = new ResourceUnderTest(provider, "ForeignPartition", "emp-2023");

    // WHEN
    const message = await rejectionOf(
      missing.create({
        connection: connectionOf(pair.main),
        name: "emp_2023",
        parent: "employees",
        from: "2023-01-01",
        to: "2024-01-01",
        server: "archive_server",
      }),
    );

    // THEN
    assert.match(message, /^ForeignPartition "emp-2023": cannot read public\.emp_2023 through server "archive_server"/);
    assert.match(message, /create the ArchiveTable first/);
    assert.equal(await relkind(connectionOf(pair.main), "emp_2023"), undefined);
    assert.deepEqual(Object.keys(await partitionsOf(connectionOf(pair.main), "employees")).sort(), ["emp_2024", "emp_2025"]);
  });

  it("read shows a manual detach as attached: false, diff as an in-place change, and update re-attaches", async () => {
    const main = connectionOf(pair.main);
    await query(main, "ALTER TABLE employees DETACH PARTITION emp_2024");
    assert.equal(await countRows(main, "employees"), 3, "2024 rows are out of the parent's reach");

    // WHEN
    const found = await partition.read(id, outs);

    // THEN
    assert.ok(found, "the foreign table still exists");
    assert.equal(found.props.attached, false);
    const diff = await partition.diff(id, found.props, inputs);
    assert.deepEqual(diff, { changes: true, replaces: [], deleteBeforeReplace: false });

    outs = await partition.update(id, found.props, inputs);
    assert.equal((await partitionsOf(main, "employees")).emp_2024, "FOR VALUES FROM ('2024-01-01') TO ('2025-01-01')");
    assert.equal(await countRows(main, "employees"), 7);
    assert.equal((await partition.read(id, outs))?.props.attached, true);
  });

  it("changes table options in place with ALTER FOREIGN TABLE", async () => {
    const news = { ...inputs, options: { fetch_size: "50000", async_capable: "true" } };
    const diff = await partition.diff(id, outs, news);
    assert.deepEqual(diff, { changes: true, replaces: [], deleteBeforeReplace: false });

    outs = await partition.update(id, outs, news);
    inputs = news;

    assert.deepEqual((await foreignTableOptions("emp_2024"))?.options, {
      fetch_size: "50000",
      async_capable: "true",
      schema_name: "public",
      table_name: "emp_2024",
    });
    assert.equal(await countRows(connectionOf(pair.main), "employees", "hire_date < '2025-01-01'"), 4);
  });

  it("refuses to point the partition at a remote table that does not exist, changing nothing", async () => {
    const message = await rejectionOf(partition.update(id, outs, { ...inputs, remoteTable: "emp_2024_missing" }));
    assert.match(message, /cannot read public\.emp_2024_missing through server "archive_server".*nothing was changed$/);
    assert.equal((await foreignTableOptions("emp_2024"))?.options.table_name, "emp_2024");
  });

  it("a different server is a replace", async () => {
    const diff = await partition.diff(id, outs, { ...inputs, server: "archive_2" });
    assert.deepEqual(diff, { changes: true, replaces: ["server"], deleteBeforeReplace: true });
  });

  it("delete drops only the foreign table: the archive keeps its rows", async () => {
    await partition.delete(id, outs);

    const main = connectionOf(pair.main);
    assert.equal(await relkind(main, "emp_2024"), undefined);
    assert.deepEqual(Object.keys(await partitionsOf(main, "employees")), ["emp_2025"]);
    assert.equal(await countRows(main, "employees"), 3);
    assert.equal(await countRows(connectionOf(pair.archive), "emp_2024"), 4, "the only copy of 2024 is untouched");
    assert.equal(await partition.read(id, outs), undefined);
  });
});
