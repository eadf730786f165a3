/** The rotation's SQL: locks, checksums, COPY and the decommission audit trail, as exact strings. */
import assert from "node:assert/strict";
import {
  buildAnalyzeSql,
  buildBlockWritesSql,
  buildChecksumSql,
  buildCopyCsvOutSql,
  buildCopyForeignTableSql,
  buildCopyInSql,
  buildCopyOutSql,
  buildCountSql,
  buildCreateIndexIfMissingSql,
  buildInsertSelectSql,
  buildLockParentSql,
  buildLockTimeoutSql,
  buildRenameTableSql,
  buildStableTextSettingsSql,
  buildTruncateSql,
  copyTableName,
  keptLocalName,
} from "../../components/sql/rotation";
import {
  buildDecommissionLogInsertSql,
  buildDecommissionLogLockSql,
  buildDecommissionLogLookupSql,
  buildDecommissionLogTableSql,
  buildTableStatsSql,
  DECOMMISSION_LOG,
} from "../../components/sql/decommission";

const emp2024 = { schema: "public", name: "emp_2024" };
const employees = { schema: "public", name: "employees" };
/** A schema-qualified table whose name needs its double quote doubled. */
const odd = { schema: "hr", name: 'Order"x' };
/** A table with no schema: the name is quoted alone. */
const bare = { name: "emp_2024" };

const guideColumns = ["id", "name", "hire_date", "department", "salary"];
const GUIDE_COLUMN_LIST = '"id", "name", "hire_date", "department", "salary"';

const NO_COLUMNS = { message: "a copy or checksum needs at least one column" };

describe("SQL builders: rotation", () => {
  describe("stable text settings", () => {
    it("pins every setting that changes a row's text form", () => {
      assert.deepEqual(buildStableTextSettingsSql(), [
        "SET DateStyle = 'ISO, YMD'",
        "SET TimeZone = 'UTC'",
        "SET IntervalStyle = 'postgres'",
        "SET extra_float_digits = 3",
        "SET bytea_output = 'hex'",
      ]);
    });
  });

  describe("checksum", () => {
    it("counts rows and sums a 64-bit hash of each row over the named columns", () => {
      assert.equal(
        buildChecksumSql(emp2024, guideColumns),
        `SELECT count(*)::text AS rows, coalesce(sum(hashtextextended(ROW(${GUIDE_COLUMN_LIST})::text, 0)), 0)::text AS checksum` +
          ` FROM "public"."emp_2024"`,
      );
    });

    it("quotes odd column and table names", () => {
      assert.equal(
        buildChecksumSql(odd, ['Col"1', "select"]),
        `SELECT count(*)::text AS rows, coalesce(sum(hashtextextended(ROW("Col""1", "select")::text, 0)), 0)::text AS checksum` +
          ` FROM "hr"."Order""x"`,
      );
    });

    it("keeps the column order it is given (both sides must hash the same row text)", () => {
      assert.equal(
        buildChecksumSql(bare, ["b", "a"]),
        `SELECT count(*)::text AS rows, coalesce(sum(hashtextextended(ROW("b", "a")::text, 0)), 0)::text AS checksum FROM "emp_2024"`,
      );
    });

    it("refuses an empty column list", () => {
      assert.throws(() => buildChecksumSql(emp2024, []), NO_COLUMNS);
    });
  });

  describe("count", () => {
    it("counts a table's rows as text", () => {
      assert.equal(buildCountSql(emp2024), 'SELECT count(*)::text AS rows FROM "public"."emp_2024"');
      assert.equal(buildCountSql(odd), 'SELECT count(*)::text AS rows FROM "hr"."Order""x"');
      assert.equal(buildCountSql(bare), 'SELECT count(*)::text AS rows FROM "emp_2024"');
    });
  });

  describe("locks", () => {
    it("sets lock_timeout as a quoted millisecond literal", () => {
      assert.equal(buildLockTimeoutSql(2000), "SET LOCAL lock_timeout = '2000ms'");
    });

    it("rounds a fractional timeout down", () => {
      assert.equal(buildLockTimeoutSql(2500.9), "SET LOCAL lock_timeout = '2500ms'");
    });

    it("never sets 0 (which would mean wait forever): at least 1ms", () => {
      assert.equal(buildLockTimeoutSql(0), "SET LOCAL lock_timeout = '1ms'");
      assert.equal(buildLockTimeoutSql(0.4), "SET LOCAL lock_timeout = '1ms'");
      assert.equal(buildLockTimeoutSql(-50), "SET LOCAL lock_timeout = '1ms'");
    });

    it("blocks writes to the partition with SHARE mode", () => {
      assert.equal(buildBlockWritesSql(emp2024), 'LOCK TABLE "public"."emp_2024" IN SHARE MODE');
      assert.equal(buildBlockWritesSql(odd), 'LOCK TABLE "hr"."Order""x" IN SHARE MODE');
    });

    it("locks the parent in ACCESS EXCLUSIVE mode, as DETACH PARTITION needs", () => {
      assert.equal(buildLockParentSql(employees), 'LOCK TABLE ONLY "public"."employees" IN ACCESS EXCLUSIVE MODE');
      assert.equal(buildLockParentSql({ name: "Employees" }), 'LOCK TABLE ONLY "Employees" IN ACCESS EXCLUSIVE MODE');
    });
  });

  describe("COPY", () => {
    it("copies out in binary, columns named", () => {
      assert.equal(buildCopyOutSql(emp2024, guideColumns), `COPY "public"."emp_2024" (${GUIDE_COLUMN_LIST}) TO STDOUT (FORMAT binary)`);
    });

    it("copies in in binary, the same columns", () => {
      assert.equal(buildCopyInSql(emp2024, guideColumns), `COPY "public"."emp_2024" (${GUIDE_COLUMN_LIST}) FROM STDIN (FORMAT binary)`);
    });

    it("exports CSV with a header row", () => {
      assert.equal(
        buildCopyCsvOutSql(emp2024, ["id", "name"]),
        'COPY "public"."emp_2024" ("id", "name") TO STDOUT (FORMAT csv, HEADER true)',
      );
    });

    it("quotes odd names in every COPY", () => {
      assert.equal(buildCopyOutSql(odd, ['a"b']), 'COPY "hr"."Order""x" ("a""b") TO STDOUT (FORMAT binary)');
      assert.equal(buildCopyInSql(odd, ['a"b']), 'COPY "hr"."Order""x" ("a""b") FROM STDIN (FORMAT binary)');
      assert.equal(buildCopyCsvOutSql(odd, ['a"b']), 'COPY "hr"."Order""x" ("a""b") TO STDOUT (FORMAT csv, HEADER true)');
    });

    it("refuses an empty column list in every COPY", () => {
      assert.throws(() => buildCopyOutSql(emp2024, []), NO_COLUMNS);
      assert.throws(() => buildCopyInSql(emp2024, []), NO_COLUMNS);
      assert.throws(() => buildCopyCsvOutSql(emp2024, []), NO_COLUMNS);
    });

    it("refuses an empty column name through the quoting helper", () => {
      assert.throws(() => buildCopyOutSql(emp2024, ["id", ""]), { message: "cannot quote an empty identifier" });
    });
  });

  describe("indexes built after the load", () => {
    it("creates an archive table's index only if it is missing", () => {
      assert.equal(
        buildCreateIndexIfMissingSql(emp2024, { name: "emp_2024_idx_emp_date", columns: ["hire_date"] }),
        'CREATE INDEX IF NOT EXISTS "emp_2024_idx_emp_date" ON "public"."emp_2024" ("hire_date")',
      );
    });

    it("keeps UNIQUE and the column order, and quotes odd names", () => {
      assert.equal(
        buildCreateIndexIfMissingSql(odd, { name: 'Ix"1', columns: ["b", 'A"a'], unique: true }),
        'CREATE UNIQUE INDEX IF NOT EXISTS "Ix""1" ON "hr"."Order""x" ("b", "A""a")',
      );
      assert.equal(
        buildCreateIndexIfMissingSql(bare, { name: "ix", columns: ["id"], unique: false }),
        'CREATE INDEX IF NOT EXISTS "ix" ON "emp_2024" ("id")',
      );
    });
  });

  describe("table maintenance", () => {
    it("truncates, analyzes and renames", () => {
      assert.equal(buildTruncateSql(emp2024), 'TRUNCATE "public"."emp_2024"');
      assert.equal(buildAnalyzeSql(odd), 'ANALYZE "hr"."Order""x"');
      assert.equal(buildRenameTableSql(emp2024, "emp_2024_local"), 'ALTER TABLE "public"."emp_2024" RENAME TO "emp_2024_local"');
      assert.equal(buildRenameTableSql(odd, 'Order"x_local'), 'ALTER TABLE "hr"."Order""x" RENAME TO "Order""x_local"');
    });
  });

  describe("names derived from a partition's", () => {
    const name63 = "p".repeat(63);

    it("keeps the local table as <name>_local", () => {
      assert.equal(keptLocalName("emp_2024"), "emp_2024_local");
    });

    it("truncates the kept name to PostgreSQL's 63-byte limit, keeping the suffix", () => {
      // WHEN
      const kept = keptLocalName(name63);
      // THEN
      assert.equal(kept, `${"p".repeat(57)}_local`);
      assert.equal(Buffer.byteLength(kept), 63);
    });

    it("does not truncate a name that fits with its suffix", () => {
      const name57 = "q".repeat(57);
      assert.equal(keptLocalName(name57), `${name57}_local`);
      assert.equal(keptLocalName(`${name57}r`), `${name57}_local`);
    });

    it("names the transient copy table <name>_pgtier_copy", () => {
      assert.equal(copyTableName("emp_2024"), "emp_2024_pgtier_copy");
    });

    it("truncates the copy table name to 63 bytes, keeping the suffix", () => {
      // WHEN
      const copy = copyTableName(name63);
      // THEN
      assert.equal(copy, `${"p".repeat(51)}_pgtier_copy`);
      assert.equal(Buffer.byteLength(copy), 63);
      assert.equal(copyTableName("c".repeat(51)), `${"c".repeat(51)}_pgtier_copy`);
    });
  });

  describe("postgres_fdw copy path", () => {
    const catalogColumns = [
      { name: "id", type: "integer" },
      { name: "name", type: "text" },
      { name: "hire_date", type: "date" },
      { name: "salary", type: "numeric(10,2)" },
    ];

    it("creates a standalone foreign table with batch_size, options sorted", () => {
      assert.equal(
        buildCopyForeignTableSql({ schema: "public", name: "emp_2024_pgtier_copy" }, catalogColumns, "archive_server", emp2024, 10000),
        'CREATE FOREIGN TABLE "public"."emp_2024_pgtier_copy" ("id" integer, "name" text, "hire_date" date, "salary" numeric(10,2))' +
          ` SERVER "archive_server" OPTIONS ("batch_size" '10000', "schema_name" 'public', "table_name" 'emp_2024')`,
      );
    });

    it("points at the public schema when the remote table has none", () => {
      assert.equal(
        buildCopyForeignTableSql({ name: "c" }, [{ name: "id", type: "integer" }], "archive_server", { name: "emp_2024" }, 500),
        `CREATE FOREIGN TABLE "c" ("id" integer) SERVER "archive_server" OPTIONS ("batch_size" '500', "schema_name" 'public', "table_name" 'emp_2024')`,
      );
    });

    it("quotes odd names and keeps catalog types as they are printed", () => {
      assert.equal(
        buildCopyForeignTableSql(odd, [{ name: 'a"b', type: '"MyType"' }], 'srv"1', { schema: "cold", name: "it's" }, 1),
        `CREATE FOREIGN TABLE "hr"."Order""x" ("a""b" "MyType") SERVER "srv""1" OPTIONS ("batch_size" '1', "schema_name" 'cold', "table_name" 'it''s')`,
      );
    });

    it("inserts through it with the same column list on both sides", () => {
      assert.equal(
        buildInsertSelectSql({ schema: "public", name: "emp_2024_pgtier_copy" }, emp2024, ["id", "name"]),
        'INSERT INTO "public"."emp_2024_pgtier_copy" ("id", "name") SELECT "id", "name" FROM "public"."emp_2024"',
      );
      assert.throws(() => buildInsertSelectSql(odd, emp2024, []), NO_COLUMNS);
    });
  });

  describe("decommission audit trail", () => {
    it("names the guide's audit table", () => {
      assert.equal(DECOMMISSION_LOG, "archive_decommission_log");
    });

    it("creates the guide's audit table if it is not there", () => {
      assert.equal(
        buildDecommissionLogTableSql("public"),
        `CREATE TABLE IF NOT EXISTS "public"."archive_decommission_log" (
  id serial PRIMARY KEY,
  table_name text NOT NULL,
  partition_range text,
  row_count bigint,
  size_bytes bigint,
  earliest_date text,
  latest_date text,
  backup_location text,
  decommissioned_at timestamp DEFAULT CURRENT_TIMESTAMP,
  decommissioned_by text DEFAULT CURRENT_USER,
  retention_reason text,
  row_checksum text
)`,
      );
    });

    it("quotes the audit table's schema", () => {
      assert.ok(
        buildDecommissionLogTableSql('Audit"s').startsWith('CREATE TABLE IF NOT EXISTS "Audit""s"."archive_decommission_log" (\n'),
        buildDecommissionLogTableSql('Audit"s'),
      );
    });

    it("inserts one audit row with nine parameters", () => {
      assert.equal(
        buildDecommissionLogInsertSql("public"),
        'INSERT INTO "public"."archive_decommission_log" ' +
          "(table_name, partition_range, row_count, size_bytes, earliest_date, latest_date, backup_location, retention_reason, row_checksum) " +
          "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
      );
    });

    it("looks up the latest audit row of the same table and checksum", () => {
      assert.equal(
        buildDecommissionLogLookupSql("ops"),
        'SELECT backup_location FROM "ops"."archive_decommission_log" WHERE table_name = $1 AND row_checksum = $2 ORDER BY id DESC LIMIT 1',
      );
    });
  });

  describe("table stats", () => {
    it("reads size, earliest and latest key of a table", () => {
      assert.equal(
        buildTableStatsSql(emp2024, "hire_date"),
        `SELECT pg_total_relation_size('"public"."emp_2024"'::regclass)::text AS size_bytes,` +
          ` min("hire_date")::text AS earliest, max("hire_date")::text AS latest FROM "public"."emp_2024"`,
      );
    });

    it("passes the quoted name to regclass as a literal, single quotes doubled", () => {
      assert.equal(
        buildTableStatsSql({ schema: "hr", name: `O'Neil"s` }, 'Hire"Date'),
        `SELECT pg_total_relation_size('"hr"."O''Neil""s"'::regclass)::text AS size_bytes,` +
          ` min("Hire""Date")::text AS earliest, max("Hire""Date")::text AS latest FROM "hr"."O'Neil""s"`,
      );
    });
  });
});

describe("SQL builders: the audit table's lock", () => {
  it("takes a transaction-scoped advisory lock named after the schema's audit table", () => {
    assert.equal(buildDecommissionLogLockSql("public"), "SELECT pg_advisory_xact_lock(hashtext('pgtier:public.archive_decommission_log'))");
    assert.equal(buildDecommissionLogLockSql("o'hr"), "SELECT pg_advisory_xact_lock(hashtext('pgtier:o''hr.archive_decommission_log'))");
  });
});
