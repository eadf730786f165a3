import { strict as assert } from "node:assert";
import { quoteParam } from "../../components/sql/quote";
import { statementCount } from "../../components/sql/scan";
import {
  buildConninfo,
  buildCountRemoteSql,
  buildDescribeRemoteSql,
  buildRelayFetchSql,
  inlineParams,
  returnsRows,
  statusRowCount,
  unrelayable,
} from "../../components/sql/relay";

describe("relay SQL: statements for an archive reached through the main instance", () => {
  describe("inlineParams", () => {
    it("writes each $n as a literal of the text pg would have sent", () => {
      assert.equal(
        inlineParams("SELECT * FROM t WHERE a = $1 AND b = $2 AND c = $3 AND d = $10", ["it's", 42, null, ...Array(6).fill(0), true]),
        "SELECT * FROM t WHERE a = 'it''s' AND b = '42' AND c = NULL AND d = 'true'",
      );
    });

    it("leaves $n alone inside quoted text, identifiers, comments and dollar-quoted bodies", () => {
      const sql = `SELECT '$1', "$1", $body$ $1 $body$, $$ $1 $$ -- $1\n, $1 /* $1 */, x$1`;
      assert.equal(inlineParams(sql, ["v"]), `SELECT '$1', "$1", $body$ $1 $body$, $$ $1 $$ -- $1\n, 'v' /* $1 */, x$1`);
    });

    it("keeps doubled quotes inside quoted text, and backslash escapes inside E'' strings", () => {
      assert.equal(inlineParams(`SELECT 'a''$1', "b""$1", $1`, ["v"]), `SELECT 'a''$1', "b""$1", 'v'`);
      assert.equal(inlineParams(`SELECT E'\\'$1', $1, e'\\\\', $2, type'$1'`, ["v", "w"]), `SELECT E'\\'$1', 'v', e'\\\\', 'w', type'$1'`);
    });

    it("writes what pg would send: arrays as array literals, dates with their offset, bytes as hex, objects as JSON", () => {
      assert.equal(quoteParam(["a", 'b"c', "d\\e", null, [1, 2]]), `'{"a","b\\"c","d\\\\e",NULL,{"1","2"}}'`);
      const date = new Date(2024, 0, 2, 3, 4, 5, 6);
      assert.match(quoteParam(date), /^'2024-01-02T03:04:05\.006[+-]\d\d:\d\d'$/);
      assert.equal(new Date(quoteParam(date).slice(1, -1)).getTime(), date.getTime(), "the same instant");
      assert.equal(quoteParam(12345678901234567890n), "'12345678901234567890'");
      assert.equal(quoteParam(Buffer.from([0, 255])), "'\\x00ff'");
      assert.equal(quoteParam({ a: "it's" }), `'{"a":"it''s"}'`);
      assert.equal(quoteParam(Number.NaN), "'NaN'");
      assert.equal(quoteParam(undefined), "NULL");
    });

    it("refuses a parameter the statement does not have, and a value it cannot write", () => {
      assert.throws(() => inlineParams("SELECT $2", ["a"]), /^Error: statement uses \$2 but 1 parameter\(s\) were given: SELECT \$2$/);
      assert.throws(() => inlineParams("SELECT $1", [() => 1]), /cannot write a function parameter/);
    });

    it("returns a statement without parameters unchanged", () => {
      assert.equal(inlineParams("SELECT '$1'", []), "SELECT '$1'");
    });
  });

  it("tells queries from other statements by their first word, past comments and parentheses", () => {
    const table: [string, boolean][] = [
      ["SELECT 1", true],
      ["  with q AS (SELECT 1) SELECT * FROM q", true],
      ["-- note\n(VALUES (1))", true],
      ["/* x */ TABLE t", true],
      ["BEGIN ISOLATION LEVEL REPEATABLE READ", false],
      ["INSERT INTO t VALUES (1)", false],
      ["SET lock_timeout = '1s'", false],
      ["selective", false],
    ];
    for (const [sql, rows] of table) {
      assert.equal(returnsRows(sql), rows, sql);
    }
  });

  it("reads the row count out of a command tag as pg does", () => {
    const table: [string, number | null][] = [
      ["INSERT 0 5", 5],
      ["DELETE 2", 2],
      ["UPDATE 0", 0],
      ["MERGE 3", 3],
      ["CREATE TABLE", null],
      ["BEGIN", null],
    ];
    for (const [tag, count] of table) {
      assert.equal(statusRowCount(tag), count, tag);
    }
  });

  it("describes a query through a temporary view, and reads it back with its columns declared", () => {
    assert.equal(
      buildDescribeRemoteSql("SELECT 1 AS a;\n"),
      `DROP VIEW IF EXISTS "pg_temp"."pgtier_relay"; CREATE TEMP VIEW "pgtier_relay" AS SELECT 1 AS a\n; ` +
        `SELECT attname::text, format_type(atttypid, atttypmod) FROM pg_attribute ` +
        `WHERE attrelid = 'pg_temp.pgtier_relay'::regclass AND attnum > 0 AND NOT attisdropped ORDER BY attnum`,
    );
    assert.equal(
      buildRelayFetchSql("pgtier_relay", [
        { name: "rows", type: "bigint" },
        { name: 'we"ird', type: "timestamp with time zone" },
      ]),
      `SELECT * FROM "pgtier_relay"."dblink"($1, 'SELECT * FROM "pg_temp"."pgtier_relay"') AS t("rows" bigint, "we""ird" timestamp with time zone)`,
    );
    assert.equal(
      buildCountRemoteSql("SELECT pg_advisory_xact_lock(1); -- lock"),
      "SELECT count(*) FROM (SELECT pg_advisory_xact_lock(1); -- lock\n) AS q",
    );
  });

  it("connects with the foreign server's libpq options and the admin's login, quoted for libpq, without postgres_fdw's own options", () => {
    assert.equal(
      buildConninfo(
        {
          host: "pg-archive",
          port: "5432",
          dbname: "archive_db",
          sslmode: "verify-full",
          fetch_size: "10000",
          use_remote_estimate: "true",
        },
        { user: "postgres", password: `it's a \\ secret` },
        "pgtier: TieredPartition",
      ),
      `application_name='pgtier: TieredPartition' connect_timeout='10' dbname='archive_db' host='pg-archive' password='it\\'s a \\\\ secret' port='5432' sslmode='verify-full' user='postgres'`,
    );
    assert.match(buildConninfo({ host: "a", connect_timeout: "3" }, { user: "u", password: "p" }, "x"), / connect_timeout='3' /);
  });

  it("refuses statements whose rows it cannot describe, and COPY", () => {
    assert.equal(unrelayable("SELECT 1"), undefined);
    assert.equal(unrelayable("INSERT INTO t VALUES (1)"), undefined);
    assert.equal(unrelayable("INSERT INTO t VALUES (1) RETURNING id"), "a statement with RETURNING cannot run through the main instance");
    assert.equal(unrelayable("SHOW lock_timeout"), "SHOW cannot run through the main instance");
    assert.equal(unrelayable("COPY t TO STDOUT"), "COPY cannot run through the main instance");
  });
});

describe("scanning SQL text", () => {
  it("counts statements by the semicolons in code, not in quotes, comments or bodies", () => {
    const table: [string, number][] = [
      ["SELECT 1", 1],
      ["SELECT 1;", 1],
      ["SELECT 1;  -- done\n", 1],
      ["SELECT ';' , \"a;b\", $$;$$ /* ; */", 1],
      ["SELECT 1; COMMIT; DELETE FROM employees", 3],
      ["SELECT 1;DELETE FROM t", 2],
      ["SELECT 1; /* x */ DELETE FROM t", 2],
    ];
    for (const [sql, n] of table) {
      assert.equal(statementCount(sql), n, sql);
    }
  });
});
