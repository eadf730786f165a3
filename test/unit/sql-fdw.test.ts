import assert from "node:assert/strict";
import {
  buildAlterForeignTableOptionsSql,
  buildAlterOptionsClause,
  buildAlterRolePasswordSql,
  buildAlterServerSql,
  buildAlterUserMappingSql,
  buildCreateDatabaseSql,
  buildCreateExtensionSql,
  buildCreateForeignPartitionSql,
  buildCreateServerSql,
  buildCreateUserMappingSql,
  buildDropDatabaseSql,
  buildDropExtensionSql,
  buildDropForeignTableSql,
  buildDropServerSql,
  buildDropUserMappingSql,
  buildForeignTableProbeSql,
  buildOptionsClause,
  buildProbeSql,
  buildUpdateExtensionSql,
  serverOptions,
  PROBE_TABLE,
} from "../../components/sql/fdw";

const guideServerOptions = {
  host: "pgtier-test-archive",
  port: "5432",
  dbname: "archive_db",
  use_remote_estimate: "true",
  fetch_size: "10000",
};

describe("SQL builders: postgres_fdw", () => {
  describe("extension", () => {
    it("creates, updates and drops postgres_fdw", () => {
      assert.equal(buildCreateExtensionSql("postgres_fdw"), 'CREATE EXTENSION "postgres_fdw"');
      assert.equal(buildCreateExtensionSql("postgres_fdw", "fdw"), 'CREATE EXTENSION "postgres_fdw" WITH SCHEMA "fdw"');
      assert.equal(buildUpdateExtensionSql("postgres_fdw", "1.1"), `ALTER EXTENSION "postgres_fdw" UPDATE TO '1.1'`);
      assert.equal(buildDropExtensionSql("postgres_fdw"), 'DROP EXTENSION IF EXISTS "postgres_fdw"');
    });
  });

  describe("options clauses", () => {
    it("sorts option keys so the text is stable, and is empty without options", () => {
      assert.equal(buildOptionsClause({ b: "2", a: "1" }), ` OPTIONS ("a" '1', "b" '2')`);
      assert.equal(buildOptionsClause({}), "");
    });

    it("quotes hostile option values", () => {
      assert.equal(buildOptionsClause({ password: "x'); DROP SERVER s; --" }), ` OPTIONS ("password" 'x''); DROP SERVER s; --')`);
    });

    it("moves options with ADD, SET and DROP, and says when nothing changes", () => {
      // WHEN
      const clause = buildAlterOptionsClause(
        { fetch_size: "10000", use_remote_estimate: "true", host: "a" },
        { fetch_size: "50000", async_capable: "true", host: "a" },
      );
      // THEN
      assert.equal(clause, `OPTIONS (ADD "async_capable" 'true', SET "fetch_size" '50000', DROP "use_remote_estimate")`);
      assert.equal(buildAlterOptionsClause({ host: "a" }, { host: "a" }), undefined);
    });
  });

  describe("foreign server", () => {
    it("creates the guide's archive_server with sorted options", () => {
      assert.equal(
        buildCreateServerSql("archive_server", guideServerOptions),
        `CREATE SERVER "archive_server" FOREIGN DATA WRAPPER postgres_fdw OPTIONS ("dbname" 'archive_db', "fetch_size" '10000', "host" 'pgtier-test-archive', "port" '5432', "use_remote_estimate" 'true')`,
      );
    });

    it("stores host, port and dbname as options beside the others (serverOptions)", () => {
      // WHEN
      const options = serverOptions({
        host: "pgtier-test-archive",
        port: 5432,
        dbname: "archive_db",
        options: { fetch_size: "10000", use_remote_estimate: "true" },
      });
      // THEN
      assert.deepEqual(options, guideServerOptions);
    });

    it("alters options in place", () => {
      assert.deepEqual(
        buildAlterServerSql("archive_server", "archive_server", guideServerOptions, {
          ...guideServerOptions,
          fetch_size: "50000",
          port: "5433",
        }),
        [`ALTER SERVER "archive_server" OPTIONS (SET "fetch_size" '50000', SET "port" '5433')`],
      );
    });

    it("renames first, then alters options under the new name", () => {
      const { use_remote_estimate: _dropped, ...news } = guideServerOptions;
      assert.deepEqual(buildAlterServerSql("archive_server", "cold_server", guideServerOptions, { ...news, batch_size: "100" }), [
        'ALTER SERVER "archive_server" RENAME TO "cold_server"',
        `ALTER SERVER "cold_server" OPTIONS (ADD "batch_size" '100', DROP "use_remote_estimate")`,
      ]);
    });

    it("has nothing to run when nothing changes", () => {
      assert.deepEqual(buildAlterServerSql("archive_server", "archive_server", guideServerOptions, { ...guideServerOptions }), []);
    });

    it("drops a server without CASCADE", () => {
      assert.equal(buildDropServerSql("archive_server"), 'DROP SERVER IF EXISTS "archive_server"');
    });
  });

  describe("user mapping", () => {
    const options = { user: "postgres", password: "pw" };

    it("creates a mapping for a role, CURRENT_USER or PUBLIC (keywords unquoted)", () => {
      assert.equal(
        buildCreateUserMappingSql("app_user", "archive_server", options),
        `CREATE USER MAPPING FOR "app_user" SERVER "archive_server" OPTIONS ("password" 'pw', "user" 'postgres')`,
      );
      assert.equal(
        buildCreateUserMappingSql("CURRENT_USER", "archive_server", options),
        `CREATE USER MAPPING FOR CURRENT_USER SERVER "archive_server" OPTIONS ("password" 'pw', "user" 'postgres')`,
      );
      assert.equal(
        buildCreateUserMappingSql("PUBLIC", "archive_server", options),
        `CREATE USER MAPPING FOR PUBLIC SERVER "archive_server" OPTIONS ("password" 'pw', "user" 'postgres')`,
      );
    });

    it("quotes a role that only looks like a keyword", () => {
      assert.equal(
        buildDropUserMappingSql("current_user", "archive_server"),
        'DROP USER MAPPING IF EXISTS FOR "current_user" SERVER "archive_server"',
      );
    });

    it("alters the password in place, and has nothing to run when nothing changes", () => {
      assert.equal(
        buildAlterUserMappingSql("postgres", "archive_server", options, { ...options, password: "new'pw" }),
        `ALTER USER MAPPING FOR "postgres" SERVER "archive_server" OPTIONS (SET "password" 'new''pw')`,
      );
      assert.equal(buildAlterUserMappingSql("PUBLIC", "archive_server", options, { ...options }), undefined);
    });

    it("drops a mapping", () => {
      assert.equal(buildDropUserMappingSql("PUBLIC", "archive_server"), 'DROP USER MAPPING IF EXISTS FOR PUBLIC SERVER "archive_server"');
      assert.equal(buildDropUserMappingSql("CURRENT_USER", "s"), 'DROP USER MAPPING IF EXISTS FOR CURRENT_USER SERVER "s"');
    });
  });

  describe("foreign partition", () => {
    const employees = { schema: "public", name: "employees" };
    const emp2024 = { schema: "public", name: "emp_2024" };

    it("creates emp_2024 as a foreign table partition of employees on archive_server (Step 3)", () => {
      assert.deepEqual(
        buildCreateForeignPartitionSql(employees, emp2024, { from: "2024-01-01", to: "2025-01-01" }, "archive_server", {
          table_name: "emp_2024",
          schema_name: "public",
        }),
        [
          'CREATE FOREIGN TABLE "public"."emp_2024" PARTITION OF "public"."employees"\n' +
            "  FOR VALUES FROM ('2024-01-01') TO ('2025-01-01')\n" +
            `  SERVER "archive_server" OPTIONS ("schema_name" 'public', "table_name" 'emp_2024')`,
        ],
      );
    });

    it("alters table options, and has nothing to run when nothing changes", () => {
      const olds = { schema_name: "public", table_name: "emp_2024" };
      assert.equal(
        buildAlterForeignTableOptionsSql(emp2024, olds, { ...olds, table_name: "emp_2024_v2", fetch_size: "5000" }),
        `ALTER FOREIGN TABLE "public"."emp_2024" OPTIONS (ADD "fetch_size" '5000', SET "table_name" 'emp_2024_v2')`,
      );
      assert.equal(buildAlterForeignTableOptionsSql(emp2024, olds, { ...olds }), undefined);
    });

    it("drops only the foreign table definition", () => {
      assert.equal(buildDropForeignTableSql(emp2024), 'DROP FOREIGN TABLE IF EXISTS "public"."emp_2024"');
    });
  });

  describe("probes", () => {
    it("probes a server through a throwaway foreign table over pg_am", () => {
      assert.equal(PROBE_TABLE, "pgtier_probe");
      assert.deepEqual(buildProbeSql("archive_server"), [
        `CREATE FOREIGN TABLE "pgtier_probe" () SERVER "archive_server" OPTIONS (schema_name 'pg_catalog', table_name 'pg_am')`,
        'SELECT count(*) FROM "pgtier_probe"',
        'DROP FOREIGN TABLE "pgtier_probe"',
      ]);
    });

    it("probes a foreign partition by reading at most one row", () => {
      assert.equal(
        buildForeignTableProbeSql({ schema: "public", name: "emp_2024" }),
        'SELECT count(*) FROM (SELECT 1 FROM "public"."emp_2024" LIMIT 1) AS probe',
      );
    });
  });

  describe("databases and roles", () => {
    it("creates and drops a database, changes a role's password", () => {
      assert.equal(buildCreateDatabaseSql("archive_db"), 'CREATE DATABASE "archive_db"');
      assert.equal(buildDropDatabaseSql("archive_db"), 'DROP DATABASE IF EXISTS "archive_db"');
      assert.equal(buildAlterRolePasswordSql("postgres", "it's"), `ALTER ROLE "postgres" PASSWORD 'it''s'`);
    });
  });
});
