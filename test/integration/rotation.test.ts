import assert from "node:assert/strict";
import { setTimeout as sleep } from "node:timers/promises";
import { Client } from "pg";
import { Connection } from "../../components/model/types";
import { PgtierProvider } from "../../components/provider/provider";
import { partitionsOf, relkind } from "../support/catalog";
import { connectionOf, PostgresPair, query } from "../support/postgres";
import { Props, rejectionOf, ResourceUnderTest } from "../support/provider";
import {
  ARCHIVE_SERVER,
  loadEmployees,
  resetTables,
  rowsAndChecksum,
  RowsAndChecksum,
  startTieredPair,
  TieredPartitionUnderTest,
  yearInputs,
} from "../support/tiered";

describe("TieredPartition rotation: reruns and concurrent sessions (integration)", () => {
  const provider = new PgtierProvider();
  let pair: PostgresPair;
  let main: Connection;
  let archive: Connection;

  before(async () => {
    pair = await startTieredPair(provider);
    main = connectionOf(pair.main);
    archive = connectionOf(pair.archive);
  });

  after(async () => {
    await pair?.stop();
  });

  afterEach(async () => {
    await resetTables(pair);
  });

  /** A local emp_2024 holding `count` generated employees. */
  async function localYear(
    partition: TieredPartitionUnderTest,
    count: number,
  ): Promise<{ id: string; outs: Props; before: RowsAndChecksum }> {
    const { id, outs } = await partition.create(yearInputs(pair, 2024, "local"));
    await loadEmployees(main, 2024, count);
    return { id, outs, before: await rowsAndChecksum(main, "emp_2024") };
  }

  /** An empty archive table for 2024, as a rotation creates it, made through the provider. */
  async function archiveTable(): Promise<void> {
    const { from, to, columns, partitionKey, indexes } = yearInputs(pair, 2024, "archive");
    await new ResourceUnderTest(provider, "ArchiveTable", "emp-2024").create({
      connection: archive,
      name: "emp_2024",
      from,
      to,
      columns,
      partitionKey,
      indexes,
    });
  }

  /** Copies the local rows matching `where` into the archive table by hand, through a standalone foreign table. */
  async function copyByHand(where: string): Promise<void> {
    await query(
      main,
      `CREATE FOREIGN TABLE by_hand (id integer, name text, hire_date date, department text, salary numeric(10,2))
         SERVER ${ARCHIVE_SERVER} OPTIONS (schema_name 'public', table_name 'emp_2024')`,
    );
    try {
      await query(main, `INSERT INTO by_hand SELECT id, name, hire_date, department, salary FROM emp_2024 WHERE ${where}`);
    } finally {
      await query(main, "DROP FOREIGN TABLE by_hand");
    }
  }

  /** The archive table's file node: TRUNCATE gives it a new one, so an unchanged node means it was not emptied and reloaded. */
  async function fileNode(): Promise<string> {
    return (
      await query<{ node: string }>(archive, "SELECT relfilenode::text AS node FROM pg_class WHERE oid = 'public.emp_2024'::regclass")
    )[0].node;
  }

  /** Rows, distinct ids and checksum of a table. */
  async function distinctIds(conn: Connection, table: string): Promise<{ rows: number; ids: number }> {
    return (
      await query<{ rows: number; ids: number }>(conn, `SELECT count(*)::int AS rows, count(DISTINCT id)::int AS ids FROM ${table}`)
    )[0];
  }

  async function connect(conn: Connection): Promise<Client> {
    const client = new Client({ ...conn });
    await client.connect();
    return client;
  }

  describe("a rerun after a crash converges", () => {
    for (const method of ["pipe", "fdw"] as const) {
      it(`archive table holding a partial, duplicated copy: the rerun (${method}) empties it and copies again, no duplicates`, async () => {
        const partition = new TieredPartitionUnderTest("emp-2024");
        const { id, outs, before } = await localYear(partition, 20_000);
        await archiveTable();
        await copyByHand("id % 3 = 0");
        await copyByHand("id % 3 = 0");
        assert.equal((await rowsAndChecksum(archive, "emp_2024")).rows, 2 * Math.floor(20_000 / 3));

        // WHEN
        await partition.update(id, outs, yearInputs(pair, 2024, "archive", { copyMethod: method }));

        // THEN
        assert.deepEqual(await rowsAndChecksum(archive, "emp_2024"), before);
        assert.deepEqual(await distinctIds(archive, "emp_2024"), { rows: 20_000, ids: 20_000 });
        assert.deepEqual(await rowsAndChecksum(main, "employees"), before);
        assert.equal(await relkind(main, "emp_2024"), "f");
        assert.ok(
          partition.progress.includes(`copying 20,000 rows of emp_2024 to the archive (${method}); it held other rows, they are replaced`),
          partition.progress.join("\n"),
        );
      });
    }

    it("archive table already holding exactly the rows: the rerun does not copy again and cuts over", async () => {
      const partition = new TieredPartitionUnderTest("emp-2024");
      const { id, outs, before } = await localYear(partition, 20_000);
      await archiveTable();
      await copyByHand("true");
      const node = await fileNode();

      // WHEN
      const after = await partition.update(id, outs, yearInputs(pair, 2024, "archive"));

      // THEN
      assert.ok(
        partition.progress.includes("the archive already holds emp_2024's 20,000 rows (checksum matches); not copying again"),
        partition.progress.join("\n"),
      );
      assert.deepEqual(
        partition.progress.filter((line) => line.startsWith("copying")),
        [],
      );
      assert.equal(await fileNode(), node, "the archive table was not truncated and reloaded");
      assert.equal(await relkind(main, "emp_2024"), "f");
      assert.deepEqual(await rowsAndChecksum(main, "employees"), before);
      assert.deepEqual(await rowsAndChecksum(archive, "emp_2024"), before);
      assert.equal(after.archivedRows, "20000");
    });

    it("cutover already committed: the same update again succeeds without copying, data intact", async () => {
      const partition = new TieredPartitionUnderTest("emp-2024");
      const { id, outs, before } = await localYear(partition, 20_000);
      const news = yearInputs(pair, 2024, "archive");
      await partition.update(id, outs, news);
      const node = await fileNode();

      // WHEN: the engine did not record the update and sends it again, from tier local
      const again = await partition.update(id, outs, news);

      // THEN
      assert.deepEqual(partition.progress.slice(0, 1), [
        "emp_2024 already reads from the archive (an earlier run committed the cutover); tidying up",
      ]);
      assert.equal(await fileNode(), node);
      assert.equal(again.archivedRows, "20000");
      assert.equal(again.archivedChecksum, before.checksum);
      assert.deepEqual(await partitionsOf(main, "employees"), { emp_2024: "FOR VALUES FROM ('2024-01-01') TO ('2025-01-01')" });
      assert.deepEqual(await rowsAndChecksum(main, "employees"), before);
    });
  });

  describe("verification", () => {
    it("rows that differ on the archive after the copy: the rotation stops with both checksums, the local partition untouched", async () => {
      const partition = new TieredPartitionUnderTest("emp-2024");
      const { id, outs, before } = await localYear(partition, 1_000);
      await archiveTable();
      // A trigger on the archive that changes what it is given, as a misconfigured archive could.
      await query(
        archive,
        `CREATE OR REPLACE FUNCTION bump_salary() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.salary := NEW.salary + 1; RETURN NEW; END $$`,
      );
      await query(archive, "CREATE TRIGGER bump_salary BEFORE INSERT ON emp_2024 FOR EACH ROW EXECUTE FUNCTION bump_salary()");

      // WHEN
      const message = await rejectionOf(partition.update(id, outs, yearInputs(pair, 2024, "archive")));

      // THEN
      const remote = await rowsAndChecksum(archive, "emp_2024");
      assert.notEqual(remote.checksum, before.checksum);
      assert.equal(
        message,
        `TieredPartition "emp-2024": verification failed after copying emp_2024 to the archive: source 1000 rows, checksum ${before.checksum}, ` +
          `target 1000 rows, checksum ${remote.checksum}; the rows are untouched where they are — run pulumi up again`,
      );
      assert.equal(await relkind(main, "emp_2024"), "r");
      assert.deepEqual(await rowsAndChecksum(main, "employees"), before);
      assert.equal(await relkind(main, "emp_2024_pgtier_log"), undefined, "writes are no longer captured");

      // WHEN: the trigger is gone
      await query(archive, "DROP TRIGGER bump_salary ON emp_2024");
      await partition.update(id, outs, yearInputs(pair, 2024, "archive"));

      // THEN
      assert.deepEqual(await rowsAndChecksum(archive, "emp_2024"), before);
      assert.equal(await relkind(main, "emp_2024"), "f");
    });
  });

  describe("a copy that fails on the target", () => {
    it("ends with the target's error, not a hang, the local partition untouched and nothing captured; the rerun converges", async () => {
      const partition = new TieredPartitionUnderTest("emp-2024");
      const { id, outs, before } = await localYear(partition, 20_000);
      // A table left on the archive whose CHECK takes only the first half of the year.
      await query(
        archive,
        "CREATE TABLE emp_2024 (id integer, name text, hire_date date, department text, salary numeric(10,2), CHECK (hire_date < '2024-07-01'))",
      );

      // WHEN
      const message = await rejectionOf(partition.update(id, outs, yearInputs(pair, 2024, "archive")));

      // THEN
      assert.match(message, /^TieredPartition "emp-2024": copying emp_2024 to the archive failed: .*violates check constraint/);
      assert.match(message, /the rows are untouched where they are$/);
      assert.equal(await relkind(main, "emp_2024"), "r");
      assert.deepEqual(await rowsAndChecksum(main, "employees"), before);
      assert.equal(await relkind(main, "emp_2024_pgtier_log"), undefined, "writes are no longer captured");

      // WHEN: the table is dropped
      await query(archive, "DROP TABLE emp_2024");
      await partition.update(id, outs, yearInputs(pair, 2024, "archive"));

      // THEN
      assert.equal(await relkind(main, "emp_2024"), "f");
      assert.deepEqual(await rowsAndChecksum(archive, "emp_2024"), before);
    });
  });

  describe("other sessions during a rotation", function () {
    // A rotation waiting on its own sessions would otherwise hang until the suite's timeout.
    this.timeout(60_000);

    it("rows written to the period while it rotates are all there afterwards, exactly once, none refused", async () => {
      const partition = new TieredPartitionUnderTest("emp-2024");
      const { id, outs, before } = await localYear(partition, 200_000);
      const writer = await connect(main);
      const written: { name: string; ms: number; at: number }[] = [];
      const refused: string[] = [];
      let stop = false;
      const writes = (async () => {
        for (let n = 1; !stop; n++) {
          const name = `writer ${n}`;
          const started = Date.now();
          try {
            await writer.query("INSERT INTO employees (name, hire_date, department, salary) VALUES ($1, '2024-06-15', 'Ops', 1)", [name]);
            written.push({ name, ms: Date.now() - started, at: Date.now() });
          } catch (err) {
            refused.push(`${name}: ${(err as { code?: string }).code} ${(err as Error).message}`);
          }
          await sleep(20);
        }
      })();
      try {
        while (written.length < 5) {
          await sleep(20);
        }
        const started = Date.now();

        // WHEN
        await partition.update(id, outs, yearInputs(pair, 2024, "archive"));
        const finished = Date.now();
        const afterCutover = written.length;
        while (written.length < afterCutover + 5) {
          await sleep(20);
        }
        stop = true;
        await writes;

        // THEN: every row the writer was told it wrote is there once, and nothing else
        // No INSERT failed: in particular none was chosen as a deadlock victim by the cutover.
        assert.deepEqual(refused, []);
        assert.ok(
          written.some((w) => w.at > started && w.at < finished),
          "some rows were written while the rotation ran",
        );
        const done = partition.progress.at(-1) ?? "";
        const replayed = /^archived emp_2024: \d+ rows, checksum -?\d+ \((\d+) change\(s\) made meanwhile replayed\)$/.exec(done);
        assert.ok(replayed && Number(replayed[1]) > 0, `the writes made during the copy were replayed: ${partition.progress.join("\n")}`);
        assert.equal(await relkind(main, "emp_2024_pgtier_log"), undefined, "the capture is gone");
        const writerRows = await query<{ rows: number; names: number }>(
          main,
          "SELECT count(*)::int AS rows, count(DISTINCT name)::int AS names FROM employees WHERE name LIKE 'writer %'",
        );
        assert.deepEqual(writerRows, [{ rows: written.length, names: written.length }]);
        const total = before.rows + written.length;
        assert.deepEqual(await distinctIds(main, "employees"), { rows: total, ids: total });
        assert.equal((await rowsAndChecksum(archive, "emp_2024")).rows, total, "all of them on the archive");
        assert.equal(await relkind(main, "emp_2024"), "f");
      } finally {
        stop = true;
        await writes;
        await writer.end();
      }
    });

    it("an open transaction writing to the period: the rotation gives up with nothing changed, and a rerun after it ends succeeds", async () => {
      const partition = new TieredPartitionUnderTest("emp-2024");
      const { id, outs, before } = await localYear(partition, 5_000);
      const blocker = await connect(main);
      try {
        const pid = (await blocker.query<{ pid: number }>("SELECT pg_backend_pid() AS pid")).rows[0].pid;
        await blocker.query("BEGIN");
        await blocker.query("INSERT INTO employees (name, hire_date, department, salary) VALUES ('blocker', '2024-02-02', 'Ops', 1)");

        // WHEN
        const message = await rejectionOf(
          partition.update(id, outs, yearInputs(pair, 2024, "archive", { lockTimeoutMs: 100, attempts: 4 })),
        );

        // THEN: the blocking session is named (pid, user, state, query start, query), so a user can act
        const held = `pid ${pid} \\(user "postgres", idle in transaction, query started \\S+: "INSERT INTO employees \\(name, hire_date, department, salary\\) VALUES \\('blocker'[^"]*"\\)`;
        assert.match(
          message,
          new RegExp(
            `^TieredPartition "emp-2024": could not start capturing writes to emp_2024 within 100 ms in 4 attempts ` +
              `\\(long transactions hold locks on emp_2024 or employees: ${held}\\); the rows are untouched where they are — ` +
              `run pulumi up again when they are done, or raise lockTimeoutMs$`,
          ),
        );
        assert.equal(partition.progress.length, 3, partition.progress.join("\n"));
        partition.progress.forEach((line, i) =>
          assert.match(
            line,
            new RegExp(
              `^could not start capturing writes to emp_2024 within 100 ms \\(attempt ${i + 1} of 4\\); held by ${held}; retrying$`,
            ),
          ),
        );
        assert.equal(await relkind(main, "emp_2024"), "r");
        assert.deepEqual(await partitionsOf(main, "employees"), { emp_2024: "FOR VALUES FROM ('2024-01-01') TO ('2025-01-01')" });
        assert.deepEqual(await rowsAndChecksum(main, "emp_2024"), before);
        assert.equal((await rowsAndChecksum(archive, "emp_2024")).rows, 0);
      } finally {
        await blocker.query("COMMIT").catch(() => undefined);
        await blocker.end();
      }

      // WHEN: the blocker committed
      await partition.update(id, outs, yearInputs(pair, 2024, "archive", { lockTimeoutMs: 100, attempts: 4 }));

      // THEN
      assert.equal(await relkind(main, "emp_2024"), "f");
      assert.deepEqual(await distinctIds(main, "employees"), { rows: 5_001, ids: 5_001 });
      assert.deepEqual(await query(main, "SELECT name FROM employees WHERE department = 'Ops'"), [{ name: "blocker" }]);
    });

    it("an open transaction writing to another period: the cutover waits for it, the copy is kept, and the rerun does not copy again", async () => {
      const partition = new TieredPartitionUnderTest("emp-2024");
      const { id, outs, before } = await localYear(partition, 5_000);
      await new TieredPartitionUnderTest("emp-2025").create(yearInputs(pair, 2025, "local"));
      const blocker = await connect(main);
      const news = yearInputs(pair, 2024, "archive", { lockTimeoutMs: 100, attempts: 2 });
      try {
        // Holds ROW EXCLUSIVE on employees and emp_2025, not on emp_2024.
        await blocker.query("BEGIN");
        await blocker.query("INSERT INTO employees (name, hire_date, department, salary) VALUES ('blocker', '2025-02-02', 'Ops', 1)");

        // WHEN
        const message = await rejectionOf(partition.update(id, outs, news));

        // THEN: copied and verified, but the cutover could not lock the parent
        assert.match(message, /^TieredPartition "emp-2024": could not cut emp_2024 over within 100 ms in 2 attempts/);
        assert.ok(partition.progress.includes("copying 5,000 rows of emp_2024 to the archive (pipe)"), partition.progress.join("\n"));
        assert.equal(await relkind(main, "emp_2024"), "r");
        assert.deepEqual(await rowsAndChecksum(main, "emp_2024"), before);
        assert.deepEqual(await rowsAndChecksum(archive, "emp_2024"), before, "the verified copy stays on the archive");
      } finally {
        await blocker.query("COMMIT").catch(() => undefined);
        await blocker.end();
      }

      // WHEN
      await partition.update(id, outs, news);

      // THEN
      assert.ok(
        partition.progress.includes("the archive already holds emp_2024's 5,000 rows (checksum matches); not copying again"),
        partition.progress.join("\n"),
      );
      assert.equal(await relkind(main, "emp_2024"), "f");
      assert.deepEqual(await rowsAndChecksum(main, "employees", "hire_date < '2025-01-01'"), before);
      assert.equal((await rowsAndChecksum(main, "emp_2025")).rows, 1);
    });

    it("two periods rotating at once (an as-of date moved two periods) both arrive, each on the archive", async () => {
      const years = [2023, 2024];
      const local = await Promise.all(
        years.map(async (year) => {
          const partition = new TieredPartitionUnderTest(`emp-${year}`);
          const { id, outs } = await partition.create(yearInputs(pair, year, "local"));
          await loadEmployees(main, year, 20_000);
          return { partition, id, outs, year, before: await rowsAndChecksum(main, `emp_${year}`) };
        }),
      );

      // WHEN: the engine runs both updates in parallel
      await Promise.all(local.map(({ partition, id, outs, year }) => partition.update(id, outs, yearInputs(pair, year, "archive"))));

      // THEN
      for (const { year, before } of local) {
        assert.equal(await relkind(main, `emp_${year}`), "f");
        assert.deepEqual(await rowsAndChecksum(archive, `emp_${year}`), before);
        assert.deepEqual(await rowsAndChecksum(main, `emp_${year}`), before, "read through the foreign partition");
      }
    });
  });
});
