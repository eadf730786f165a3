import assert from "node:assert/strict";
import { createServer } from "node:net";
import { Client } from "pg";
import { withRelayedSession } from "../../components/db/client";
import { Connection } from "../../components/model/types";
import { PgtierProvider } from "../../components/provider/provider";
import { indexNames, relkind } from "../support/catalog";
import { connectionOf, execAll, PostgresPair, query } from "../support/postgres";
import { rejectionOf } from "../support/provider";
import { archiveTarget, loadEmployees, rowsAndChecksum, TieredPartitionUnderTest, useTieredPair, yearInputs } from "../support/tiered";

/** A port on 127.0.0.1 that nothing listens on: where pgtier looks for an archive it cannot reach. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (!address || typeof address === "string") {
    throw new Error("no port");
  }
  return address.port;
}

/**
 * The runner (the machine running pulumi up) cannot reach the archive, but
 * the main instance can, through its foreign server: the archive's
 * connection as pgtier sees it points at a closed port, while the foreign
 * server points at the archive on the containers' network.
 */
describe("TieredPartition archiving when the archive is unreachable from here (integration)", () => {
  const provider = new PgtierProvider();
  const started = useTieredPair(provider);
  let pair: PostgresPair;
  let main: Connection;
  let archive: Connection;
  let app: Connection;

  const READER = [{ role: "fdw_reader", privileges: ["SELECT"] }];

  before(async () => {
    pair = started();
    main = connectionOf(pair.main);
    archive = connectionOf(pair.archive);
    // The mapping only reads, as the guide's dedicated accounts do: the copy must not go through it.
    await execAll(archive, ["CREATE ROLE fdw_reader LOGIN PASSWORD 'reader-Pa55'"]);
    await execAll(main, [
      "CREATE ROLE app LOGIN PASSWORD 'app-Pa55'",
      "GRANT SELECT, INSERT, UPDATE ON employees TO app",
      "GRANT USAGE ON SEQUENCE employees_id_seq TO app",
      "CREATE USER MAPPING FOR app SERVER archive_server OPTIONS (user 'fdw_reader', password 'reader-Pa55')",
    ]);
    app = { ...main, user: "app", password: "app-Pa55" };
  });

  /** The archive as pgtier sees it: nothing answers there. */
  async function unreachableArchive(): Promise<Connection> {
    return { ...archive, host: "127.0.0.1", port: await closedPort() };
  }

  /** Foreign servers and user mappings on the main instance, by server. */
  async function fdwObjects(): Promise<{ servers: string[]; mappings: string[] }> {
    const servers = await query<{ srvname: string }>(main, "SELECT srvname FROM pg_foreign_server ORDER BY srvname");
    const mappings = await query<{ m: string }>(main, "SELECT srvname || ':' || usename AS m FROM pg_user_mappings ORDER BY 1");
    return { servers: servers.map((s) => s.srvname), mappings: mappings.map((m) => m.m) };
  }

  /** The privileges of `role` on the archive's emp_2024. */
  async function privilegesOn2024(role: string): Promise<string[]> {
    const rows = await query<{ p: string }>(
      archive,
      "SELECT privilege_type AS p FROM information_schema.role_table_grants WHERE table_name = 'emp_2024' AND grantee = $1 ORDER BY 1",
      [role],
    );
    return rows.map((r) => r.p);
  }

  it("archives through the main instance: postgres_fdw copies, dblink carries the rest, writers go on, and it says so", async () => {
    // The admin's own mapping reads only too, as with pgtier's FDW roles: the copy inserts as fdw_reader for as long as it runs.
    await execAll(main, [
      "ALTER USER MAPPING FOR postgres SERVER archive_server OPTIONS (SET user 'fdw_reader', SET password 'reader-Pa55')",
    ]);
    try {
      await archiveUnreachable();
    } finally {
      await execAll(main, [
        "ALTER USER MAPPING FOR postgres SERVER archive_server OPTIONS (SET user 'postgres', SET password 'archive-Pa55')",
      ]);
    }
  });

  /** The scenario of the first test. */
  async function archiveUnreachable(): Promise<void> {
    const partition = new TieredPartitionUnderTest("emp-2024");
    const local = yearInputs(pair, 2024, "local");
    const { id } = await partition.create(local);
    await loadEmployees(main, 2024, 20_000);
    const fdwBefore = await fdwObjects();
    const target = { ...archiveTarget(pair), connection: await unreachableArchive(), grants: READER };

    // WHEN: the move runs while an application inserts new 2024 rows and updates old ones as `app`
    let writing = true;
    let inserted = 0;
    let updated = 0;
    // Once 2024 is archived, the read-only mapping refuses the writer's DML: it stops there.
    const refused = (err: unknown) => /permission denied for table emp_2024/.test(String(err));
    const writer = (async () => {
      while (writing) {
        try {
          await query(app, "INSERT INTO employees (name, hire_date, department, salary) VALUES ($1, '2024-07-01', 'Sales', 50000)", [
            `writer ${inserted}`,
          ]);
          inserted++;
          updated += (await query(app, "UPDATE employees SET salary = salary + 1 WHERE id = $1 RETURNING id", [1 + (inserted % 50)]))
            .length;
        } catch (err) {
          if (refused(err)) {
            return;
          }
          throw err;
        }
      }
    })();
    let state;
    try {
      state = await partition.update(id, local, yearInputs(pair, 2024, "archive", { archive: target }));
    } finally {
      writing = false;
      await writer;
    }

    // THEN: it said what it did
    const said = partition.progress.join("\n");
    assert.ok(
      partition.progress.includes(
        `cannot reach emp_2024's archive at 127.0.0.1:${target.connection.port} from here (connection refused); going through the main instance ` +
          `instead: postgres_fdw copies the rows (copyMethod fdw) and dblink on the main instance carries pgtier's statements to the archive`,
      ),
      said,
    );
    assert.match(said, /copying 20,\d{3} rows of emp_2024 to the archive \(fdw\)/);
    assert.match(said, /copied 20,\d{3} rows through postgres_fdw/);
    assert.match(
      said,
      /archived emp_2024: \d+ rows, checksum -?\d+ \(\d+ change\(s\) made meanwhile replayed\)/,
      "writes were replayed through the relay",
    );

    // THEN: every row once, the writers' included, on the archive behind a foreign partition
    const rows = await query<{ n: number; ids: number; writers: number; raised: string }>(
      archive,
      `SELECT count(*)::int AS n, count(DISTINCT id)::int AS ids, count(*) FILTER (WHERE name LIKE 'writer %')::int AS writers,
              sum(salary) FILTER (WHERE id <= 50)::text AS raised FROM emp_2024`,
    );
    assert.equal(rows[0].n, 20_000 + inserted);
    assert.equal(rows[0].ids, rows[0].n, "no row twice");
    assert.equal(rows[0].writers, inserted, "every insert made during the move is there");
    assert.ok(updated > 0, "the writer updated rows during the move");
    assert.ok(inserted > 0, "the writer inserted rows during the move");
    assert.equal(state.archivedRows, String(rows[0].n));
    assert.deepEqual(await rowsAndChecksum(main, "employees"), await rowsAndChecksum(archive, "emp_2024"));
    assert.equal(await relkind(main, "emp_2024"), "f");
    assert.equal(await relkind(main, "emp_2024_pgtier_log"), undefined, "the capture is gone");
    assert.deepEqual(await indexNames(archive, "emp_2024"), ["emp_2024_idx_emp_date", "emp_2024_idx_emp_dept", "emp_2024_idx_emp_name"]);

    // THEN: the read-only mapping reads the rows, granted before the cutover; DML through it is refused
    const counted = await query<{ n: number }>(app, "SELECT count(*)::int AS n FROM employees WHERE hire_date < '2025-01-01'");
    assert.equal(counted[0].n, rows[0].n);
    await assert.rejects(query(app, "UPDATE employees SET salary = 1 WHERE id = 1"), /permission denied for table emp_2024/);

    // THEN: nothing of the admin's login is left on the main instance; dblink stays, in its own schema
    assert.deepEqual(await fdwObjects(), fdwBefore);
    const ext = await query<{ schema: string }>(
      main,
      "SELECT n.nspname AS schema FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE extname = 'dblink'",
    );
    assert.deepEqual(ext, [{ schema: "pgtier_relay" }]);
    // The mapping's role may again only read: its INSERT for the copy is taken back.
    assert.deepEqual(await privilegesOn2024("fdw_reader"), ["SELECT"]);
  }

  it("refuses to bring rows back from an archive it cannot reach, naming it and the fix, with nothing changed", async () => {
    const partition = new TieredPartitionUnderTest("emp-2024");
    const archived = yearInputs(pair, 2024, "archive");
    const { id } = await partition.create(archived);
    await loadEmployees(main, 2024, 10);
    const unreachable = { ...archived, archive: { ...archiveTarget(pair), connection: await unreachableArchive() } };

    // WHEN
    const err = await rejectionOf(partition.update(id, unreachable, yearInputs(pair, 2024, "local")));

    // THEN
    assert.match(
      err,
      /^TieredPartition "emp-2024": cannot reach emp_2024's archive at 127\.0\.0\.1:\d+ from here \(connection refused\); rows leaving an archive are read there by pulumi up itself, so run it where the archive is reachable \(or publish the archive's port\) — nothing was changed$/,
    );
    assert.equal(await relkind(main, "emp_2024"), "f");
    assert.equal((await rowsAndChecksum(archive, "emp_2024")).rows, 10);
  });

  it("when the main instance cannot reach the archive either, says so and leaves the local rows as they were", async () => {
    await execAll(main, [
      "CREATE SERVER nowhere FOREIGN DATA WRAPPER postgres_fdw OPTIONS (host 'no-such-archive.invalid', dbname 'archive_db')",
    ]);
    try {
      const partition = new TieredPartitionUnderTest("emp-2024");
      const local = yearInputs(pair, 2024, "local");
      const { id } = await partition.create(local);
      await loadEmployees(main, 2024, 10);
      const before = await rowsAndChecksum(main, "emp_2024");
      const target = { ...archiveTarget(pair), server: "nowhere", connection: await unreachableArchive() };

      // WHEN
      const err = await rejectionOf(partition.update(id, local, yearInputs(pair, 2024, "archive", { archive: target })));

      // THEN
      assert.match(
        err,
        /^TieredPartition "emp-2024": the main instance could not open an admin session on the archive through foreign server "nowhere" either \(.*no-such-archive\.invalid.*\); check that the archive runs, that the server's host and port are right as the main instance sees them, and that the archive's pg_hba\.conf lets postgres in from the main instance — nothing was changed$/s,
      );
      assert.equal(await relkind(main, "emp_2024"), "r");
      assert.deepEqual(await rowsAndChecksum(main, "emp_2024"), before);
      assert.equal(await relkind(archive, "emp_2024"), undefined);
    } finally {
      await execAll(main, ["DROP SERVER nowhere CASCADE"]);
    }
  });

  it("through the main instance, a statement that waits for a lock says who holds it, retries, and fails naming that session", async () => {
    await execAll(archive, ["CREATE TABLE report_source (x int)"]);
    const holder = new Client({ ...archive, application_name: "long-report" });
    await holder.connect();
    process.env.PGTIER_LOCK_TIMEOUT_MS = "1500";
    process.env.PGTIER_LOCK_ATTEMPTS = "2";
    const progress: string[] = [];
    try {
      await holder.query("BEGIN");
      await holder.query("SELECT count(*) FROM report_source");
      const pid = (await holder.query<{ pid: number }>("SELECT pg_backend_pid() AS pid")).rows[0].pid;
      const op = { label: 'ArchiveTable "t"', progress: (line: string) => progress.push(line) };
      const relay = {
        server: "archive_server",
        login: { user: archive.user, password: archive.password },
        applicationName: "pgtier: test",
      };

      // WHEN
      const message = await rejectionOf(withRelayedSession(op, main, relay, (s) => s.run("DROP TABLE report_source")));

      // THEN: PostgreSQL's lock_not_available came back through dblink, and the watch looked on the archive
      assert.match(
        message,
        new RegExp(
          `^ArchiveTable "t": DROP TABLE report_source could not get its locks within 1500 ms in 2 attempts; held by pid ${pid} \\(user "postgres", application "long-report", idle in transaction`,
        ),
      );
      assert.ok(
        progress.some((line) =>
          line.startsWith(`DROP TABLE report_source waits for a lock held by pid ${pid} (user "postgres", application "long-report"`),
        ),
        progress.join("\n"),
      );
      assert.equal(await relkind(archive, "report_source"), "r", "the table is still there");
    } finally {
      delete process.env.PGTIER_LOCK_TIMEOUT_MS;
      delete process.env.PGTIER_LOCK_ATTEMPTS;
      await holder.end();
      await execAll(archive, ["DROP TABLE IF EXISTS report_source"]);
    }
  });
});
