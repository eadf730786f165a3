import assert from "node:assert/strict";
import type { StartedTestContainer } from "testcontainers";
import { PgtierProvider } from "../../components/provider/provider";
import { columnNames, countRows, indexNames, relkind } from "../support/catalog";
import { employeeColumns, employeeIndexes } from "../support/fixtures";
import { connectionOf, query, startPostgres } from "../support/postgres";
import { Props, rejectionOf, ResourceUnderTest } from "../support/provider";

describe("ArchiveTable (integration)", () => {
  let archive: StartedTestContainer;
  const table = new ResourceUnderTest(new PgtierProvider(), "ArchiveTable", "emp-2024");
  let id: string;
  let inputs: Props;
  let outs: Props;

  before(async () => {
    archive = await startPostgres({ database: "archive_db" });
  });

  after(async () => {
    await archive?.stop();
  });

  async function boundsConstraint(): Promise<string | undefined> {
    const rows = await query<{ def: string }>(
      connectionOf(archive),
      "SELECT pg_get_constraintdef(oid) AS def FROM pg_constraint WHERE conrelid = 'public.emp_2024'::regclass AND conname = 'emp_2024_bounds' AND contype = 'c'",
    );
    return rows[0]?.def;
  }

  /** The SQLSTATE PostgreSQL answers an insert of one row with, or "ok". */
  async function insertOutcome(hireDate: string): Promise<string> {
    try {
      await query(connectionOf(archive), "INSERT INTO emp_2024 (name, hire_date) VALUES ($1, $2)", [`hired ${hireDate}`, hireDate]);
      return "ok";
    } catch (err) {
      const e = err as { code?: string; constraint?: string };
      return `${e.code} ${e.constraint}`;
    }
  }

  it("creates emp_2024 with the parent's columns, a CHECK on its bounds and the indexes named <table>_<index>", async () => {
    // WHEN
    ({ id, outs, inputs } = await table.create({
      connection: connectionOf(archive),
      name: "emp_2024",
      columns: employeeColumns,
      partitionKey: "hire_date",
      from: "2024-01-01",
      to: "2025-01-01",
      indexes: employeeIndexes,
    }));

    // THEN
    const conn = connectionOf(archive);
    assert.equal(id, "public.emp_2024");
    assert.equal(await relkind(conn, "emp_2024"), "r");
    assert.deepEqual(await columnNames(conn, "emp_2024"), ["id", "name", "hire_date", "department", "salary"]);
    assert.equal(await boundsConstraint(), "CHECK (((hire_date >= '2024-01-01'::date) AND (hire_date < '2025-01-01'::date)))");
    assert.deepEqual(await indexNames(conn, "emp_2024"), ["emp_2024_idx_emp_date", "emp_2024_idx_emp_dept", "emp_2024_idx_emp_name"]);
  });

  it("PostgreSQL accepts rows inside the bounds and rejects rows outside them", async () => {
    assert.equal(await insertOutcome("2024-06-15"), "ok");
    assert.equal(await insertOutcome("2023-12-31"), "23514 emp_2024_bounds");
    assert.equal(await insertOutcome("2025-01-01"), "23514 emp_2024_bounds", "the upper bound is exclusive");
    assert.equal(await countRows(connectionOf(archive), "emp_2024"), 1);
  });

  it("reads it back without drift", async () => {
    const found = await table.read(id, outs);
    assert.ok(found);
    assert.equal(found.props.from, "2024-01-01");
    assert.equal(found.props.to, "2025-01-01");
    assert.deepEqual(found.props.indexes, employeeIndexes);
    assert.deepEqual(found.props.columns, employeeColumns);
    assert.equal((await table.diff(id, found.props, inputs)).changes, false);
  });

  it("read shows a CHECK constraint dropped by hand as empty bounds, and update restores it", async () => {
    await query(connectionOf(archive), "ALTER TABLE emp_2024 DROP CONSTRAINT emp_2024_bounds");
    assert.equal(await insertOutcome("2023-06-01"), "ok", "without the constraint the archive takes any row");
    await query(connectionOf(archive), "DELETE FROM emp_2024 WHERE hire_date = '2023-06-01'");

    // WHEN
    const found = await table.read(id, outs);

    // THEN
    assert.ok(found);
    assert.equal(found.props.from, "");
    assert.equal(found.props.to, "");
    const diff = await table.diff(id, found.props, inputs);
    assert.deepEqual(diff, { changes: true, replaces: [], deleteBeforeReplace: false });

    outs = await table.update(id, found.props, inputs);
    assert.equal(await boundsConstraint(), "CHECK (((hire_date >= '2024-01-01'::date) AND (hire_date < '2025-01-01'::date)))");
    assert.equal(await insertOutcome("2023-06-01"), "23514 emp_2024_bounds");
    assert.equal((await table.read(id, outs))?.props.from, "2024-01-01");
  });

  it("adds a column and an index, and drops an index, in place", async () => {
    const news = {
      ...inputs,
      columns: [...employeeColumns, { name: "email", type: "text" }],
      indexes: [...employeeIndexes.filter((ix) => ix.name !== "idx_emp_dept"), { name: "idx_emp_salary", columns: ["salary"] }],
    };
    const diff = await table.diff(id, outs, news);
    assert.deepEqual(diff, { changes: true, replaces: [], deleteBeforeReplace: false });

    // WHEN
    outs = await table.update(id, outs, news);
    inputs = news;

    // THEN
    const conn = connectionOf(archive);
    assert.deepEqual(await columnNames(conn, "emp_2024"), ["id", "name", "hire_date", "department", "salary", "email"]);
    assert.deepEqual(await indexNames(conn, "emp_2024"), ["emp_2024_idx_emp_date", "emp_2024_idx_emp_name", "emp_2024_idx_emp_salary"]);
    assert.equal(await countRows(conn, "emp_2024"), 1, "rows are kept");
  });

  it("changes the bounds in place, and refuses bounds its rows do not fit", async () => {
    outs = await table.update(id, outs, { ...inputs, from: "2023-01-01" });
    inputs = { ...inputs, from: "2023-01-01" };
    assert.equal(await boundsConstraint(), "CHECK (((hire_date >= '2023-01-01'::date) AND (hire_date < '2025-01-01'::date)))");
    assert.equal(await insertOutcome("2023-06-01"), "ok");

    const message = await rejectionOf(table.update(id, outs, { ...inputs, from: "2024-01-01" }));
    assert.match(
      message,
      /^ArchiveTable "emp-2024": PostgreSQL refused ALTER TABLE "public"."emp_2024" ADD CONSTRAINT "emp_2024_bounds".*violated by some row/,
    );
    assert.equal(
      await boundsConstraint(),
      "CHECK (((hire_date >= '2023-01-01'::date) AND (hire_date < '2025-01-01'::date)))",
      "the old constraint stays: drop and add run in one transaction",
    );
  });

  it("a new partition key is a replace", async () => {
    const diff = await table.diff(id, outs, { ...inputs, partitionKey: "id" });
    assert.deepEqual(diff, { changes: true, replaces: ["partitionKey"], deleteBeforeReplace: true });
  });

  it("deletes the table; a read then finds nothing", async () => {
    await table.delete(id, outs);
    assert.equal(await relkind(connectionOf(archive), "emp_2024"), undefined);
    assert.equal(await table.read(id, outs), undefined);
  });
});
