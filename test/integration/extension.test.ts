import assert from "node:assert/strict";
import type { StartedTestContainer } from "testcontainers";
import { PgtierProvider } from "../../components/provider/provider";
import { connectionOf, query, startPostgres } from "../support/postgres";
import { rejectionOf, ResourceUnderTest } from "../support/provider";

async function installed(pg: StartedTestContainer, name: string): Promise<{ version: string; schema: string } | undefined> {
  const rows = await query<{ version: string; schema: string }>(
    connectionOf(pg),
    `SELECT e.extversion AS version, n.nspname AS schema FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = $1`,
    [name],
  );
  return rows[0];
}

describe("Extension (integration)", () => {
  let pg: StartedTestContainer;
  const extension = new ResourceUnderTest(new PgtierProvider(), "Extension", "fdw");

  before(async () => {
    pg = await startPostgres();
  });

  after(async () => {
    await pg?.stop();
  });

  it("installs postgres_fdw, reads it, updates in place and drops it", async () => {
    // WHEN
    const { id, outs, inputs } = await extension.create({ connection: connectionOf(pg), name: "postgres_fdw" });

    // THEN
    assert.equal(id, "postgres_fdw");
    const row = await installed(pg, "postgres_fdw");
    assert.ok(row, "postgres_fdw is in pg_extension");
    assert.equal(outs.installedVersion, row.version);
    assert.equal(outs.installedSchema, "public");
    const wrappers = await query(connectionOf(pg), "SELECT fdwname FROM pg_foreign_data_wrapper");
    assert.deepEqual(wrappers, [{ fdwname: "postgres_fdw" }]);

    const found = await extension.read(id, outs);
    assert.deepEqual(found, { id, props: outs });

    // An explicit version equal to the installed one changes nothing in the catalog.
    const news = { ...inputs, version: row.version };
    const diff = await extension.diff(id, outs, news);
    assert.deepEqual({ changes: diff.changes, replaces: diff.replaces }, { changes: true, replaces: [] });
    const updated = await extension.update(id, outs, news);
    assert.equal(updated.installedVersion, row.version);
    assert.equal((await extension.read(id, updated))?.props.installedVersion, row.version);

    await extension.delete(id, updated);
    assert.equal(await installed(pg, "postgres_fdw"), undefined);
    assert.deepEqual(await query(connectionOf(pg), "SELECT fdwname FROM pg_foreign_data_wrapper"), []);
  });

  it("installs into a given schema", async () => {
    await query(connectionOf(pg), "CREATE SCHEMA fdw");
    const { id, outs } = await extension.create({ connection: connectionOf(pg), name: "postgres_fdw", schema: "fdw" });
    assert.equal((await installed(pg, "postgres_fdw"))?.schema, "fdw");
    assert.equal(outs.installedSchema, "fdw");
    await extension.delete(id, outs);
    assert.equal(await installed(pg, "postgres_fdw"), undefined);
  });

  it("reads an extension dropped by hand as gone", async () => {
    const { id, outs } = await extension.create({ connection: connectionOf(pg), name: "postgres_fdw" });
    assert.ok(await installed(pg, "postgres_fdw"));

    // WHEN
    await query(connectionOf(pg), "DROP EXTENSION postgres_fdw");

    // THEN
    assert.equal(await extension.read(id, outs), undefined);
  });

  it("names the resource and PostgreSQL's reason for an extension that is not available", async () => {
    const message = await rejectionOf(extension.create({ connection: connectionOf(pg), name: "no_such_ext" }));
    assert.match(message, /^Extension "fdw": PostgreSQL refused CREATE EXTENSION "no_such_ext": .*not available/);
  });
});
