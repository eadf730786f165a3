/**
 * Adoption end to end through the Pulumi CLI: two instances built by hand
 * with the guide's SQL (Steps 1 to 3, verbatim), then pgtier's own stack
 * program pointed at them as existing servers (`pgtier:main` and an
 * archive entry with `host`). Without `pgtier:adopt` the table that differs
 * is refused and nothing changes; with it, everything is taken over in
 * place, every row stays where it is, and a rotation then works as on a
 * stack pgtier created.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { Stack } from "@pulumi/pulumi/automation";
import { Network, StartedNetwork, StartedTestContainer } from "testcontainers";
import { Connection } from "../../components/model/types";
import { guideYearQuery } from "../../stacks/guide";
import { indexNames, relkind } from "../support/catalog";
import {
  assertPrunedTo2024,
  GUIDE_2024_EXPLAIN,
  GUIDE_ARCHIVE_HOST,
  GUIDE_STEP1_MAIN,
  GUIDE_STEP2_ARCHIVE,
  GUIDE_STEP3_MAIN,
} from "../support/guide-sql";
import { connectionOf, query, startPostgres } from "../support/postgres";
import { backupDir, createStack, ROOT, skipAfterFirstFailure, uniqueStackName } from "../support/stack";
import { rowsAndChecksum, RowsAndChecksum } from "../support/tiered";

/** A table's oid: the same oid after `up` means the table was never recreated. */
async function oidOf(conn: Connection, table: string): Promise<number> {
  const [row] = await query<{ oid: number }>(conn, "SELECT $1::regclass::oid::int AS oid", [table]);
  return row.oid;
}

/** Each index of a partition and the parent index it is attached to (none: not attached). */
async function attachedIndexes(conn: Connection, partition: string): Promise<Record<string, string | null>> {
  const rows = await query<{ index: string; parent: string | null }>(
    conn,
    `SELECT c.relname AS index, p.relname AS parent
       FROM pg_index i
       JOIN pg_class c ON c.oid = i.indexrelid
       LEFT JOIN pg_inherits h ON h.inhrelid = i.indexrelid
       LEFT JOIN pg_class p ON p.oid = h.inhparent
      WHERE i.indrelid = $1::regclass
      ORDER BY 1`,
    [partition],
  );
  return Object.fromEntries(rows.map((r) => [r.index, r.parent]));
}

describe("e2e: adopting a setup built by hand from the guide", function () {
  skipAfterFirstFailure();
  const { stackName, prefix } = uniqueStackName("adopt");
  let network: StartedNetwork;
  let containers: StartedTestContainer[] = [];
  let stack: Stack;
  let main: Connection;
  let archive: Connection;
  let initial: RowsAndChecksum;
  const oids: Record<string, number> = {};

  before(async () => {
    network = await new Network().start();
    containers = await Promise.all([
      startPostgres({ network, database: "appdb" }),
      startPostgres({ network, alias: GUIDE_ARCHIVE_HOST, database: "archive_db" }),
    ]);
    main = connectionOf(containers[0]);
    archive = connectionOf(containers[1]);
    // GIVEN: the guide's Steps 1 to 3, as a user runs them in psql.
    await query(main, GUIDE_STEP1_MAIN);
    await query(archive, GUIDE_STEP2_ARCHIVE);
    await query(main, GUIDE_STEP3_MAIN);
    initial = await rowsAndChecksum(main, "employees");
    oids.emp_2025 = await oidOf(main, "emp_2025");
    oids.employees = await oidOf(main, "employees");
    oids.archive_emp_2024 = await oidOf(archive, "emp_2024");
    stack = await createStack(stackName, {
      "pgtier:password": { value: "postgres123", secret: true },
      "pgtier:namePrefix": { value: prefix },
      "pgtier:main": { value: JSON.stringify({ host: main.host, port: main.port, database: "appdb", user: "postgres" }) },
      "pgtier:archives": {
        value: JSON.stringify([
          {
            name: "archive",
            host: archive.host,
            port: archive.port,
            database: "archive_db",
            user: "postgres",
            internalHost: GUIDE_ARCHIVE_HOST,
            internalPort: 5432,
          },
        ]),
      },
      "pgtier:asOf": { value: "2025-06-15" },
      "pgtier:futurePeriods": { value: "0" },
      "pgtier:backupLocation": { value: backupDir(stackName) },
    });
  });

  after(async () => {
    // The instances go with their containers: the stack is forgotten, not destroyed.
    await stack?.workspace.removeStack(stackName, { force: true }).catch(() => undefined);
    fs.rmSync(path.join(ROOT, "stacks", `Pulumi.${stackName}.yaml`), { force: true });
    fs.rmSync(backupDir(stackName), { recursive: true, force: true });
    await Promise.allSettled(containers.map((c) => c.stop()));
    await network?.stop().catch(() => undefined);
  });

  it("has the guide's seven rows to begin with", () => {
    assert.equal(initial.rows, 7);
  });

  it("without pgtier:adopt, up stops at the table that differs, naming it and the fix; nothing in PostgreSQL changes", async () => {
    // WHEN
    const message = await stack.up({ color: "never" }).then(
      () => "up succeeded",
      (err: unknown) => String((err as Error).message),
    );
    // THEN
    assert.match(
      message,
      /PartitionedTable "employees-table": public\.employees already exists and differs from the program in indexes; set adopt \(stack setting pgtier:adopt\) to take it over/,
    );
    assert.deepEqual(await indexNames(main, "employees"), []);
    assert.deepEqual(await rowsAndChecksum(main, "employees"), initial);
  });

  it("with pgtier:adopt, the preview refuses what cannot be taken over, naming the fix, and changes nothing", async () => {
    await stack.setConfig("pgtier:adopt", { value: "true" });
    const previewFailure = () =>
      stack.preview({ color: "never" }).then(
        () => "preview succeeded",
        (err: unknown) => String((err as Error).message),
      );
    // GIVEN: a default partition added by hand
    await query(main, "CREATE TABLE employees_rest PARTITION OF employees DEFAULT");
    // WHEN / THEN
    assert.match(
      await previewFailure(),
      /public\.employees has partitions the program does not lay out, so it is not taken over: employees_rest is a default partition; .*nothing was changed/,
    );
    await query(main, "DROP TABLE employees_rest");
    // GIVEN: salary retyped by hand
    await query(main, "ALTER TABLE employees ALTER COLUMN salary TYPE numeric(12,2)");
    // WHEN / THEN
    assert.match(
      await previewFailure(),
      /public\.employees already exists and cannot be taken over as the program describes it: column "salary" is numeric\(12,2\) in the table and decimal\(10,2\) in the program; declare it as numeric\(12,2\)/,
    );
    await query(main, "ALTER TABLE employees ALTER COLUMN salary TYPE numeric(10,2)");
    assert.deepEqual(await indexNames(main, "employees"), []);
    assert.deepEqual(await rowsAndChecksum(main, "employees"), initial);
  });

  it("with pgtier:adopt, the preview says what adopting will do, and changes nothing", async () => {
    // WHEN
    const preview = await stack.preview({ color: "never" });
    // THEN
    const planned = new Set(
      [...preview.stdout.matchAll(/will take over (\S+), which already exists(?::|,) (.+?)(?: in place to match the program)?$/gm)].map(
        (m) => `${m[1]}: ${m[2]}`,
      ),
    );
    // Objects the refused run had not recorded yet (the server, the mapping) read "as it is" too.
    const changing = [...planned].filter((line) => !line.endsWith(": as it is")).sort();
    // The guide's mapping logs in as postgres; the program's as the FDW reader pgtier creates.
    // The guide's server asks for remote estimates; pgtier's default options scan asynchronously instead.
    assert.deepEqual(changing, [
      "archive_server: changing options",
      "postgres@archive_server: changing remoteUser, password",
      "public.emp_2024: changing options",
      "public.employees: changing indexes",
    ]);
    assert.match(
      preview.stdout,
      /will grant SELECT to employees_fdw_reader; DELETE, INSERT, SELECT, UPDATE to employees_fdw_writer on emp_2024 on the archive/,
    );
    assert.ok(planned.has("public.emp_2025: as it is"), [...planned].join("\n"));
    assert.deepEqual(await indexNames(main, "employees"), []);
  });

  it("with pgtier:adopt, up takes everything over in place: no table recreated, the parent's indexes attach emp_2025's", async () => {
    // WHEN
    const up = await stack.up({ color: "never" });
    // THEN
    assert.equal(up.summary.result, "succeeded");
    // What was changed, as the run reported it: the guide's server options are not pgtier's defaults, and its
    // foreign table had its own fetch_size, the program none.
    const taken = new Set(
      [...up.stdout.matchAll(/taking over (\S+), which already exists: changing (.+) in place/g)].map((m) => `${m[1]}: ${m[2]}`),
    );
    assert.deepEqual([...taken].sort(), [
      "archive_server: options",
      "postgres@archive_server: remoteUser, password",
      "public.emp_2024: options",
      "public.employees: indexes",
    ]);
    assert.deepEqual(await rowsAndChecksum(main, "employees"), initial);
    assert.equal(await oidOf(main, "employees"), oids.employees);
    assert.equal(await oidOf(main, "emp_2025"), oids.emp_2025);
    assert.equal(await oidOf(archive, "emp_2024"), oids.archive_emp_2024);
    assert.deepEqual(await indexNames(main, "employees"), ["idx_emp_date", "idx_emp_dept", "idx_emp_name"]);
    // The guide's archive table already has an index doing each index's work, and its CHECK: nothing added there.
    assert.deepEqual(await indexNames(archive, "emp_2024"), ["idx_emp_2024_date", "idx_emp_2024_dept", "idx_emp_2024_name"]);
    // PostgreSQL attached the guide's indexes instead of building new ones.
    assert.deepEqual(await attachedIndexes(main, "emp_2025"), {
      idx_emp_2025_date: "idx_emp_date",
      idx_emp_2025_dept: "idx_emp_dept",
      idx_emp_2025_name: "idx_emp_name",
    });
  });

  it("the guide's Step 4 queries give the guide's results, the 2024 query pruned to the foreign partition with its WHERE pushed down", async () => {
    const years = await query<Record<string, string>>(main, guideYearQuery);
    assert.deepEqual(
      years.map((r) => [String(r.year), String(r.employee_count), r.avg_salary, r.min_salary, r.max_salary]),
      [
        ["2024", "4", "85000.00", "68000.00", "102000.00"],
        ["2025", "3", "102333.33", "92000.00", "110000.00"],
      ],
    );
    assertPrunedTo2024(await query<{ "QUERY PLAN": string }>(main, GUIDE_2024_EXPLAIN));

    const top = await query<{ name: string; salary: string }>(
      main,
      "SELECT name, hire_date, department, salary FROM employees ORDER BY salary DESC LIMIT 5",
    );
    assert.deepEqual(
      top.map((r) => [r.name, r.salary]),
      [
        ["Grace Lee", "110000.00"],
        ["Eve Davis", "105000.00"],
        ["David Brown", "102000.00"],
        ["Alice Johnson", "95000.00"],
        ["Frank Miller", "92000.00"],
      ],
    );
    const departments = await query<{ department: string; total_employees: string; avg_salary: string }>(
      main,
      `SELECT department, COUNT(*) AS total_employees, ROUND(AVG(salary), 2) AS avg_salary, MIN(hire_date) AS earliest_hire, MAX(hire_date) AS latest_hire
         FROM employees GROUP BY department ORDER BY avg_salary DESC`,
    );
    assert.deepEqual(
      departments.map((r) => [r.department, String(r.total_employees), r.avg_salary]),
      [
        ["Engineering", "4", "103000.00"],
        ["Product", "1", "92000.00"],
        ["Sales", "1", "75000.00"],
        ["HR", "1", "68000.00"],
      ],
    );
    const months = await query<{ hire_month: string; hires: string }>(
      main,
      `SELECT to_char(DATE_TRUNC('month', hire_date), 'YYYY-MM') AS hire_month, COUNT(*) AS hires, AVG(salary) AS avg_starting_salary
         FROM employees WHERE hire_date >= '2024-01-01' GROUP BY DATE_TRUNC('month', hire_date) ORDER BY 1`,
    );
    assert.deepEqual(
      months.map((r) => `${r.hire_month}:${r.hires}`),
      ["2024-03:1", "2024-06:1", "2024-09:1", "2024-11:1", "2025-04:1", "2025-07:1", "2025-10:1"],
    );
  });

  it("a preview after adoption is clean", async () => {
    const preview = await stack.preview({ color: "never" });
    assert.deepEqual(Object.keys(preview.changeSummary), ["same"]);
  });

  it("a rotation to 2026 then works as on a stack pgtier created: emp_2025 archived, emp_2026 local, every row once", async () => {
    await stack.setConfig("pgtier:asOf", { value: "2026-06-15" });
    // WHEN
    const up = await stack.up({ color: "never" });
    // THEN
    assert.equal(up.summary.result, "succeeded");
    assert.equal(await relkind(main, "emp_2025"), "f");
    assert.equal(await relkind(main, "emp_2026"), "r");
    assert.deepEqual(await rowsAndChecksum(main, "employees"), initial);
    assert.deepEqual(await rowsAndChecksum(archive, "emp_2025"), await rowsAndChecksum(main, "employees", "hire_date >= '2025-01-01'"));
    const again = await stack.preview({ color: "never" });
    assert.deepEqual(Object.keys(again.changeSummary), ["same"]);
  });
});
