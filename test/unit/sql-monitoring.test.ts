import { strict as assert } from "node:assert";
import { buildActivityTableSql, buildConnectionViewsSql, buildDropConnectionViewsSql } from "../../components/sql/monitoring";
import { validateMonitoringViewsArgs } from "../../components/validate/tables";
import { mainConnection } from "./fixtures";

/** MonitoringViews arguments with the guide's names, as TieredTable gives them. */
const VIEWS = {
  connection: mainConnection,
  schema: "public",
  parent: "employees",
  parentSchema: "public",
  partitionKey: "hire_date",
  healthView: "archive_health",
  statsView: "partition_query_stats",
};

describe("monitoring SQL: the connection views", () => {
  it("reads an archive's pg_stat_activity through a foreign table on its server", () => {
    assert.equal(
      buildActivityTableSql("public", "fdw_connections", "archive_server"),
      `CREATE FOREIGN TABLE IF NOT EXISTS "public"."fdw_connections_archive_server" (` +
        `"pid" integer, "datname" name, "usename" name, "application_name" text, "client_addr" inet, "state" text, ` +
        `"backend_start" timestamptz, "query_start" timestamptz, "state_change" timestamptz, "wait_event_type" text, "wait_event" text, "query" text) ` +
        `SERVER "archive_server" OPTIONS (schema_name 'pg_catalog', table_name 'pg_stat_activity')`,
    );
  });

  it("shows postgres_fdw's sessions of every server, one SELECT per server, and counts them per server", () => {
    const [sessions, byServer] = buildConnectionViewsSql("public", "fdw_connections", ["archive_a_server", "archive_b_server"]);
    const perServer = (server: string) =>
      `SELECT '${server}'::text AS server_name, a."pid", a."datname"::text AS "datname", a."usename"::text AS "usename", a."application_name", ` +
      `a."client_addr", a."state", a."backend_start", a."query_start", a."state_change", a."wait_event_type", a."wait_event", a."query"\n` +
      `  FROM "public"."fdw_connections_${server}" a\n WHERE a.application_name LIKE 'postgres_fdw%'`;
    assert.equal(
      sessions,
      `CREATE VIEW "public"."fdw_connections" AS\n${perServer("archive_a_server")}\nUNION ALL\n${perServer("archive_b_server")}`,
    );
    assert.match(byServer, /^CREATE VIEW "public"\."fdw_connections_by_server" AS\n/);
    assert.match(
      byServer,
      /FROM \(VALUES \('archive_a_server'::text\), \('archive_b_server'::text\)\) AS s\(server_name\) LEFT JOIN "public"\."fdw_connections" c/,
    );
  });

  it("makes empty views of the same columns when the table has no archive", () => {
    const [sessions, byServer] = buildConnectionViewsSql("public", "fdw_connections", []);
    assert.match(
      sessions,
      /^CREATE VIEW "public"\."fdw_connections" AS\nSELECT NULL::text AS server_name, NULL::integer AS "pid", NULL::text AS "datname", .* WHERE false$/,
    );
    assert.match(byServer, /FROM \(SELECT NULL::text WHERE false\) AS s\(server_name\)/);
  });

  it("drops the per-server view before the one it reads", () => {
    assert.deepEqual(buildDropConnectionViewsSql("ops", "fdw_connections"), [
      `DROP VIEW IF EXISTS "ops"."fdw_connections_by_server"`,
      `DROP VIEW IF EXISTS "ops"."fdw_connections"`,
    ]);
  });

  it("refuses a server name that is not a plain identifier, and a connection view name that is not one", () => {
    const failures = validateMonitoringViewsArgs({
      ...VIEWS,
      connectionsView: "FDW sessions",
      servers: ["archive_server", 'x"; DROP'],
    });
    assert.deepEqual(
      failures.map((f) => f.property),
      ["connectionsView", "servers[1]"],
    );
  });

  it("refuses at check a connection view whose foreign table for a server would pass 63 bytes", () => {
    const failures = validateMonitoringViewsArgs({
      ...VIEWS,
      connectionsView: "fdw_connections_of_the_employees_table",
      servers: ["archive_server", "archive_for_the_oldest_years_server"],
    });
    assert.deepEqual(failures, [
      {
        property: "connectionsView",
        reason:
          "the foreign table per server, fdw_connections_of_the_employees_table_archive_for_the_oldest_years_server, would be longer than 63 bytes; give the connection view a shorter name",
      },
    ]);
  });
});
