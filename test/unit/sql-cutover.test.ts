/** The cutover of each tier change, as exact statements: what the main instance runs once the parent is locked. */
import assert from "node:assert/strict";
import { buildArchiveCutoverSql, buildMoveCutoverSql, buildRestoreCutoverSql, incomingOf } from "../../components/sql/cutover";
import { buildCreateIncomingTableSql } from "../../components/sql/tables";

const employees = { schema: "public", name: "employees" };
const emp2024 = { schema: "public", name: "emp_2024" };
const bounds = { from: "2024-01-01", to: "2025-01-01" };
const spec = { parent: employees, partition: emp2024, bounds };
const foreign = { server: "archive_server", options: { table_name: "emp_2024", schema_name: "public", fetch_size: "10000" } };

const FOREIGN_PARTITION =
  'CREATE FOREIGN TABLE "public"."emp_2024" PARTITION OF "public"."employees"\n' +
  "  FOR VALUES FROM ('2024-01-01') TO ('2025-01-01')\n" +
  `  SERVER "archive_server" OPTIONS ("fetch_size" '10000', "schema_name" 'public', "table_name" 'emp_2024')`;

const DROP_CAPTURE = [
  'DROP TRIGGER IF EXISTS "pgtier_capture" ON "public"."emp_2024"',
  'DROP TRIGGER IF EXISTS "pgtier_capture_truncate" ON "public"."emp_2024"',
  'DROP TABLE IF EXISTS "public"."emp_2024_pgtier_log"',
  'DROP FUNCTION IF EXISTS "public"."emp_2024_pgtier_capture"()',
];

describe("SQL builders: cutover", () => {
  describe("local to archive", () => {
    it("removes the capture, detaches and drops the local table, and attaches the foreign partition", () => {
      assert.deepEqual(buildArchiveCutoverSql({ ...spec, ...foreign, keepLocal: false }), [
        ...DROP_CAPTURE,
        'ALTER TABLE "public"."employees" DETACH PARTITION "public"."emp_2024"',
        'DROP TABLE IF EXISTS "public"."emp_2024"',
        FOREIGN_PARTITION,
      ]);
    });

    it("renames the local table to <name>_local instead with keepLocal", () => {
      const statements = buildArchiveCutoverSql({ ...spec, ...foreign, keepLocal: true });
      assert.equal(statements[DROP_CAPTURE.length + 1], 'ALTER TABLE "public"."emp_2024" RENAME TO "emp_2024_local"');
    });

    it("quotes odd names in every statement", () => {
      const statements = buildArchiveCutoverSql({
        parent: { schema: "hr", name: "Staff" },
        partition: { schema: "hr", name: 'Order"x' },
        bounds,
        server: "cold",
        options: { schema_name: "cold", table_name: 'Order"x' },
        keepLocal: true,
      });
      assert.deepEqual(statements.slice(-3), [
        'ALTER TABLE "hr"."Staff" DETACH PARTITION "hr"."Order""x"',
        'ALTER TABLE "hr"."Order""x" RENAME TO "Order""x_local"',
        'CREATE FOREIGN TABLE "hr"."Order""x" PARTITION OF "hr"."Staff"\n' +
          "  FOR VALUES FROM ('2024-01-01') TO ('2025-01-01')\n" +
          `  SERVER "cold" OPTIONS ("schema_name" 'cold', "table_name" 'Order"x')`,
      ]);
    });
  });

  describe("archive to local", () => {
    const incoming = incomingOf(emp2024);

    it("copies into <name>_pgtier_in beside the partition, cut to 63 bytes", () => {
      assert.deepEqual(incoming, { schema: "public", name: "emp_2024_pgtier_in" });
      assert.equal(incomingOf({ schema: "s", name: "p".repeat(63) }).name, `${"p".repeat(53)}_pgtier_in`);
    });

    it("creates the incoming table like the parent, with the bounds CHECK named for the partition", () => {
      assert.equal(
        buildCreateIncomingTableSql(incoming, employees, "hire_date", bounds, "emp_2024"),
        'CREATE TABLE "public"."emp_2024_pgtier_in" (LIKE "public"."employees" INCLUDING DEFAULTS INCLUDING CONSTRAINTS, ' +
          `CONSTRAINT "emp_2024_bounds" CHECK ("hire_date" >= '2024-01-01' AND "hire_date" < '2025-01-01'))`,
      );
    });

    it("detaches and drops the foreign partition, removes the incoming table's sums, renames and attaches it", () => {
      assert.deepEqual(buildRestoreCutoverSql({ ...spec, incoming }), [
        'ALTER TABLE "public"."employees" DETACH PARTITION "public"."emp_2024"',
        'DROP FOREIGN TABLE IF EXISTS "public"."emp_2024"',
        'DROP TRIGGER IF EXISTS "pgtier_sums_insert" ON "public"."emp_2024_pgtier_in"',
        'DROP TRIGGER IF EXISTS "pgtier_sums_delete" ON "public"."emp_2024_pgtier_in"',
        'DROP TRIGGER IF EXISTS "pgtier_sums_update" ON "public"."emp_2024_pgtier_in"',
        'DROP TABLE IF EXISTS "public"."emp_2024_pgtier_in_pgtier_sums"',
        'DROP FUNCTION IF EXISTS "public"."emp_2024_pgtier_in_pgtier_sum"()',
        'ALTER TABLE "public"."emp_2024_pgtier_in" RENAME TO "emp_2024"',
        `ALTER TABLE "public"."employees" ATTACH PARTITION "public"."emp_2024" FOR VALUES FROM ('2024-01-01') TO ('2025-01-01')`,
      ]);
    });
  });

  describe("archive to archive", () => {
    it("detaches and drops the foreign partition and creates it again through the new server", () => {
      assert.deepEqual(buildMoveCutoverSql({ ...spec, ...foreign }), [
        'ALTER TABLE "public"."employees" DETACH PARTITION "public"."emp_2024"',
        'DROP FOREIGN TABLE IF EXISTS "public"."emp_2024"',
        FOREIGN_PARTITION,
      ]);
    });
  });
});
