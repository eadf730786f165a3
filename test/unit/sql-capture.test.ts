/** The capture, replay and sums SQL of an online tier change, as exact strings. */
import assert from "node:assert/strict";
import {
  buildCaptureSql,
  buildCountChangesSql,
  buildDropCaptureSql,
  buildDropSumsSql,
  buildForgetChangesSql,
  buildReadChangesSql,
  buildReadSumsSql,
  buildReplayDeleteSql,
  buildReplayInsertSql,
  buildReplayTruncateSql,
  buildSetSnapshotSql,
  buildSumsSql,
  changeLogOf,
  sumsOf,
} from "../../components/sql/capture";

const emp2025 = { schema: "public", name: "emp_2025" };
const odd = { schema: "hr", name: 'Order"x' };
const columns = ["id", "name", "hire_date"];

describe("SQL builders: capture and replay", () => {
  it("names the log and the sums beside the table, within 63 bytes", () => {
    assert.deepEqual(changeLogOf(emp2025), { schema: "public", name: "emp_2025_pgtier_log" });
    assert.deepEqual(sumsOf(emp2025), { schema: "public", name: "emp_2025_pgtier_sums" });
    assert.equal(changeLogOf({ schema: "s", name: "x".repeat(63) }).name, `${"x".repeat(52)}_pgtier_log`);
  });

  it("captures every row change and a TRUNCATE into a log of the table's own row type, under replication too", () => {
    const [log, fn, rows, truncate, always, alwaysTruncate] = buildCaptureSql(emp2025);
    assert.equal(always, 'ALTER TABLE "public"."emp_2025" ENABLE ALWAYS TRIGGER "pgtier_capture"');
    assert.equal(alwaysTruncate, 'ALTER TABLE "public"."emp_2025" ENABLE ALWAYS TRIGGER "pgtier_capture_truncate"');
    assert.equal(log, 'CREATE TABLE "public"."emp_2025_pgtier_log" (seq bigserial PRIMARY KEY, op "char" NOT NULL, r "public"."emp_2025")');
    assert.match(
      fn,
      /^CREATE FUNCTION "public"\."emp_2025_pgtier_capture"\(\) RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS/,
    );
    assert.match(fn, /IF TG_OP = 'TRUNCATE' THEN INSERT INTO "public"\."emp_2025_pgtier_log" \(op\) VALUES \('T'\)/);
    assert.match(fn, /IF TG_OP IN \('UPDATE', 'DELETE'\) THEN INSERT INTO "public"\."emp_2025_pgtier_log" \(op, r\) VALUES \('-', OLD\)/);
    assert.match(fn, /IF TG_OP IN \('UPDATE', 'INSERT'\) THEN INSERT INTO "public"\."emp_2025_pgtier_log" \(op, r\) VALUES \('\+', NEW\)/);
    assert.equal(
      rows,
      'CREATE TRIGGER "pgtier_capture" AFTER INSERT OR UPDATE OR DELETE ON "public"."emp_2025" FOR EACH ROW EXECUTE FUNCTION "public"."emp_2025_pgtier_capture"()',
    );
    assert.equal(
      truncate,
      'CREATE TRIGGER "pgtier_capture_truncate" AFTER TRUNCATE ON "public"."emp_2025" FOR EACH STATEMENT EXECUTE FUNCTION "public"."emp_2025_pgtier_capture"()',
    );
  });

  it("removes the capture, without the triggers when the table is already gone", () => {
    assert.equal(buildDropCaptureSql(emp2025).length, 4);
    assert.deepEqual(buildDropCaptureSql(odd, false), [
      'DROP TABLE IF EXISTS "hr"."Order""x_pgtier_log"',
      'DROP FUNCTION IF EXISTS "hr"."Order""x_pgtier_capture"()',
    ]);
  });

  it("reads the oldest changes with the row's hash and its columns as text", () => {
    assert.equal(
      buildReadChangesSql(emp2025, columns),
      'SELECT seq::text AS seq, op::text AS op, hashtextextended(ROW((r)."id", (r)."name", (r)."hire_date")::text, 0)::text AS hash, ' +
        'ROW((r)."id", (r)."name", (r)."hire_date")::text AS row, ' +
        '(r)."id"::text AS c0, (r)."name"::text AS c1, (r)."hire_date"::text AS c2 FROM "public"."emp_2025_pgtier_log" ORDER BY seq LIMIT $1',
    );
    assert.equal(buildForgetChangesSql(emp2025), 'DELETE FROM "public"."emp_2025_pgtier_log" WHERE seq = ANY ($1::bigint[])');
    assert.equal(buildCountChangesSql(emp2025), 'SELECT count(*)::int AS n FROM "public"."emp_2025_pgtier_log"');
  });

  it("replays consecutive inserts as one statement, parameters row after row", () => {
    assert.equal(
      buildReplayInsertSql(emp2025, columns, 2),
      'INSERT INTO "public"."emp_2025" ("id", "name", "hire_date") VALUES ($1, $2, $3), ($4, $5, $6)',
    );
  });

  it("replays a delete as one row with the same text, found by the partition key", () => {
    assert.equal(
      buildReplayDeleteSql(emp2025, columns, "hire_date"),
      'DELETE FROM "public"."emp_2025" WHERE ctid = (SELECT ctid FROM "public"."emp_2025" WHERE "hire_date" = $1' +
        ' AND ROW("id", "name", "hire_date")::text = $2 LIMIT 1)',
    );
    assert.equal(buildReplayTruncateSql(odd), 'DELETE FROM "hr"."Order""x"');
  });

  it("keeps the target's count and checksum from a verified start, through statement triggers with transition tables", () => {
    const statements = buildSumsSql(emp2025, columns, { rows: "3", checksum: "-12" });
    assert.equal(statements[0], 'CREATE TABLE "public"."emp_2025_pgtier_sums" (rows bigint NOT NULL, checksum numeric NOT NULL)');
    assert.equal(statements[1], `INSERT INTO "public"."emp_2025_pgtier_sums" VALUES ('3'::bigint, '-12'::numeric)`);
    assert.deepEqual(statements.slice(3), [
      'CREATE TRIGGER "pgtier_sums_insert" AFTER INSERT ON "public"."emp_2025" REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "public"."emp_2025_pgtier_sum"()',
      'CREATE TRIGGER "pgtier_sums_delete" AFTER DELETE ON "public"."emp_2025" REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION "public"."emp_2025_pgtier_sum"()',
      'CREATE TRIGGER "pgtier_sums_update" AFTER UPDATE ON "public"."emp_2025" REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "public"."emp_2025_pgtier_sum"()',
    ]);
    assert.equal(buildReadSumsSql(emp2025), 'SELECT rows::text AS rows, checksum::text AS checksum FROM "public"."emp_2025_pgtier_sums"');
    assert.equal(buildDropSumsSql(emp2025, false).length, 2);
  });

  it("joins a snapshot by its id as a quoted literal", () => {
    assert.equal(buildSetSnapshotSql("00000003-0000001B-1"), "SET TRANSACTION SNAPSHOT '00000003-0000001B-1'");
  });
});
