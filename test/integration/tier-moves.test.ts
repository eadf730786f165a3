/**
 * Archived rows moving in place, through the provider against real
 * containers: back to the main instance (archive to local) and to another
 * archive (archive to archive), each while an application keeps writing to
 * the period through the parent. The second archive is a second database on
 * the archive instance, reached through its own foreign server.
 */
import assert from "node:assert/strict";
import { Connection } from "../../components/model/types";
import { PgtierProvider } from "../../components/provider/provider";
import { partitionsOf, relkind } from "../support/catalog";
import { connectionOf, execAll, PostgresPair, query } from "../support/postgres";
import { Props, rejectionOf, ResourceUnderTest, secret } from "../support/provider";
import { ConcurrentWriter } from "../support/rotation";
import { buildCaptureSql } from "../../components/sql/capture";
import { loadEmployees, resetTables, rowsAndChecksum, startTieredPair, TieredPartitionUnderTest, yearInputs } from "../support/tiered";

/** The second archive's foreign server on the main instance. */
const SECOND_SERVER = "second_server";
const ROWS = 30_000;

describe("TieredPartition: archived rows move back and between archives (integration)", function () {
  // A move waiting on its own sessions would otherwise hang until the suite's timeout.
  this.timeout(120_000);
  const provider = new PgtierProvider();
  let pair: PostgresPair;
  let main: Connection;
  let archive: Connection;
  let second: Connection;

  before(async () => {
    pair = await startTieredPair(provider);
    main = connectionOf(pair.main);
    archive = connectionOf(pair.archive);
    await query(archive, "CREATE DATABASE second_db");
    second = connectionOf(pair.archive, "second_db");
    await new ResourceUnderTest(provider, "ForeignServer", "second").create({
      connection: main,
      name: SECOND_SERVER,
      host: pair.archiveAlias,
      port: 5432,
      dbname: "second_db",
      options: { fetch_size: "10000" },
    });
    await new ResourceUnderTest(provider, "UserMapping", "second").create({
      connection: main,
      server: SECOND_SERVER,
      remoteUser: "postgres",
      password: secret(archive.password),
    });
  });

  after(async () => {
    await pair?.stop();
  });

  afterEach(async () => {
    await resetTables(pair);
    const tables = await query<{ t: string }>(
      second,
      "SELECT oid::regclass::text AS t FROM pg_class WHERE relnamespace = 'public'::regnamespace AND relkind = 'r'",
    );
    await execAll(
      second,
      tables.map((r) => `DROP TABLE IF EXISTS ${r.t} CASCADE`),
    );
  });

  /** emp_2024 archived on the archive instance, holding `ROWS` employees loaded there; ids the writer gets do not collide with them. */
  async function archivedYear(partition: TieredPartitionUnderTest): Promise<{ id: string; outs: Props }> {
    const created = await partition.create(yearInputs(pair, 2024, "archive"));
    await loadEmployees(archive, 2024, ROWS, "emp_2024", "archived");
    await query(main, "SELECT setval('employees_id_seq', 1000000)");
    return created;
  }

  /** Tables and functions pgtier made for the move, on one database: none may be left. */
  async function leftovers(conn: Connection): Promise<string[]> {
    const rows = await query<{ name: string }>(
      conn,
      `SELECT relname AS name FROM pg_class WHERE relname LIKE '%pgtier%'
       UNION ALL SELECT proname FROM pg_proc WHERE proname LIKE '%pgtier%'
       UNION ALL SELECT tgname FROM pg_trigger WHERE tgname LIKE 'pgtier%' ORDER BY 1`,
    );
    return rows.map((r) => r.name);
  }

  /** Runs `move` while a writer inserts single rows into 2024 through the parent; returns the writer's confirmed rows. */
  async function withWriter(move: () => Promise<unknown>): Promise<ConcurrentWriter> {
    const writer = new ConcurrentWriter({ ...main }, "w", ["2024-03-01", "2024-07-15", "2024-11-30"]);
    await writer.start();
    try {
      await move();
    } finally {
      await writer.stop();
    }
    assert.deepEqual(writer.errors, [], "no write was refused");
    return writer;
  }

  /** Every row loaded, and every row the writer was told it wrote, is in the partition exactly once. */
  async function assertEveryRowOnce(writer: ConcurrentWriter, loaded: { rows: number; checksum: string }): Promise<void> {
    assert.deepEqual(await rowsAndChecksum(main, "employees", "name LIKE 'archived %'"), loaded, "the loaded rows, unchanged");
    const written = await query<{ rows: number; names: number }>(
      main,
      "SELECT count(*)::int AS rows, count(DISTINCT name)::int AS names FROM employees WHERE name LIKE 'w-%'",
    );
    assert.deepEqual(written, [{ rows: writer.confirmed.length, names: writer.confirmed.length }], "each written row once");
    assert.ok(writer.confirmed.length > 1, "the writer wrote during the move");
  }

  describe("archive to local (hotPeriods grew)", () => {
    it("copies the rows back while the writer goes on, attaches the local partition with its indexes, and drops the archive table", async () => {
      const partition = new TieredPartitionUnderTest("emp-2024");
      const { id, outs } = await archivedYear(partition);
      const loaded = await rowsAndChecksum(archive, "emp_2024");

      // WHEN
      let after: Props = {};
      const writer = await withWriter(async () => {
        after = await partition.update(id, outs, yearInputs(pair, 2024, "local"));
      });

      // THEN: a plain table attached on the same bounds, every row once
      assert.equal(await relkind(main, "emp_2024"), "r");
      assert.deepEqual(await partitionsOf(main, "employees"), { emp_2024: "FOR VALUES FROM ('2024-01-01') TO ('2025-01-01')" });
      await assertEveryRowOnce(writer, loaded);
      assert.equal((await rowsAndChecksum(main, "emp_2024")).rows, ROWS + writer.confirmed.length);

      // THEN: the parent's indexes are the partition's, attached, so queries by date use them
      const indexes = await query<{ name: string; parent: string }>(
        main,
        `SELECT c.relname AS name, p.relname AS parent FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_class p ON p.oid = i.inhparent
          WHERE c.relkind = 'i' AND c.relname LIKE 'emp\\_2024%' ORDER BY 1`,
      );
      assert.deepEqual(indexes, [
        { name: "emp_2024_idx_emp_date", parent: "idx_emp_date" },
        { name: "emp_2024_idx_emp_dept", parent: "idx_emp_dept" },
        { name: "emp_2024_idx_emp_name", parent: "idx_emp_name" },
      ]);

      // THEN: the archive table is gone, nothing of the move is left, and the state says local
      assert.equal(await relkind(archive, "emp_2024"), undefined);
      assert.deepEqual(await leftovers(main), []);
      assert.deepEqual(await leftovers(archive), []);
      assert.equal(after.tier, "local");
      assert.equal(after.archivedRows, undefined);
      assert.match(partition.progress.join("\n"), /copying [\d,]+ rows of emp_2024 to the main instance \(pipe\)/);
      assert.match(partition.progress.at(-1) ?? "", /^restored emp_2024: \d+ rows, checksum -?\d+/);
      assert.equal((await partition.read(id, after))?.props.tier, "local");
    });

    it("keepArchive: the archive table stays, renamed emp_2024_kept, with the rows it had", async () => {
      const partition = new TieredPartitionUnderTest("emp-2024");
      const { id, outs } = await archivedYear(partition);
      const loaded = await rowsAndChecksum(archive, "emp_2024");

      // WHEN
      await partition.update(id, outs, yearInputs(pair, 2024, "local", { keepArchive: true }));

      // THEN
      assert.equal(await relkind(main, "emp_2024"), "r");
      assert.deepEqual(await rowsAndChecksum(main, "emp_2024"), loaded);
      assert.deepEqual(await rowsAndChecksum(archive, "emp_2024_kept"), loaded);
      assert.deepEqual(await leftovers(archive), []);
    });

    it("a session killed mid-copy fails the move with the rows still read from the archive; the rerun converges", async () => {
      const partition = new TieredPartitionUnderTest("emp-2024");
      const { id, outs } = await archivedYear(partition);
      await loadEmployees(archive, 2024, 300_000, "emp_2024", "archived more");
      const loaded = await rowsAndChecksum(archive, "emp_2024");
      const news = yearInputs(pair, 2024, "local");

      // WHEN: pgtier's sessions on the archive are terminated once the copy runs
      const moving = partition.update(id, outs, news);
      while (!partition.progress.some((line) => line.startsWith("copying"))) {
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      await query(archive, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name LIKE 'pgtier%'");
      const message = await rejectionOf(moving);

      // THEN
      assert.match(message, /^TieredPartition "emp-2024": /);
      assert.equal(await relkind(main, "emp_2024"), "f");
      assert.deepEqual(await rowsAndChecksum(main, "employees"), loaded, "every row read through the foreign partition, once");

      // WHEN
      await partition.update(id, outs, news);

      // THEN
      assert.equal(await relkind(main, "emp_2024"), "r");
      assert.deepEqual(await rowsAndChecksum(main, "employees"), loaded);
      assert.deepEqual(await leftovers(main), []);
      assert.deepEqual(await leftovers(archive), []);
    });
  });

  describe("what an interrupted move leaves", () => {
    it("a capture left on a local partition is removed by its next update", async () => {
      const partition = new TieredPartitionUnderTest("emp-2024");
      const { id, outs } = await partition.create(yearInputs(pair, 2024, "local"));
      await execAll(main, buildCaptureSql({ schema: "public", name: "emp_2024" }));
      await execAll(main, ["CREATE TABLE emp_2024_pgtier_in (LIKE employees)"]);

      // WHEN: an update that moves nothing
      await partition.update(id, outs, yearInputs(pair, 2024, "local", { keepLocal: true }));

      // THEN
      assert.deepEqual(await leftovers(main), []);
      assert.ok(partition.progress.includes("removing the capture an interrupted move left on emp_2024"), partition.progress.join("\n"));
    });
  });

  describe("archive to archive (placement changed)", () => {
    it("copies the rows to the other archive while the writer goes on, points the foreign partition there, then drops the old table", async () => {
      const partition = new TieredPartitionUnderTest("emp-2024");
      const { id, outs } = await archivedYear(partition);
      const loaded = await rowsAndChecksum(archive, "emp_2024");
      const news = yearInputs(pair, 2024, "archive", { archive: { connection: second, server: SECOND_SERVER } });

      // WHEN
      let after: Props = {};
      const writer = await withWriter(async () => {
        after = await partition.update(id, outs, news);
      });

      // THEN: the partition reads from the second archive; every row once, on both sides
      const server = await query<{ srvname: string }>(
        main,
        "SELECT s.srvname FROM pg_foreign_table f JOIN pg_foreign_server s ON s.oid = f.ftserver WHERE f.ftrelid = 'emp_2024'::regclass",
      );
      assert.deepEqual(server, [{ srvname: SECOND_SERVER }]);
      await assertEveryRowOnce(writer, loaded);
      const there = await rowsAndChecksum(second, "emp_2024");
      assert.equal(there.rows, ROWS + writer.confirmed.length);
      assert.deepEqual(await rowsAndChecksum(main, "employees"), there);
      // What the archive held at the cutover; the writer went on after it.
      const atCutover = Number(after.archivedRows);
      assert.ok(atCutover >= ROWS && atCutover <= there.rows, `archivedRows ${atCutover}`);

      // THEN: the old table is gone only now, the new one has its indexes, nothing of the move is left
      assert.equal(await relkind(archive, "emp_2024"), undefined);
      const indexes = await query<{ indexname: string }>(
        second,
        "SELECT indexname FROM pg_indexes WHERE tablename = 'emp_2024' ORDER BY 1",
      );
      assert.deepEqual(
        indexes.map((r) => r.indexname),
        ["emp_2024_idx_emp_date", "emp_2024_idx_emp_dept", "emp_2024_idx_emp_name"],
      );
      assert.deepEqual(await leftovers(archive), []);
      assert.deepEqual(await leftovers(second), []);
      assert.match(partition.progress.at(-1) ?? "", /^moved emp_2024: \d+ rows, checksum -?\d+/);
    });
  });
});
