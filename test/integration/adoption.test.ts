/**
 * Adoption of objects built by hand (`adopt`): what cannot be reconciled
 * without moving data is refused before anything changes, naming the
 * object, the difference and the fix.
 */
import assert from "node:assert/strict";
import type { StartedTestContainer } from "testcontainers";
import { PgtierProvider } from "../../components/provider/provider";
import { countRows, indexNames, relkind } from "../support/catalog";
import { employeeColumns, employeeIndexes } from "../support/fixtures";
import { connectionOf, execAll, PostgresPair, query, startPostgres } from "../support/postgres";
import { rejectionOf, ResourceUnderTest } from "../support/provider";
import { ARCHIVE_SERVER, rowsAndChecksum, TieredPartitionUnderTest, useTieredPair, yearInputs } from "../support/tiered";

describe("adopting what was built by hand (integration)", () => {
  let pg: StartedTestContainer;
  const provider = new PgtierProvider();

  before(async () => {
    pg = await startPostgres();
  });

  after(async () => {
    await pg?.stop();
  });

  afterEach(async () => {
    await query(connectionOf(pg), "DROP TABLE IF EXISTS employees CASCADE");
  });

  /** The PartitionedTable inputs of the guide's employees, adopting, with the layout given. */
  const adopting = (partitions?: { name: string; from: string; to: string }[]) => ({
    connection: connectionOf(pg),
    name: "employees",
    columns: employeeColumns,
    partitionKey: "hire_date",
    indexes: employeeIndexes,
    adopt: true,
    ...(partitions ? { partitions } : {}),
  });

  it("partitions the policy would not have made: each refused with its fix, before anything changes", async () => {
    // GIVEN: a period before the window, a period under another name, and a default partition
    const conn = connectionOf(pg);
    await execAll(conn, [
      "CREATE TABLE employees (id serial, name text NOT NULL, hire_date date NOT NULL, department text, salary numeric(10,2)) PARTITION BY RANGE (hire_date)",
      "CREATE TABLE emp_2023 PARTITION OF employees FOR VALUES FROM ('2023-01-01') TO ('2024-01-01')",
      "CREATE TABLE employees_2025 PARTITION OF employees FOR VALUES FROM ('2025-01-01') TO ('2026-01-01')",
      "CREATE TABLE employees_rest PARTITION OF employees DEFAULT",
    ]);
    const layout = [
      { name: "emp_2024", from: "2024-01-01", to: "2025-01-01" },
      { name: "emp_2025", from: "2025-01-01", to: "2026-01-01" },
    ];
    // WHEN
    const message = await rejectionOf(new ResourceUnderTest(provider, "PartitionedTable", "employees-table").create(adopting(layout)));
    // THEN
    assert.equal(
      message,
      'PartitionedTable "employees-table": public.employees has partitions the program does not lay out, so it is not taken over: ' +
        "emp_2023 holds [2023-01-01, 2024-01-01), which the policy does not lay out (its periods cover [2024-01-01, 2026-01-01)); " +
        'change firstPeriod or period so the policy covers it, or leave it out of the table (ALTER TABLE "public"."employees" DETACH PARTITION "public"."emp_2023"); ' +
        'employees_2025 holds [2025-01-01, 2026-01-01), the period the program calls emp_2025; rename it (ALTER TABLE "public"."employees_2025" RENAME TO "emp_2025"), ' +
        "or change the policy's namePrefix to match it; " +
        "employees_rest is a default partition; pgtier lays out every period itself and never archives or decommissions a default partition's rows: " +
        'move them into the periods\' partitions and drop it (ALTER TABLE "public"."employees" DETACH PARTITION "public"."employees_rest"; ' +
        'INSERT INTO "public"."employees" SELECT * FROM "public"."employees_rest"; DROP TABLE "public"."employees_rest"); nothing was changed',
    );
    assert.deepEqual(await indexNames(conn, "employees"), [], "no index was created");
  });

  it("a column of another type: refused, naming it, before anything changes", async () => {
    // GIVEN
    const conn = connectionOf(pg);
    await query(
      conn,
      "CREATE TABLE employees (id serial, name text NOT NULL, hire_date date NOT NULL, department text, salary numeric(12,2)) PARTITION BY RANGE (hire_date)",
    );
    // WHEN
    const message = await rejectionOf(new ResourceUnderTest(provider, "PartitionedTable", "employees-table").create(adopting()));
    // THEN
    assert.match(
      message,
      /^PartitionedTable "employees-table": public\.employees already exists and cannot be taken over as the program describes it: column "salary" is numeric\(12,2\) in the table and decimal\(10,2\) in the program; declare it as numeric\(12,2\) \(pgtier never changes a column's type\)$/,
    );
    assert.deepEqual(await indexNames(conn, "employees"), []);
  });

  it("a plain table under the parent's name: refused, saying how to make it partitioned", async () => {
    // GIVEN
    const conn = connectionOf(pg);
    await query(
      conn,
      "CREATE TABLE employees (id serial, name text NOT NULL, hire_date date NOT NULL, department text, salary numeric(10,2))",
    );
    // WHEN
    const message = await rejectionOf(new ResourceUnderTest(provider, "PartitionedTable", "employees-table").create(adopting()));
    // THEN
    assert.match(
      message,
      /^PartitionedTable "employees-table": public\.employees already exists as a plain table, not a partitioned table; /,
    );
    assert.match(
      message,
      /rename it, create the partitioned table under its name and move the rows in, then run pulumi up again; nothing was changed$/,
    );
  });

  it("a parent partitioned on another column: refused, both keys named, nothing changed", async () => {
    // GIVEN
    const conn = connectionOf(pg);
    await query(
      conn,
      "CREATE TABLE employees (id serial, name text NOT NULL, hire_date date NOT NULL, department text, salary numeric(10,2)) PARTITION BY RANGE (id)",
    );
    const table = new ResourceUnderTest(provider, "PartitionedTable", "employees-table");
    // WHEN
    const message = await rejectionOf(
      table.create({
        connection: conn,
        name: "employees",
        columns: employeeColumns,
        partitionKey: "hire_date",
        indexes: employeeIndexes,
        adopt: true,
      }),
    );
    // THEN
    assert.equal(
      message,
      'PartitionedTable "employees-table": public.employees already exists and differs from the program in partitionKey ("id" there, "hire_date" in the program); ' +
        "adopting takes it over where it is and never moves its rows, drops it or creates it again: change the program to match it (for a tier or archive: the as-of date and placement that keep it where it is), and change the layout in a later up",
    );
    assert.deepEqual(await indexNames(conn, "employees"), [], "no index was created");
    assert.deepEqual(await query(conn, "SELECT pg_get_partkeydef('employees'::regclass) AS key"), [{ key: "RANGE (id)" }]);
  });
});

describe("adopting periods built by hand (integration)", () => {
  const started = useTieredPair(new PgtierProvider());
  let pair: PostgresPair;

  beforeEach(() => {
    pair = started();
  });

  it("a partition on other bounds: refused, both bounds named, its rows untouched", async () => {
    // GIVEN: emp_2024 holds only the first half of the year
    const main = connectionOf(pair.main);
    await execAll(main, [
      "CREATE TABLE emp_2024 PARTITION OF employees FOR VALUES FROM ('2024-01-01') TO ('2024-07-01')",
      "INSERT INTO employees (name, hire_date, department, salary) VALUES ('Alice Johnson', '2024-03-15', 'Engineering', 95000.00)",
    ]);
    const before = await rowsAndChecksum(main, "employees");
    // WHEN
    const message = await rejectionOf(new TieredPartitionUnderTest("emp-2024").create(yearInputs(pair, 2024, "local", { adopt: true })));
    // THEN
    assert.equal(
      message,
      'TieredPartition "emp-2024": public.emp_2024 already exists and differs from the program in to ("2024-07-01" there, "2025-01-01" in the program); ' +
        "adopting takes it over where it is and never moves its rows, drops it or creates it again: change the program to match it (for a tier or archive: the as-of date and placement that keep it where it is), and change the layout in a later up",
    );
    assert.deepEqual(await rowsAndChecksum(main, "employees"), before);
    const [bounds] = await query<{ bound: string }>(
      main,
      "SELECT pg_get_expr(relpartbound, oid) AS bound FROM pg_class WHERE relname = 'emp_2024'",
    );
    assert.equal(bounds.bound, "FOR VALUES FROM ('2024-01-01') TO ('2024-07-01')");
  });

  /** emp_2024 on the archive as someone made it: no CHECK, one index of three, rows `hired`; attached on main as a foreign partition. */
  async function archivedByHand(hired: readonly string[]): Promise<void> {
    await execAll(connectionOf(pair.archive), [
      "CREATE TABLE emp_2024 (id integer, name text NOT NULL, hire_date date NOT NULL, department text, salary numeric(10,2))",
      "CREATE INDEX by_hire ON emp_2024 (hire_date)",
      ...hired.map((d, i) => `INSERT INTO emp_2024 VALUES (${i + 1}, 'hired ${d}', '${d}', 'Ops', 1)`),
    ]);
    await query(
      connectionOf(pair.main),
      `CREATE FOREIGN TABLE emp_2024 PARTITION OF employees FOR VALUES FROM ('2024-01-01') TO ('2025-01-01') SERVER ${ARCHIVE_SERVER} OPTIONS (table_name 'emp_2024')`,
    );
  }

  it("an archive table without a CHECK and with one index of three: the two missing indexes are created, the CHECK added and validated", async () => {
    // GIVEN
    await archivedByHand(["2024-03-15", "2024-11-05"]);
    const before = await rowsAndChecksum(connectionOf(pair.main), "employees");
    const partition = new TieredPartitionUnderTest("emp-2024");
    // WHEN
    await partition.create(yearInputs(pair, 2024, "archive", { adopt: true }));
    // THEN: by_hire does idx_emp_date's work, so only the other two are built
    const archive = connectionOf(pair.archive);
    assert.deepEqual(await indexNames(archive, "emp_2024"), ["by_hire", "emp_2024_idx_emp_dept", "emp_2024_idx_emp_name"]);
    assert.deepEqual(
      await query(archive, "SELECT conname, convalidated FROM pg_constraint WHERE conrelid = 'emp_2024'::regclass AND contype = 'c'"),
      [{ conname: "emp_2024_bounds", convalidated: true }],
    );
    assert.deepEqual(await rowsAndChecksum(connectionOf(pair.main), "employees"), before);
    assert.deepEqual(partition.progress, [
      "adding a CHECK on [2024-01-01, 2025-01-01) to emp_2024 on the archive: NOT VALID first, then validated against its rows",
      "creating emp_2024_idx_emp_name, emp_2024_idx_emp_dept on emp_2024 on the archive; the indexes there cover the rest",
    ]);
  });

  it("a row outside the period in the archive table: refused at preview and by up, naming the row, nothing changed", async () => {
    // GIVEN: a 2023 row that the foreign partition never shows
    await archivedByHand(["2024-03-15", "2023-12-31"]);
    const partition = new TieredPartitionUnderTest("emp-2024");
    const inputs = await partition.resource.check(yearInputs(pair, 2024, "archive", { adopt: true }));
    const archive = connectionOf(pair.archive);
    const outside = 'TieredPartition "emp-2024": emp_2024 on the archive holds rows outside [2024-01-01, 2025-01-01), its period (';
    const fix = "); move them to the table of their period, or delete them, then run pulumi up again; nothing was changed";
    // WHEN: preview
    const previewed = await rejectionOf(new PgtierProvider().previewCreate(partition.resource.urn, inputs));
    // THEN
    assert.equal(previewed, `${outside}e.g. hire_date 2023-12-31${fix}`);
    // WHEN: up (without a preview first)
    const message = await rejectionOf(partition.create(yearInputs(pair, 2024, "archive", { adopt: true })));
    // THEN: refused the same way, before anything changes
    assert.equal(message, previewed);
    assert.deepEqual(await query(archive, "SELECT conname FROM pg_constraint WHERE conrelid = 'emp_2024'::regclass AND contype = 'c'"), []);
    assert.deepEqual(await indexNames(archive, "emp_2024"), ["by_hire"], "nothing was built");
    assert.equal(await countRows(archive, "emp_2024"), 2);
  });

  it("a period found local where the program archives it: refused, its rows not moved", async () => {
    // GIVEN: emp_2024 built by hand on the main instance, with a row
    const main = connectionOf(pair.main);
    await execAll(main, [
      "CREATE TABLE emp_2024 PARTITION OF employees FOR VALUES FROM ('2024-01-01') TO ('2025-01-01')",
      "INSERT INTO employees (name, hire_date, department, salary) VALUES ('Alice Johnson', '2024-03-15', 'Engineering', 95000.00)",
    ]);
    // WHEN
    const message = await rejectionOf(new TieredPartitionUnderTest("emp-2024").create(yearInputs(pair, 2024, "archive", { adopt: true })));
    // THEN
    assert.match(
      message,
      /^TieredPartition "emp-2024": public\.emp_2024 already exists and differs from the program in tier \("local" there, "archive" in the program\); adopting takes it over where it is and never moves its rows/,
    );
    assert.equal(await relkind(main, "emp_2024"), "r");
    assert.equal(await relkind(connectionOf(pair.archive), "emp_2024"), undefined);
  });

  it("a partition on the period's bounds under another name: refused with the rename that takes it over", async () => {
    // GIVEN
    const main = connectionOf(pair.main);
    await query(main, "CREATE TABLE employees_2025 PARTITION OF employees FOR VALUES FROM ('2025-01-01') TO ('2026-01-01')");
    // WHEN
    const message = await rejectionOf(new TieredPartitionUnderTest("emp-2025").create(yearInputs(pair, 2025, "local", { adopt: true })));
    // THEN
    assert.equal(
      message,
      'TieredPartition "emp-2025": employees_2025 already holds [2025-01-01, 2026-01-01) of "public"."employees", the period the program calls emp_2025; ' +
        'rename it (ALTER TABLE "public"."employees_2025" RENAME TO "emp_2025") and run pulumi up again to take it over, or change the policy\'s namePrefix to match it; nothing was changed',
    );
    assert.equal(await relkind(main, "emp_2025"), undefined);
  });

  it("a default partition holding the period's rows: refused, saying how to fold its rows into the periods", async () => {
    // GIVEN
    const main = connectionOf(pair.main);
    await execAll(main, [
      "CREATE TABLE employees_rest PARTITION OF employees DEFAULT",
      "INSERT INTO employees (name, hire_date, department, salary) VALUES ('Eve Davis', '2025-04-12', 'Engineering', 105000.00)",
    ]);
    // WHEN
    const message = await rejectionOf(new TieredPartitionUnderTest("emp-2025").create(yearInputs(pair, 2025, "local", { adopt: true })));
    // THEN
    assert.match(
      message,
      /^TieredPartition "emp-2025": "public"\."employees" has a default partition, employees_rest; pgtier lays out every period itself/,
    );
    assert.match(message, /ALTER TABLE "public"\."employees" DETACH PARTITION "public"\."employees_rest"/);
    assert.equal(await relkind(main, "emp_2025"), undefined);
    assert.equal(await countRows(main, "employees_rest"), 1);
  });
});
