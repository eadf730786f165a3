import assert from "node:assert/strict";
import { StartedTestContainer } from "testcontainers";
import { Connection } from "../../components/model/types";
import { PgtierProvider } from "../../components/provider/provider";
import { connectionOf, execAll, query, startPostgres } from "../support/postgres";
import { Props, rejectionOf, ResourceUnderTest, secret } from "../support/provider";

/** A role's attributes as pg_roles shows them. */
async function attributesOf(conn: Connection, role: string): Promise<Record<string, unknown> | undefined> {
  const rows = await query(
    conn,
    `SELECT rolcanlogin AS login, rolsuper AS superuser, rolconnlimit AS "connectionLimit" FROM pg_roles WHERE rolname = $1`,
    [role],
  );
  return rows[0];
}

/** The privileges `role` holds on table `table`, as information_schema lists them. */
async function tablePrivileges(conn: Connection, role: string, table: string): Promise<string[]> {
  const rows = await query<{ privilege_type: string }>(
    conn,
    `SELECT privilege_type FROM information_schema.role_table_grants WHERE grantee = $1 AND table_name = $2 ORDER BY 1`,
    [role, table],
  );
  return rows.map((r) => r.privilege_type);
}

/** Why logging in as `user` fails, or "ok". */
async function loginAs(conn: Connection, user: string, password: string): Promise<string> {
  try {
    await query({ ...conn, user, password }, "SELECT 1");
    return "ok";
  } catch (err) {
    return (err as Error).message;
  }
}

describe("Role and Grant (integration)", () => {
  const provider = new PgtierProvider();
  let pg: StartedTestContainer;
  let conn: Connection;

  before(async () => {
    pg = await startPostgres({ password: "admin-Pa55", database: "archive_db" });
    conn = connectionOf(pg);
    await execAll(conn, ["CREATE TABLE emp_2023 (id int)", "CREATE TABLE emp_2024 (id int)", "CREATE TABLE notes (id int)"]);
  });

  after(async () => {
    await pg?.stop();
  });

  describe("Role", () => {
    const role = new ResourceUnderTest(provider, "Role", "reader");
    let id: string;
    let state: Props;

    it("creates a login role with a generated password that logs in, and no superuser", async () => {
      // WHEN
      const { id: made, outs } = await role.create({ connection: conn, name: "fdw_reader", login: true });
      id = made;
      state = outs;

      // THEN
      assert.equal(id, "fdw_reader");
      assert.match(String(outs.loginPassword), /^[A-Za-z0-9_-]{32}$/, "a 32-character generated password");
      assert.deepEqual(await attributesOf(conn, "fdw_reader"), { login: true, superuser: false, connectionLimit: -1 });
      assert.equal(await loginAs(conn, "fdw_reader", String(outs.loginPassword)), "ok");
    });

    it("reads back an attribute changed by hand as drift, and the update puts it back", async () => {
      await execAll(conn, ["ALTER ROLE fdw_reader SUPERUSER CONNECTION LIMIT 3"]);

      // WHEN
      const found = await role.read(id, state);

      // THEN
      assert.equal(found?.props.superuser, true);
      assert.equal(found?.props.connectionLimit, 3);
      assert.equal(found?.props.loginPassword, state.loginPassword, "the recorded password stays");
      const diff = await role.diff(id, found!.props, { connection: conn, name: "fdw_reader", login: true });
      assert.deepEqual([...(diff.replaces ?? [])], []);
      await role.update(id, found!.props, { connection: conn, name: "fdw_reader", login: true });
      assert.deepEqual(await attributesOf(conn, "fdw_reader"), { login: true, superuser: false, connectionLimit: -1 });
      assert.equal(await loginAs(conn, "fdw_reader", String(state.loginPassword)), "ok", "the password did not change");
    });

    it("sets a given password in place: the old one no longer logs in", async () => {
      // WHEN
      const outs = await role.update(id, state, { connection: conn, name: "fdw_reader", login: true, password: secret("given-Pa55'x") });

      // THEN
      assert.equal(outs.loginPassword, "given-Pa55'x");
      assert.equal(await loginAs(conn, "fdw_reader", "given-Pa55'x"), "ok");
      assert.match(await loginAs(conn, "fdw_reader", String(state.loginPassword)), /password authentication failed/);
      state = outs;
    });

    it("refuses a role of the name that pgtier did not make, unchanged, and takes it over with adopt", async () => {
      await execAll(conn, ["CREATE ROLE app_owner LOGIN PASSWORD 'by-hand' CONNECTION LIMIT 5"]);
      const other = new ResourceUnderTest(provider, "Role", "owner");

      // WHEN
      const message = await rejectionOf(other.create({ connection: conn, name: "app_owner", login: true }));

      // THEN
      assert.match(
        message,
        /role "app_owner" already exists .* pgtier did not create it; give this Role another name .* or set adopt .* nothing was changed/,
      );
      assert.equal(await loginAs(conn, "app_owner", "by-hand"), "ok", "its password is as it was");
      const { outs } = await other.create({ connection: conn, name: "app_owner", login: true, adopt: true });
      assert.deepEqual(await attributesOf(conn, "app_owner"), { login: true, superuser: false, connectionLimit: -1 });
      assert.equal(await loginAs(conn, "app_owner", String(outs.loginPassword)), "ok");
    });

    it("takes over, with a new password, a role it made whose create was not recorded (a rerun); another resource's is refused", async () => {
      // WHEN: the state lost fdw_reader; the same resource creates it again
      const { outs } = await role.create({ connection: conn, name: "fdw_reader", login: true });

      // THEN
      assert.equal(await loginAs(conn, "fdw_reader", String(outs.loginPassword)), "ok");
      // Another resource (another stack's, say) with the same role name does not take it over.
      const other = new ResourceUnderTest(provider, "Role", "another-stacks-reader");
      const message = await rejectionOf(other.create({ connection: conn, name: "fdw_reader", login: true }));
      assert.match(
        message,
        /role "fdw_reader" already exists .* another pgtier resource made it \(urn:pulumi:test::pgtier::pgtier:index:Role::reader\)/,
      );
      assert.equal(await loginAs(conn, "fdw_reader", String(outs.loginPassword)), "ok", "its password is as it was");
      state = outs;
    });

    it("refuses to drop a role that owns a table, naming it; drops one that only holds privileges", async () => {
      await execAll(conn, [
        "CREATE TABLE owned_by_reader (id int)",
        "ALTER TABLE owned_by_reader OWNER TO fdw_reader",
        "GRANT SELECT ON notes TO fdw_reader",
      ]);

      // WHEN
      const message = await rejectionOf(role.delete(id, state));

      // THEN
      assert.match(message, /role "fdw_reader" owns public\.owned_by_reader on archive_db; .*REASSIGN OWNED BY fdw_reader/);
      assert.ok(await attributesOf(conn, "fdw_reader"), "the role is still there");
      await execAll(conn, ["DROP TABLE owned_by_reader"]);
      await role.delete(id, state);
      assert.equal(await attributesOf(conn, "fdw_reader"), undefined);
      assert.equal(await role.read(id, state), undefined, "a refresh finds it gone");
    });

    it("refuses bad inputs before anything changes", async () => {
      const result = await provider.check(role.urn, {}, { connection: conn, name: "Bad Name", connectionLimit: -5, superuser: "yes" });
      const reasons = result.failures!.map((f) => f.reason).join("\n");
      assert.match(reasons, /name "Bad Name" is not a plain SQL identifier/);
      assert.match(reasons, /connectionLimit must be -1 \(no limit\) or a whole number/);
      assert.match(reasons, /superuser must be true or false/);
    });
  });

  describe("Grant", () => {
    const grant = new ResourceUnderTest(provider, "Grant", "writer-tables");

    before(async () => {
      await execAll(conn, ["CREATE ROLE fdw_writer LOGIN PASSWORD 'w-1'"]);
    });

    it("grants exactly the listed privileges on named tables, and reads them back", async () => {
      await execAll(conn, ["GRANT TRUNCATE ON emp_2024 TO fdw_writer"]);
      const inputs = {
        connection: conn,
        role: "fdw_writer",
        objectType: "table",
        objects: ["emp_2023", "emp_2024"],
        privileges: ["SELECT", "INSERT"],
      };

      // WHEN
      const { id } = await grant.create(inputs);

      // THEN
      assert.equal(id, "fdw_writer@archive_db/public:table(emp_2023,emp_2024)");
      assert.deepEqual(await tablePrivileges(conn, "fdw_writer", "emp_2023"), ["INSERT", "SELECT"]);
      assert.deepEqual(await tablePrivileges(conn, "fdw_writer", "emp_2024"), ["INSERT", "SELECT"], "TRUNCATE granted by hand is gone");
      assert.deepEqual(await tablePrivileges(conn, "fdw_writer", "notes"), [], "other tables untouched");
      const state = await grant.check(inputs);
      const found = await grant.read(id, state);
      assert.deepEqual(found?.props.privileges, ["SELECT", "INSERT"], "no drift right after create");

      // A privilege revoked by hand is drift; the update grants it again.
      await execAll(conn, ["REVOKE INSERT ON emp_2023 FROM fdw_writer"]);
      const drifted = await grant.read(id, state);
      assert.deepEqual(drifted?.props.privileges, ["SELECT"]);
      const diff = await provider.detailedDiff(grant.urn, id, drifted!.props, state);
      assert.deepEqual(diff.changed, ["privileges"]);
      await grant.update(id, drifted!.props, { ...inputs, privileges: ["SELECT", "INSERT", "UPDATE"] });
      assert.deepEqual(await tablePrivileges(conn, "fdw_writer", "emp_2023"), ["INSERT", "SELECT", "UPDATE"]);

      // WHEN deleted
      await grant.delete(id, state);
      assert.deepEqual(await tablePrivileges(conn, "fdw_writer", "emp_2023"), []);
      assert.deepEqual(await tablePrivileges(conn, "fdw_writer", "emp_2024"), []);
    });

    it("grants on every table in the schema when no object is named", async () => {
      const all = new ResourceUnderTest(provider, "Grant", "writer-all");
      const { id, inputs } = await all.create({ connection: conn, role: "fdw_writer", objectType: "table", privileges: ["SELECT"] });
      for (const table of ["emp_2023", "emp_2024", "notes"]) {
        assert.deepEqual(await tablePrivileges(conn, "fdw_writer", table), ["SELECT"], table);
      }
      await all.delete(id, inputs);
      assert.deepEqual(await tablePrivileges(conn, "fdw_writer", "notes"), []);
    });

    it("grants CONNECT on the database and USAGE on the schema: a role the database refused can connect", async () => {
      await execAll(conn, ["REVOKE CONNECT ON DATABASE archive_db FROM PUBLIC"]);
      assert.match(await loginAs(conn, "fdw_writer", "w-1"), /permission denied for database "archive_db"/);
      const connect = new ResourceUnderTest(provider, "Grant", "writer-connect");
      const usage = new ResourceUnderTest(provider, "Grant", "writer-usage");

      // WHEN
      const made = await connect.create({ connection: conn, role: "fdw_writer", objectType: "database", privileges: ["CONNECT"] });
      await usage.create({ connection: conn, role: "fdw_writer", objectType: "schema", schema: "public", privileges: ["USAGE"] });

      // THEN
      assert.equal(await loginAs(conn, "fdw_writer", "w-1"), "ok");
      assert.deepEqual((await connect.read(made.id, made.inputs))?.props.privileges, ["CONNECT"]);
      await connect.delete(made.id, made.inputs);
      assert.match(await loginAs(conn, "fdw_writer", "w-1"), /permission denied for database "archive_db"/);
      await execAll(conn, ["GRANT CONNECT ON DATABASE archive_db TO PUBLIC"]);
    });

    it("refuses a privilege that does not apply to the object type, naming those that do", async () => {
      const result = await provider.check(
        grant.urn,
        {},
        { connection: conn, role: "fdw_writer", objectType: "schema", privileges: ["SELECT"] },
      );
      assert.deepEqual(
        result.failures!.map((f) => f.reason),
        ['privilege "SELECT" does not apply to a schema; use CREATE, USAGE (upper case)'],
      );
    });
  });
});
