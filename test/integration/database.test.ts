import assert from "node:assert/strict";
import type { StartedTestContainer } from "testcontainers";
import { PgtierProvider } from "../../components/provider/provider";
import { connectionOf, query, startPostgres } from "../support/postgres";
import { rejectionOf, ResourceUnderTest } from "../support/provider";

async function databaseExists(container: StartedTestContainer, name: string): Promise<boolean> {
  const rows = await query(connectionOf(container, "postgres"), "SELECT 1 FROM pg_database WHERE datname = $1", [name]);
  return rows.length === 1;
}

describe("Database (integration)", () => {
  let pg: StartedTestContainer;
  const provider = new PgtierProvider();
  const db = new ResourceUnderTest(provider, "Database", "archive-db");

  before(async () => {
    pg = await startPostgres({ database: "postgres" });
  });

  after(async () => {
    await pg?.stop();
  });

  it("creates, reads, updates and deletes a database", async () => {
    // WHEN
    const { id, outs, inputs } = await db.create({ connection: connectionOf(pg), name: "archive_db" });

    // THEN
    assert.equal(id, "archive_db");
    assert.equal(await databaseExists(pg, "archive_db"), true);
    const conn = { ...connectionOf(pg), database: "archive_db" };
    assert.deepEqual(await query(conn, "SELECT current_database() AS db"), [{ db: "archive_db" }]);

    const found = await db.read(id, outs);
    assert.deepEqual(found, { id: "archive_db", props: outs });

    const diff = await db.diff(id, outs, inputs);
    assert.equal(diff.changes, false);
    const updated = await db.update(id, outs, inputs);
    assert.equal(updated.name, "archive_db");
    assert.deepEqual(await db.read(id, updated), { id: "archive_db", props: updated });

    await db.delete(id, updated);
    assert.equal(await databaseExists(pg, "archive_db"), false);
  });

  it("reads a database dropped by hand as gone, and update says to refresh", async () => {
    const { id, outs } = await db.create({ connection: connectionOf(pg), name: "dropped_db" });
    assert.equal(await databaseExists(pg, "dropped_db"), true);

    // WHEN
    await query(connectionOf(pg), "DROP DATABASE dropped_db");

    // THEN
    assert.equal(await db.read(id, outs), undefined);
    const message = await rejectionOf(db.update(id, outs, outs));
    assert.match(message, /^Database "archive-db": database "dropped_db" is not on .*run pulumi refresh/);
  });

  it("delete of a database that is already gone succeeds", async () => {
    const { id, outs } = await db.create({ connection: connectionOf(pg), name: "gone_db" });
    await query(connectionOf(pg), "DROP DATABASE gone_db");
    await db.delete(id, outs);
    assert.equal(await databaseExists(pg, "gone_db"), false);
  });

  it("a name change is a replace, deleting first", async () => {
    const olds = await db.check({ connection: connectionOf(pg), name: "one_db" });
    const diff = await db.diff("one_db", olds, { ...olds, name: "two_db" });
    assert.deepEqual(diff, { changes: true, replaces: ["name"], deleteBeforeReplace: true });
  });

  it("adopts a database that already exists, so a create interrupted after PostgreSQL committed it converges", async () => {
    // GIVEN: the database is there, but not in the state (as after a crash right after CREATE DATABASE)
    await query(connectionOf(pg), "CREATE DATABASE adopt_db");
    // WHEN
    const { id, outs } = await db.create({ connection: connectionOf(pg), name: "adopt_db" });
    // THEN: adopted, and from then on owned like any other
    assert.equal(id, "adopt_db");
    await db.delete(id, outs);
    assert.equal(await databaseExists(pg, "adopt_db"), false);
  });
});
