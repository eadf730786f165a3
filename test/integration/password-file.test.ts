import assert from "node:assert/strict";
import { PgtierProvider } from "../../components/provider/provider";
import { connectionOf, execAll, PostgresPair, query, startPair } from "../support/postgres";
import { Props, ResourceUnderTest, secret } from "../support/provider";

describe("PasswordFile (integration)", () => {
  const provider = new PgtierProvider();
  const file = new ResourceUnderTest(provider, "PasswordFile", "passfile");
  let pair: PostgresPair;
  let id: string;
  let state: Props;

  before(async () => {
    pair = await startPair({ mainPassword: "main-Pa55", archivePassword: "archive-Pa55" });
    await execAll(connectionOf(pair.archive), [
      "CREATE ROLE fdw_reader LOGIN PASSWORD 'rea:der\\Pa55'",
      "CREATE TABLE emp_2024 (id int, name text)",
      "INSERT INTO emp_2024 VALUES (1, 'Alice Johnson')",
      "GRANT SELECT ON emp_2024 TO fdw_reader",
    ]);
  });

  after(async () => {
    await pair?.stop();
  });

  function entries(password: string): Props[] {
    return [{ host: pair.archiveAlias, port: 5432, database: "archive_db", user: "fdw_reader", password: secret(password) }];
  }

  it("writes the guide's .pgpass, 0600 and the server's own: postgres_fdw reads the password from it, the mapping holds none", async () => {
    // WHEN
    const made = await file.create({ connection: connectionOf(pair.main), entries: entries("rea:der\\Pa55") });
    id = made.id;
    state = { ...made.inputs, ...made.outs };

    // THEN
    const path = String(made.outs.path);
    assert.match(path, /\/pgtier\.pgpass$/);
    const stat = await pair.main.exec(["stat", "-c", "%a %U", path]);
    assert.equal(stat.output.trim(), "600 postgres", "libpq ignores a password file others can read");
    const main = connectionOf(pair.main);
    await execAll(main, [
      "CREATE EXTENSION postgres_fdw",
      `CREATE SERVER archive_server FOREIGN DATA WRAPPER postgres_fdw OPTIONS (host '${pair.archiveAlias}', port '5432', dbname 'archive_db', passfile '${path}')`,
    ]);
    await new ResourceUnderTest(provider, "UserMapping", "mapping").create({
      connection: main,
      server: "archive_server",
      remoteUser: "fdw_reader",
    });
    const [mapping] = await query<{ options: string[] }>(
      main,
      "SELECT umoptions AS options FROM pg_user_mappings WHERE srvname = 'archive_server'",
    );
    assert.deepEqual(mapping.options, ["user=fdw_reader"], "no password in the mapping");
    await execAll(main, ["CREATE FOREIGN TABLE emp_2024 (id int, name text) SERVER archive_server"]);
    assert.deepEqual(await query(main, "SELECT name FROM emp_2024"), [{ name: "Alice Johnson" }]);
  });

  it("sees the file changed by hand on refresh, and the update writes it again", async () => {
    await pair.main.exec(["sh", "-c", `echo 'archive:5432:archive_db:fdw_reader:wrong' > ${String(state.path)}`]);

    // WHEN
    const found = await file.read(id, state);

    // THEN
    assert.deepEqual(found?.props.entries, [], "other content reads as no entries, never into the state");
    await file.update(id, found!.props, { connection: connectionOf(pair.main), entries: entries("rea:der\\Pa55") });
    const again = await file.read(id, state);
    assert.equal((again?.props.entries as unknown[]).length, 1);
  });

  it("removes the file on delete; a refresh then finds it gone", async () => {
    await file.delete(id, state);
    const stat = await pair.main.exec(["test", "-e", String(state.path)]);
    assert.notEqual(stat.exitCode, 0);
    assert.equal(await file.read(id, state), undefined);
  });
});
