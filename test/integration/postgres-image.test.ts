/**
 * The locally built image keeps the official `postgres` image's contract, so
 * `postgres:16` can replace it: POSTGRES_USER / POSTGRES_PASSWORD /
 * POSTGRES_DB / PGDATA, scripts in /docker-entrypoint-initdb.d run once,
 * scram-sha-256 on all interfaces, pg_isready for health checks.
 */
import assert from "node:assert/strict";
import { GenericContainer, StartedTestContainer } from "testcontainers";
import { POSTGRES_IMAGE } from "../support/env";
import { PostgresReadyWaitStrategy, query } from "../support/postgres";

describe("the PostgreSQL image's entrypoint contract (integration)", () => {
  let pg: StartedTestContainer;
  const credentials = { user: "app_owner", password: "pa'ss word", database: "shop" };

  before(async () => {
    pg = await new GenericContainer(POSTGRES_IMAGE)
      .withEnvironment({
        POSTGRES_USER: credentials.user,
        POSTGRES_PASSWORD: credentials.password,
        POSTGRES_DB: credentials.database,
        PGDATA: "/var/lib/postgresql/data/pgdata",
      })
      .withCopyContentToContainer([
        { content: "CREATE TABLE seeded (n int); INSERT INTO seeded VALUES (1), (2);", target: "/docker-entrypoint-initdb.d/10-seed.sql" },
        {
          content: 'psql -v ON_ERROR_STOP=1 -U "$POSTGRES_USER" -d "$POSTGRES_DB" -c "INSERT INTO seeded VALUES (3)"\n',
          target: "/docker-entrypoint-initdb.d/20-more.sh",
        },
      ])
      .withExposedPorts(5432)
      .withWaitStrategy(new PostgresReadyWaitStrategy(credentials))
      .withStartupTimeout(90_000)
      .start();
  });

  after(async () => {
    await pg?.stop();
  });

  const conn = (password = credentials.password) => ({
    host: pg.getHost(),
    port: pg.getMappedPort(5432),
    user: credentials.user,
    password,
    database: credentials.database,
  });

  it("creates POSTGRES_USER as superuser and POSTGRES_DB, with PGDATA where asked", async () => {
    const rows = await query(
      conn(),
      "SELECT current_user AS u, current_database() AS d, current_setting('data_directory') AS dir, rolsuper FROM pg_roles WHERE rolname = current_user",
    );
    assert.deepEqual(rows, [{ u: "app_owner", d: "shop", dir: "/var/lib/postgresql/data/pgdata", rolsuper: true }]);
  });

  it("ran the .sql and .sh init scripts once, in order", async () => {
    assert.deepEqual(await query(conn(), "SELECT n FROM seeded ORDER BY n"), [{ n: 1 }, { n: 2 }, { n: 3 }]);
  });

  it("listens on all interfaces with scram-sha-256: a wrong password is refused", async () => {
    const [{ method }] = await query(conn(), "SELECT current_setting('password_encryption') AS method");
    assert.equal(method, "scram-sha-256");
    await assert.rejects(query(conn("wrong"), "SELECT 1"), /password authentication failed for user "app_owner"/);
  });

  it("answers pg_isready, the health check", async () => {
    const result = await pg.exec(["pg_isready", "-U", credentials.user, "-d", credentials.database, "-h", "127.0.0.1"]);
    assert.equal(result.exitCode, 0);
    assert.match(result.output, /accepting connections/);
  });

  it("ships postgres_fdw", async () => {
    await query(conn(), "CREATE EXTENSION postgres_fdw");
    const [{ n }] = await query(conn(), "SELECT count(*)::int AS n FROM pg_foreign_data_wrapper WHERE fdwname = 'postgres_fdw'");
    assert.equal(n, 1);
  });
});
