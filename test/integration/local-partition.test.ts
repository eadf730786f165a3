import assert from "node:assert/strict";
import type { StartedTestContainer } from "testcontainers";
import { PgtierProvider } from "../../components/provider/provider";
import { countRows, indexNames, partitionsOf, relkind } from "../support/catalog";
import { createEmployeesSql, insertRowsSql, sampleRows } from "../support/fixtures";
import { connectionOf, execAll, query, startPostgres } from "../support/postgres";
import { Props, rejectionOf, ResourceUnderTest } from "../support/provider";

describe("LocalPartition (integration)", () => {
  let pg: StartedTestContainer;
  const partition = new ResourceUnderTest(new PgtierProvider(), "LocalPartition", "emp-2025");
  let id: string;
  let inputs: Props;
  let outs: Props;

  before(async () => {
    pg = await startPostgres();
    await execAll(connectionOf(pg), [
      createEmployeesSql,
      "CREATE INDEX idx_emp_date ON employees (hire_date)",
      "CREATE INDEX idx_emp_name ON employees (name)",
    ]);
  });

  after(async () => {
    await pg?.stop();
  });

  async function oidOf(name: string): Promise<number | undefined> {
    const rows = await query<{ oid: number }>(connectionOf(pg), "SELECT oid::int FROM pg_class WHERE relname = $1", [name]);
    return rows[0]?.oid;
  }

  it("creates emp_2025 as a local partition that receives 2025 rows", async () => {
    // WHEN
    ({ id, outs, inputs } = await partition.create({
      connection: connectionOf(pg),
      name: "emp_2025",
      parent: "employees",
      from: "2025-01-01",
      to: "2026-01-01",
    }));

    // THEN
    const conn = connectionOf(pg);
    assert.equal(id, "public.emp_2025");
    assert.equal(inputs.attached, true, "attached by default");
    assert.equal(await relkind(conn, "emp_2025"), "r");
    assert.deepEqual(await partitionsOf(conn, "employees"), { emp_2025: "FOR VALUES FROM ('2025-01-01') TO ('2026-01-01')" });
    assert.deepEqual(await indexNames(conn, "emp_2025"), ["emp_2025_hire_date_idx", "emp_2025_name_idx"], "the parent's indexes cascade");
    const { sql, params } = insertRowsSql("employees", sampleRows.slice(4));
    await query(conn, sql, params);
    assert.equal(await countRows(conn, "emp_2025"), 3);
  });

  it("rejects a row outside every partition, writing nothing (no DEFAULT partition)", async () => {
    const conn = connectionOf(pg);
    await assert.rejects(
      query(conn, "INSERT INTO employees (name, hire_date) VALUES ('Too Late', '2031-01-01'), ('In Range', '2025-03-03')"),
      /no partition of relation "employees" found for row/,
    );
    assert.equal(await countRows(conn, "employees"), 3, "the statement wrote nothing");
  });

  it("reads it back attached, with its bounds", async () => {
    const found = await partition.read(id, outs);
    assert.ok(found);
    assert.equal(found.props.attached, true);
    assert.equal(found.props.from, "2025-01-01");
    assert.equal(found.props.to, "2026-01-01");
    assert.equal((await partition.diff(id, found.props, inputs)).changes, false);
  });

  // Drift: ALTER TABLE employees DETACH PARTITION emp_2025, done by hand.
  let drifted: Props;

  it("read shows a partition detached by hand as attached: false", async () => {
    await query(connectionOf(pg), "ALTER TABLE employees DETACH PARTITION emp_2025");
    const found = await partition.read(id, outs);
    assert.ok(found, "the detached table still exists");
    drifted = found.props;
    assert.equal(drifted.attached, false);
    assert.deepEqual(await partitionsOf(connectionOf(pg), "employees"), {});
  });

  it("diff of the detached state against inputs with attached: true reports an in-place change", async () => {
    const diff = await partition.diff(id, drifted, inputs);
    assert.deepEqual(diff, { changes: true, replaces: [], deleteBeforeReplace: false });
  });

  it("update re-attaches it with its bounds, and the rows are visible through the parent again", async () => {
    assert.equal(inputs.attached, true);
    outs = await partition.update(id, drifted, inputs);
    const conn = connectionOf(pg);
    assert.deepEqual(await partitionsOf(conn, "employees"), { emp_2025: "FOR VALUES FROM ('2025-01-01') TO ('2026-01-01')" });
    assert.equal(await countRows(conn, "employees"), 3);
    assert.equal((await partition.read(id, outs))?.props.attached, true);
  });

  it("changes the bounds in place: the same table, re-attached with the new range", async () => {
    const oid = await oidOf("emp_2025");
    const news = { ...inputs, to: "2027-01-01" };
    const diff = await partition.diff(id, outs, news);
    assert.deepEqual(diff, { changes: true, replaces: [], deleteBeforeReplace: false });

    // WHEN
    outs = await partition.update(id, outs, news);
    inputs = news;

    // THEN
    const conn = connectionOf(pg);
    assert.deepEqual(await partitionsOf(conn, "employees"), { emp_2025: "FOR VALUES FROM ('2025-01-01') TO ('2027-01-01')" });
    assert.equal(await oidOf("emp_2025"), oid, "not dropped and recreated");
    assert.equal(await countRows(conn, "employees"), 3, "rows kept");
    await query(conn, "INSERT INTO employees (name, hire_date) VALUES ('Next Year', '2026-02-01')");
    assert.equal(await countRows(conn, "emp_2025", "hire_date = '2026-02-01'"), 1, "the wider range takes 2026 rows");
    const found = await partition.read(id, outs);
    assert.equal(found?.props.to, "2027-01-01");
  });

  it("refuses bounds its rows do not fit, and stays attached with the old bounds", async () => {
    const message = await rejectionOf(partition.update(id, outs, { ...inputs, to: "2025-06-01" }));
    assert.match(message, /^LocalPartition "emp-2025": PostgreSQL refused ALTER TABLE "public"."employees" ATTACH PARTITION/);
    assert.match(message, /violated by some row/);
    assert.deepEqual(await partitionsOf(connectionOf(pg), "employees"), { emp_2025: "FOR VALUES FROM ('2025-01-01') TO ('2027-01-01')" });
  });

  it("detaches in place when attached is set to false, keeping the table and its rows", async () => {
    const news = { ...inputs, attached: false };
    outs = await partition.update(id, outs, news);
    const conn = connectionOf(pg);
    assert.deepEqual(await partitionsOf(conn, "employees"), {});
    assert.equal(await countRows(conn, "emp_2025"), 4);
    assert.equal((await partition.read(id, outs))?.props.attached, false);
    outs = await partition.update(id, outs, inputs);
    assert.deepEqual(Object.keys(await partitionsOf(conn, "employees")), ["emp_2025"]);
  });

  it("a new name or parent is a replace", async () => {
    const diff = await partition.diff(id, outs, { ...inputs, name: "emp_2025b" });
    assert.deepEqual(diff, { changes: true, replaces: ["name"], deleteBeforeReplace: true });
  });

  it("deletes the partition; a read then finds nothing", async () => {
    await partition.delete(id, outs);
    assert.equal(await relkind(connectionOf(pg), "emp_2025"), undefined);
    assert.deepEqual(await partitionsOf(connectionOf(pg), "employees"), {});
    assert.equal(await partition.read(id, outs), undefined);
  });
});
