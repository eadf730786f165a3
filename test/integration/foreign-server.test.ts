import assert from "node:assert/strict";
import type { StartedTestContainer } from "testcontainers";
import { PgtierProvider } from "../../components/provider/provider";
import { serverOptions } from "../support/catalog";
import { connectionOf, query, startPostgres } from "../support/postgres";
import { Props, rejectionOf, ResourceUnderTest } from "../support/provider";

describe("ForeignServer (integration)", () => {
  let pg: StartedTestContainer;
  const server = new ResourceUnderTest(new PgtierProvider(), "ForeignServer", "archive");
  let id: string;
  let inputs: Props;
  let outs: Props;

  before(async () => {
    pg = await startPostgres();
    await query(connectionOf(pg), "CREATE EXTENSION postgres_fdw");
  });

  after(async () => {
    await pg?.stop();
  });

  it("creates the guide's archive_server with its options", async () => {
    // WHEN
    const created = await server.create({
      connection: connectionOf(pg),
      name: "archive_server",
      host: "postgres_archive",
      port: 5432,
      dbname: "archive_db",
      options: { fetch_size: "10000", use_remote_estimate: "true" },
    });
    ({ id, outs, inputs } = created);

    // THEN
    assert.equal(id, "archive_server");
    assert.deepEqual(await serverOptions(connectionOf(pg), "archive_server"), {
      host: "postgres_archive",
      port: "5432",
      dbname: "archive_db",
      fetch_size: "10000",
      use_remote_estimate: "true",
    });
    const wrapper = await query(
      connectionOf(pg),
      "SELECT w.fdwname FROM pg_foreign_server s JOIN pg_foreign_data_wrapper w ON w.oid = s.srvfdw WHERE s.srvname = 'archive_server'",
    );
    assert.deepEqual(wrapper, [{ fdwname: "postgres_fdw" }]);
  });

  it("reads it back as created", async () => {
    const found = await server.read(id, outs);
    assert.ok(found);
    assert.equal(found.id, "archive_server");
    assert.deepEqual((await server.diff(id, found.props, inputs)).changes, false, "no drift right after create");
    assert.equal(found.props.host, "postgres_archive");
    assert.equal(found.props.port, 5432);
    assert.deepEqual(found.props.options, { fetch_size: "10000", use_remote_estimate: "true" });
  });

  it("changes options and the name in place with ALTER SERVER", async () => {
    const news = {
      ...inputs,
      name: "archive_2024",
      options: { fetch_size: "50000", use_remote_estimate: "true", async_capable: "true" },
    };
    const diff = await server.diff(id, outs, news);
    assert.deepEqual(diff, { changes: true, replaces: [], deleteBeforeReplace: false });
    const oid = (
      await query<{ oid: number }>(connectionOf(pg), "SELECT oid::int FROM pg_foreign_server WHERE srvname = 'archive_server'")
    )[0].oid;

    // WHEN
    outs = await server.update(id, outs, news);
    inputs = news;

    // THEN
    assert.equal(await serverOptions(connectionOf(pg), "archive_server"), undefined, "the old name is gone");
    assert.deepEqual(await serverOptions(connectionOf(pg), "archive_2024"), {
      host: "postgres_archive",
      port: "5432",
      dbname: "archive_db",
      fetch_size: "50000",
      use_remote_estimate: "true",
      async_capable: "true",
    });
    const after = await query<{ oid: number }>(connectionOf(pg), "SELECT oid::int FROM pg_foreign_server WHERE srvname = 'archive_2024'");
    assert.deepEqual(after, [{ oid }], "the same server object, renamed (not dropped and created)");
    const found = await server.read(id, outs);
    assert.deepEqual(found?.props.options, news.options);
  });

  it("moves host, port and dbname in place, and drops options removed from the inputs", async () => {
    const news = { ...inputs, host: "archive2", port: 5433, dbname: "archive2_db", options: { fetch_size: "50000" } };
    outs = await server.update(id, outs, news);
    assert.deepEqual(await serverOptions(connectionOf(pg), "archive_2024"), {
      host: "archive2",
      port: "5433",
      dbname: "archive2_db",
      fetch_size: "50000",
    });
    inputs = news;
  });

  it("read shows an option changed by hand as drift, and update puts it back", async () => {
    // WHEN
    await query(connectionOf(pg), "ALTER SERVER archive_2024 OPTIONS (SET fetch_size '1')");

    // THEN
    const found = await server.read(id, outs);
    assert.ok(found);
    assert.deepEqual(found.props.options, { fetch_size: "1" });
    const diff = await server.diff(id, found.props, inputs);
    assert.deepEqual(diff, { changes: true, replaces: [], deleteBeforeReplace: false });

    outs = await server.update(id, found.props, inputs);
    assert.equal((await serverOptions(connectionOf(pg), "archive_2024"))?.fetch_size, "50000");
  });

  it("check refuses an option postgres_fdw does not have, naming it", async () => {
    const result = await server.provider.check(server.urn, {}, { ...inputs, options: { fetchsize: "10" } });
    assert.equal(result.failures?.length, 1);
    assert.equal(result.failures?.[0].property, "options.fetchsize");
    assert.match(result.failures?.[0].reason ?? "", /fetchsize is not a postgres_fdw option/);
  });

  it("deletes the server", async () => {
    await server.delete(id, outs);
    assert.equal(await serverOptions(connectionOf(pg), "archive_2024"), undefined);
    assert.equal(await server.read(id, outs), undefined, "read of a dropped server finds nothing");
  });

  it("create fails with the resource's name when the extension is missing", async () => {
    await query(connectionOf(pg), "DROP EXTENSION postgres_fdw");
    const message = await rejectionOf(server.create({ ...inputs, name: "no_wrapper" }));
    assert.match(message, /^ForeignServer "archive": PostgreSQL refused CREATE SERVER "no_wrapper".*postgres_fdw.*does not exist/);
    assert.equal(await serverOptions(connectionOf(pg), "no_wrapper"), undefined);
  });

  it("adopts an identical server that already exists, and refuses one that differs, naming what differs", async () => {
    const c = connectionOf(pg);
    await query(c, "CREATE EXTENSION IF NOT EXISTS postgres_fdw");
    await query(c, "CREATE SERVER same_server FOREIGN DATA WRAPPER postgres_fdw OPTIONS (host 'h', port '5432', dbname 'd')");
    await query(
      c,
      "CREATE SERVER other_server FOREIGN DATA WRAPPER postgres_fdw OPTIONS (host 'h', port '5432', dbname 'd', fetch_size '7')",
    );
    const args = { connection: c, host: "h", port: 5432, dbname: "d" };

    // WHEN / THEN: identical -> adopted
    const adopted = await server.create({ ...args, name: "same_server" });
    assert.equal(adopted.id, "same_server");

    // WHEN / THEN: differs -> refused, the server untouched
    const message = await rejectionOf(server.create({ ...args, name: "other_server" }));
    assert.equal(
      message,
      'ForeignServer "archive": other_server already exists and differs from the program in options; set adopt (stack setting pgtier:adopt) to take it over and change it in place where PostgreSQL allows, or drop it, or change the program to match it',
    );
    assert.equal((await serverOptions(c, "other_server"))?.fetch_size, "7");

    // WHEN / THEN: with adopt -> taken over, its options set with ALTER
    const taken = await server.create({ ...args, name: "other_server", adopt: true });
    assert.equal(taken.id, "other_server");
    assert.equal((await serverOptions(c, "other_server"))?.fetch_size, undefined);
    assert.equal((await serverOptions(c, "other_server"))?.host, "h");
  });
});
