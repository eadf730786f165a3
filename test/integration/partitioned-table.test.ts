import assert from "node:assert/strict";
import type { StartedTestContainer } from "testcontainers";
import { PgtierProvider } from "../../components/provider/provider";
import { columnNames, indexNames, relkind } from "../support/catalog";
import { employeeColumns, employeeIndexes } from "../support/fixtures";
import { connectionOf, query, startPostgres } from "../support/postgres";
import { Props, ResourceUnderTest } from "../support/provider";

describe("PartitionedTable (integration)", () => {
  let pg: StartedTestContainer;
  const table = new ResourceUnderTest(new PgtierProvider(), "PartitionedTable", "employees");
  let id: string;
  let inputs: Props;
  let outs: Props;

  before(async () => {
    pg = await startPostgres();
  });

  after(async () => {
    await pg?.stop();
  });

  it("creates the guide's employees table, range-partitioned on hire_date, with its indexes", async () => {
    // WHEN
    ({ id, outs, inputs } = await table.create({
      connection: connectionOf(pg),
      name: "employees",
      columns: employeeColumns,
      partitionKey: "hire_date",
      indexes: employeeIndexes,
    }));

    // THEN
    assert.equal(id, "public.employees");
    const conn = connectionOf(pg);
    assert.equal(await relkind(conn, "employees"), "p");
    assert.deepEqual(await query(conn, "SELECT pg_get_partkeydef('public.employees'::regclass) AS key"), [{ key: "RANGE (hire_date)" }]);
    const columns = await query(
      conn,
      `SELECT attname, format_type(atttypid, atttypmod) AS type, attnotnull AS not_null
         FROM pg_attribute WHERE attrelid = 'public.employees'::regclass AND attnum > 0 ORDER BY attnum`,
    );
    assert.deepEqual(columns, [
      { attname: "id", type: "integer", not_null: true },
      { attname: "name", type: "text", not_null: true },
      { attname: "hire_date", type: "date", not_null: true },
      { attname: "department", type: "text", not_null: false },
      { attname: "salary", type: "numeric(10,2)", not_null: false },
    ]);
    assert.deepEqual(await indexNames(conn, "employees"), ["idx_emp_date", "idx_emp_dept", "idx_emp_name"]);
    const defs = await query<{ indexdef: string }>(conn, "SELECT indexdef FROM pg_indexes WHERE indexname = 'idx_emp_date'");
    assert.match(defs[0].indexdef, /ON ONLY public\.employees USING btree \(hire_date\)/);
  });

  it("reads it back without drift", async () => {
    const found = await table.read(id, outs);
    assert.ok(found);
    assert.equal(found.props.partitionKey, "hire_date");
    assert.deepEqual(found.props.columns, employeeColumns, "serial reads back as declared, not as integer");
    assert.deepEqual(found.props.indexes, employeeIndexes);
    assert.equal((await table.diff(id, found.props, inputs)).changes, false);
  });

  it("adds a column in place, reaching existing partitions", async () => {
    await query(connectionOf(pg), "CREATE TABLE emp_2025 PARTITION OF employees FOR VALUES FROM ('2025-01-01') TO ('2026-01-01')");
    await query(connectionOf(pg), "INSERT INTO employees (name, hire_date) VALUES ('Eve Davis', '2025-04-12')");
    const news = { ...inputs, columns: [...employeeColumns, { name: "email", type: "text" }] };
    const diff = await table.diff(id, outs, news);
    assert.deepEqual(diff, { changes: true, replaces: [], deleteBeforeReplace: false });

    // WHEN
    outs = await table.update(id, outs, news);
    inputs = news;

    // THEN
    const conn = connectionOf(pg);
    assert.deepEqual(await columnNames(conn, "employees"), ["id", "name", "hire_date", "department", "salary", "email"]);
    assert.deepEqual(await columnNames(conn, "emp_2025"), ["id", "name", "hire_date", "department", "salary", "email"]);
    assert.deepEqual(await query(conn, "SELECT name, email FROM employees"), [{ name: "Eve Davis", email: null }], "rows are kept");
  });

  it("adds and drops indexes in place, on the parent and its partitions", async () => {
    const conn = connectionOf(pg);
    assert.deepEqual(await indexNames(conn, "emp_2025"), ["emp_2025_department_idx", "emp_2025_hire_date_idx", "emp_2025_name_idx"]);
    const news = {
      ...inputs,
      indexes: [...employeeIndexes.filter((ix) => ix.name !== "idx_emp_dept"), { name: "idx_emp_salary", columns: ["salary"] }],
    };
    const diff = await table.diff(id, outs, news);
    assert.deepEqual(diff, { changes: true, replaces: [], deleteBeforeReplace: false });

    // WHEN
    outs = await table.update(id, outs, news);
    inputs = news;

    // THEN
    assert.deepEqual(await indexNames(conn, "employees"), ["idx_emp_date", "idx_emp_name", "idx_emp_salary"]);
    assert.deepEqual(await indexNames(conn, "emp_2025"), ["emp_2025_hire_date_idx", "emp_2025_name_idx", "emp_2025_salary_idx"]);
    assert.deepEqual((await table.read(id, outs))?.props.indexes, news.indexes);
  });

  it("read shows an index dropped by hand, and update creates it again", async () => {
    await query(connectionOf(pg), "DROP INDEX idx_emp_name");

    const found = await table.read(id, outs);
    assert.ok(found);
    assert.deepEqual(
      (found.props.indexes as { name: string }[]).map((ix) => ix.name),
      ["idx_emp_date", "idx_emp_salary"],
    );
    const diff = await table.diff(id, found.props, inputs);
    assert.deepEqual(diff, { changes: true, replaces: [], deleteBeforeReplace: false });

    outs = await table.update(id, found.props, inputs);
    assert.deepEqual(await indexNames(connectionOf(pg), "employees"), ["idx_emp_date", "idx_emp_name", "idx_emp_salary"]);
  });

  it("a new partition key is a replace; dropping a column is refused at check", async () => {
    const diff = await table.diff(id, outs, { ...inputs, partitionKey: "id" });
    assert.deepEqual(diff, { changes: true, replaces: ["partitionKey"], deleteBeforeReplace: true });

    const result = await table.provider.check(table.urn, outs, { ...inputs, columns: employeeColumns });
    assert.equal(result.failures?.length, 1);
    assert.match(result.failures?.[0].reason ?? "", /column "email" was removed; pgtier does not drop columns in place/);
  });

  it("check refuses a UNIQUE index while foreign partitions are allowed", async () => {
    const result = await table.provider.check(table.urn, {}, { ...inputs, indexes: [{ name: "uq_id", columns: ["id"], unique: true }] });
    assert.equal(result.failures?.[0]?.property, "indexes[0].unique");
  });

  it("deletes the table, and a read then finds nothing", async () => {
    await table.delete(id, outs);
    assert.equal(await relkind(connectionOf(pg), "employees"), undefined);
    assert.equal(await table.read(id, outs), undefined);
  });
});
