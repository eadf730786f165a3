import assert from "node:assert/strict";
import {
  archiveIndex,
  boundsConstraintName,
  buildAddColumnSql,
  buildAttachPartitionSql,
  buildBoundsCheck,
  buildBoundsClause,
  buildCreateArchiveTableSql,
  buildCreateIndexSql,
  buildCreateLocalPartitionSql,
  buildCreatePartitionedTableSql,
  buildDetachPartitionSql,
  buildDropIndexSql,
  buildDropTableSql,
  buildReplaceBoundsCheckSql,
} from "../../components/sql/tables";
import { employeeColumns, employeeIndexes } from "./fixtures";

const employees = { schema: "public", name: "employees" };
const emp2024 = { schema: "public", name: "emp_2024" };
const emp2025 = { schema: "public", name: "emp_2025" };

describe("SQL builders: tables and partitions", () => {
  it("creates the guide's employees table partitioned by range on hire_date, with its indexes", () => {
    // WHEN
    const sql = buildCreatePartitionedTableSql(employees, employeeColumns, "hire_date", employeeIndexes);
    // THEN
    assert.deepEqual(sql, [
      'CREATE TABLE "public"."employees" (\n' +
        '  "id" serial,\n' +
        '  "name" text NOT NULL,\n' +
        '  "hire_date" date NOT NULL,\n' +
        '  "department" text,\n' +
        '  "salary" decimal(10,2)\n' +
        ') PARTITION BY RANGE ("hire_date")',
      'CREATE INDEX "idx_emp_date" ON "public"."employees" ("hire_date")',
      'CREATE INDEX "idx_emp_name" ON "public"."employees" ("name")',
      'CREATE INDEX "idx_emp_dept" ON "public"."employees" ("department")',
    ]);
  });

  it("leaves the schema out when none is given", () => {
    const sql = buildCreatePartitionedTableSql({ name: "t" }, [{ name: "k", type: "int" }], "k", []);
    assert.deepEqual(sql, ['CREATE TABLE "t" (\n  "k" int\n) PARTITION BY RANGE ("k")']);
  });

  it("refuses a column of unknown type rather than writing it into SQL", () => {
    assert.throws(() => buildCreatePartitionedTableSql(employees, [{ name: "x", type: "text); DROP TABLE y; --" }], "x", []), {
      message: 'column "x" has unknown type "text); DROP TABLE y; --"',
    });
  });

  it("quotes hostile names everywhere", () => {
    const sql = buildCreatePartitionedTableSql({ schema: 's"', name: 't"; DROP TABLE y; --' }, [{ name: 'c"', type: "text" }], 'c"', [
      { name: 'i"', columns: ['c"'] },
    ]);
    assert.deepEqual(sql, [
      'CREATE TABLE "s"""."t""; DROP TABLE y; --" (\n  "c""" text\n) PARTITION BY RANGE ("c""")',
      'CREATE INDEX "i""" ON "s"""."t""; DROP TABLE y; --" ("c""")',
    ]);
  });

  it("creates unique and multi-column indexes, drops an index in the table's schema", () => {
    assert.equal(
      buildCreateIndexSql(employees, { name: "ux", columns: ["hire_date", "id"], unique: true }),
      'CREATE UNIQUE INDEX "ux" ON "public"."employees" ("hire_date", "id")',
    );
    assert.equal(buildDropIndexSql(employees, "idx_emp_name"), 'DROP INDEX IF EXISTS "public"."idx_emp_name"');
  });

  it("adds a column", () => {
    assert.equal(
      buildAddColumnSql(employees, { name: "email", type: "varchar(255)", nullable: false }),
      'ALTER TABLE "public"."employees" ADD COLUMN "email" varchar(255) NOT NULL',
    );
  });

  it("creates the local partition emp_2025 (Step 1)", () => {
    assert.deepEqual(buildCreateLocalPartitionSql(employees, emp2025, { from: "2025-01-01", to: "2026-01-01" }), [
      'CREATE TABLE "public"."emp_2025" PARTITION OF "public"."employees"\n' + "  FOR VALUES FROM ('2025-01-01') TO ('2026-01-01')",
    ]);
  });

  it("quotes bound literals", () => {
    assert.equal(buildBoundsClause({ from: "a'b", to: "c" }), "FOR VALUES FROM ('a''b') TO ('c')");
  });

  it("attaches and detaches a partition", () => {
    assert.equal(
      buildAttachPartitionSql(employees, emp2025, { from: "2025-01-01", to: "2026-01-01" }),
      `ALTER TABLE "public"."employees" ATTACH PARTITION "public"."emp_2025" FOR VALUES FROM ('2025-01-01') TO ('2026-01-01')`,
    );
    assert.equal(buildDetachPartitionSql(employees, emp2025), 'ALTER TABLE "public"."employees" DETACH PARTITION "public"."emp_2025"');
  });

  it("drops a table", () => {
    assert.equal(buildDropTableSql(emp2025), 'DROP TABLE IF EXISTS "public"."emp_2025"');
  });

  it("creates the archive table emp_2024 with the CHECK constraint and the parent's indexes (Step 2)", () => {
    // WHEN
    const sql = buildCreateArchiveTableSql(
      emp2024,
      employeeColumns,
      "hire_date",
      { from: "2024-01-01", to: "2025-01-01" },
      employeeIndexes,
    );
    // THEN
    assert.deepEqual(sql, [
      'CREATE TABLE "public"."emp_2024" (\n' +
        '  "id" serial,\n' +
        '  "name" text NOT NULL,\n' +
        '  "hire_date" date NOT NULL,\n' +
        '  "department" text,\n' +
        '  "salary" decimal(10,2),\n' +
        `  CONSTRAINT "emp_2024_bounds" CHECK ("hire_date" >= '2024-01-01' AND "hire_date" < '2025-01-01')\n` +
        ")",
      'CREATE INDEX "emp_2024_idx_emp_date" ON "public"."emp_2024" ("hire_date")',
      'CREATE INDEX "emp_2024_idx_emp_name" ON "public"."emp_2024" ("name")',
      'CREATE INDEX "emp_2024_idx_emp_dept" ON "public"."emp_2024" ("department")',
    ]);
  });

  it("writes the bounds check as [from, to)", () => {
    assert.equal(buildBoundsCheck("id", { from: "1", to: "100" }), `CHECK ("id" >= '1' AND "id" < '100')`);
  });

  it("replaces the bounds constraint: drop if present, then add", () => {
    assert.deepEqual(buildReplaceBoundsCheckSql(emp2024, "hire_date", { from: "2023-01-01", to: "2025-01-01" }), [
      'ALTER TABLE "public"."emp_2024" DROP CONSTRAINT IF EXISTS "emp_2024_bounds"',
      `ALTER TABLE "public"."emp_2024" ADD CONSTRAINT "emp_2024_bounds" CHECK ("hire_date" >= '2023-01-01' AND "hire_date" < '2025-01-01')`,
    ]);
  });

  it("keeps derived names within PostgreSQL's 63-byte limit", () => {
    const long = "t".repeat(60);
    assert.equal(boundsConstraintName("emp_2024"), "emp_2024_bounds");
    assert.equal(boundsConstraintName(long), `${long}_bo`);
    assert.deepEqual(archiveIndex("emp_2024", { name: "idx_emp_date", columns: ["hire_date"], unique: false }), {
      name: "emp_2024_idx_emp_date",
      columns: ["hire_date"],
      unique: false,
    });
    assert.equal(archiveIndex(long, { name: "idx", columns: ["k"] }).name.length, 63);
  });
});
