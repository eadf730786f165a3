import assert from "node:assert/strict";
import { PgtierProvider } from "../../components/provider/provider";
import { userMappings } from "../support/catalog";
import { connectionOf, execAll, PostgresPair, query, startPair } from "../support/postgres";
import { Props, rejectionOf, ResourceUnderTest, secret } from "../support/provider";

describe("UserMapping (integration)", () => {
  let pair: PostgresPair;
  const mapping = new ResourceUnderTest(new PgtierProvider(), "UserMapping", "archive-reader");

  before(async () => {
    pair = await startPair({ mainPassword: "main-Pa55", archivePassword: "archive-Pa55" });
    // The guide's Production Readiness: a dedicated, non-superuser role on the archive.
    await execAll(connectionOf(pair.archive), [
      "CREATE ROLE fdw_reader LOGIN PASSWORD 'reader-1'",
      "CREATE TABLE emp_2024 (id int, name text)",
      "INSERT INTO emp_2024 VALUES (1, 'Alice Johnson')",
      "GRANT SELECT ON emp_2024 TO fdw_reader",
    ]);
    await execAll(connectionOf(pair.main), [
      "CREATE EXTENSION postgres_fdw",
      `CREATE SERVER archive_server FOREIGN DATA WRAPPER postgres_fdw OPTIONS (host '${pair.archiveAlias}', port '5432', dbname 'archive_db', connect_timeout '3')`,
      // Reachable by name, but nothing listens there: connection refused.
      `CREATE SERVER closed_server FOREIGN DATA WRAPPER postgres_fdw OPTIONS (host '${pair.archiveAlias}', port '6543', dbname 'archive_db', connect_timeout '3')`,
      // A name the main instance cannot resolve.
      `CREATE SERVER nowhere_server FOREIGN DATA WRAPPER postgres_fdw OPTIONS (host 'no-such-archive.invalid', port '5432', dbname 'archive_db', connect_timeout '3')`,
      "CREATE FOREIGN TABLE remote_emp_2024 (id int, name text) SERVER archive_server OPTIONS (table_name 'emp_2024')",
    ]);
  });

  after(async () => {
    await pair?.stop();
  });

  function inputsFor(server: string, remoteUser: string, password: string): Props {
    return { connection: connectionOf(pair.main), server, remoteUser, password: secret(password) };
  }

  for (const [server, why] of [
    ["archive_server", "a wrong password"],
    ["closed_server", "a port nothing listens on"],
    ["nowhere_server", "a host that does not resolve"],
  ] as const) {
    it(`refuses a mapping with ${why}, naming the server, and leaves no mapping behind`, async () => {
      const password = server === "archive_server" ? "wrong-password" : "reader-1";

      // WHEN
      const message = await rejectionOf(mapping.create(inputsFor(server, "fdw_reader", password)));

      // THEN
      assert.match(message, new RegExp(`^UserMapping "archive-reader": postgres_fdw could not use server "${server}" as "fdw_reader": `));
      assert.match(message, /nothing was changed$/);
      assert.doesNotMatch(message, /wrong-password|reader-1/, "the password is not in the message");
      if (server === "archive_server") {
        assert.match(message, /password authentication failed/);
      }
      assert.deepEqual(await userMappings(connectionOf(pair.main), server), {}, "no mapping exists afterwards");
    });
  }

  let id: string;
  let inputs: Props;
  let outs: Props;

  it("creates a mapping that reaches the archive, and postgres_fdw reads through it", async () => {
    // WHEN
    ({ id, outs, inputs } = await mapping.create(inputsFor("archive_server", "fdw_reader", "reader-1")));

    // THEN
    assert.equal(id, "postgres@archive_server");
    assert.deepEqual(await userMappings(connectionOf(pair.main), "archive_server"), {
      postgres: { user: "fdw_reader", password: "reader-1" },
    });
    assert.deepEqual(await query(connectionOf(pair.main), "SELECT id, name FROM remote_emp_2024"), [{ id: 1, name: "Alice Johnson" }]);
    assert.deepEqual(await query(connectionOf(pair.main), "SELECT count(*)::int AS n FROM pg_class WHERE relname = 'pgtier_probe'"), [
      { n: 0 },
    ]);
  });

  it("reads the mapping back", async () => {
    const found = await mapping.read(id, outs);
    assert.ok(found);
    assert.equal(found.props.remoteUser, "fdw_reader");
    assert.equal(found.props.password, "reader-1");
    assert.equal((await mapping.diff(id, found.props, inputs)).changes, false);
  });

  it("changes the password in place after the archive role's password changed", async () => {
    await query(connectionOf(pair.archive), "ALTER ROLE fdw_reader PASSWORD 'reader-2'");
    const news = inputsFor("archive_server", "fdw_reader", "reader-2");
    const diff = await mapping.diff(id, outs, news);
    assert.deepEqual(diff, { changes: true, replaces: [], deleteBeforeReplace: false });

    // WHEN
    outs = await mapping.update(id, outs, news);
    inputs = news;

    // THEN
    assert.deepEqual(await userMappings(connectionOf(pair.main), "archive_server"), {
      postgres: { user: "fdw_reader", password: "reader-2" },
    });
    assert.deepEqual(await query(connectionOf(pair.main), "SELECT count(*)::int AS n FROM remote_emp_2024"), [{ n: 1 }]);
    assert.equal((await mapping.read(id, outs))?.props.password, "reader-2");
  });

  it("refuses a password change the archive rejects, and keeps the working mapping", async () => {
    const message = await rejectionOf(mapping.update(id, outs, inputsFor("archive_server", "fdw_reader", "reader-3")));
    assert.match(message, /password authentication failed.*nothing was changed$/s);
    assert.deepEqual(await userMappings(connectionOf(pair.main), "archive_server"), {
      postgres: { user: "fdw_reader", password: "reader-2" },
    });
  });

  it("a different server or local role is a replace, deleting first", async () => {
    const diff = await mapping.diff(id, outs, { ...inputs, server: "closed_server" });
    assert.deepEqual(diff, { changes: true, replaces: ["server"], deleteBeforeReplace: true });
  });

  it("reads a mapping dropped by hand as gone", async () => {
    await query(connectionOf(pair.main), "DROP USER MAPPING FOR postgres SERVER archive_server");
    assert.equal(await mapping.read(id, outs), undefined);
    ({ id, outs } = await mapping.create(inputs));
  });

  it("deletes the mapping", async () => {
    await mapping.delete(id, outs);
    assert.deepEqual(await userMappings(connectionOf(pair.main), "archive_server"), {});
  });
});
