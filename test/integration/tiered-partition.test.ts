import assert from "node:assert/strict";
import { PgtierProvider } from "../../components/provider/provider";
import { countRows, indexNames, partitionsOf, relkind } from "../support/catalog";
import { insertRowsSql, sampleRows } from "../support/fixtures";
import { connectionOf, PostgresPair, query } from "../support/postgres";
import { rejectionOf } from "../support/provider";
import { loadEmployees, rowsAndChecksum, TieredPartitionUnderTest, useTieredPair, yearInputs } from "../support/tiered";

describe("TieredPartition (integration)", () => {
  const provider = new PgtierProvider();
  const started = useTieredPair(provider);
  let pair: PostgresPair;

  beforeEach(() => {
    pair = started();
  });

  /** The plan of a query for March 2024 through the parent. */
  async function planOfMarch2024(): Promise<string> {
    const rows = await query<{ "QUERY PLAN": string }>(
      connectionOf(pair.main),
      "EXPLAIN SELECT * FROM employees WHERE hire_date >= '2024-03-01' AND hire_date < '2024-04-01'",
    );
    return rows.map((r) => r["QUERY PLAN"]).join("\n");
  }

  async function boundsConstraint(table: string): Promise<string | undefined> {
    const rows = await query<{ def: string }>(
      connectionOf(pair.archive),
      `SELECT pg_get_constraintdef(oid) AS def FROM pg_constraint WHERE conrelid = $1::regclass AND conname = $2 AND contype = 'c'`,
      [`public.${table}`, `${table}_bounds`],
    );
    return rows[0]?.def;
  }

  /** Plain tables on the main instance whose name starts with `prefix`. */
  async function localTables(prefix: string): Promise<string[]> {
    const rows = await query<{ relname: string }>(
      connectionOf(pair.main),
      `SELECT relname FROM pg_class WHERE relnamespace = 'public'::regnamespace AND relkind = 'r' AND relname LIKE $1 ORDER BY relname`,
      [`${prefix}%`],
    );
    return rows.map((r) => r.relname);
  }

  async function lastAnalyze(table: string): Promise<Date | null> {
    const rows = await query<{ last_analyze: Date | null }>(
      connectionOf(pair.archive),
      "SELECT last_analyze FROM pg_stat_user_tables WHERE relid = $1::regclass",
      [`public.${table}`],
    );
    return rows[0]?.last_analyze ?? null;
  }

  describe("create and read", () => {
    it("creates tier local as a plain table attached to employees that takes the period's rows", async () => {
      const partition = new TieredPartitionUnderTest("emp-2025");

      // WHEN
      const { id } = await partition.create(yearInputs(pair, 2025, "local"));

      // THEN
      const main = connectionOf(pair.main);
      assert.equal(id, "public.emp_2025");
      assert.equal(await relkind(main, "emp_2025"), "r");
      assert.deepEqual(await partitionsOf(main, "employees"), { emp_2025: "FOR VALUES FROM ('2025-01-01') TO ('2026-01-01')" });
      const { sql, params } = insertRowsSql("employees", sampleRows.slice(4));
      await query(main, sql, params);
      assert.equal(await countRows(main, "ONLY emp_2025"), 3);
      assert.equal(await relkind(connectionOf(pair.archive), "emp_2025"), undefined, "nothing on the archive for a local tier");
    });

    it("creates tier archive: the archive table with its bounds CHECK and indexes, and the foreign partition attached", async () => {
      const partition = new TieredPartitionUnderTest("emp-2024");

      // WHEN
      const { id } = await partition.create(yearInputs(pair, 2024, "archive"));

      // THEN: on the archive instance
      const archive = connectionOf(pair.archive);
      assert.equal(id, "public.emp_2024");
      assert.equal(await relkind(archive, "emp_2024"), "r");
      assert.equal(await boundsConstraint("emp_2024"), "CHECK (((hire_date >= '2024-01-01'::date) AND (hire_date < '2025-01-01'::date)))");
      assert.deepEqual(await indexNames(archive, "emp_2024"), ["emp_2024_idx_emp_date", "emp_2024_idx_emp_dept", "emp_2024_idx_emp_name"]);

      // THEN: on the main instance
      const main = connectionOf(pair.main);
      assert.equal(await relkind(main, "emp_2024"), "f");
      assert.deepEqual(await partitionsOf(main, "employees"), { emp_2024: "FOR VALUES FROM ('2024-01-01') TO ('2025-01-01')" });
      const { sql, params } = insertRowsSql("employees", sampleRows.slice(0, 4));
      await query(main, sql, params);
      assert.equal(await countRows(archive, "emp_2024"), 4, "rows inserted through the parent land on the archive");
      assert.match(await planOfMarch2024(), /Foreign Scan on emp_2024/);
    });

    it("read reports each tier, a manual detach as attached: false, and a dropped partition as gone", async () => {
      const local = new TieredPartitionUnderTest("emp-2025");
      const archived = new TieredPartitionUnderTest("emp-2024");
      const l = await local.create(yearInputs(pair, 2025, "local"));
      const a = await archived.create(yearInputs(pair, 2024, "archive", { options: { fetch_size: "5000" } }));
      const main = connectionOf(pair.main);

      // THEN: no drift
      const readLocal = await local.read(l.id, l.outs);
      assert.equal(readLocal?.props.tier, "local");
      assert.equal(readLocal?.props.attached, true);
      const readArchived = await archived.read(a.id, a.outs);
      assert.equal(readArchived?.props.tier, "archive");
      assert.equal(readArchived?.props.attached, true);
      assert.deepEqual(readArchived?.props.options, { fetch_size: "5000" });
      assert.equal((readArchived?.props.archive as { server: string }).server, "archive_server");
      assert.equal((await archived.resource.diff(a.id, readArchived?.props ?? {}, a.inputs)).changes, false);

      // WHEN: detached by hand
      await query(main, "ALTER TABLE employees DETACH PARTITION emp_2024");
      const detached = await archived.read(a.id, a.outs);

      // THEN
      assert.equal(detached?.props.tier, "archive");
      assert.equal(detached?.props.attached, false);
      assert.deepEqual(await archived.resource.diff(a.id, detached?.props ?? {}, a.inputs), {
        changes: true,
        replaces: [],
        deleteBeforeReplace: false,
      });
      await archived.update(a.id, detached?.props ?? {}, a.inputs);
      assert.deepEqual(Object.keys(await partitionsOf(main, "employees")).sort(), ["emp_2024", "emp_2025"], "update re-attached it");

      // WHEN: dropped by hand
      await query(main, "DROP TABLE emp_2025");
      assert.equal(await local.read(l.id, l.outs), undefined);
    });

    it("refuses invalid inputs with every problem in one error, before creating anything", async () => {
      const partition = new TieredPartitionUnderTest("emp-2023");
      const news = yearInputs(pair, 2023, "archive", {
        to: "2023-01-01",
        archive: undefined,
        copyMethod: "scp",
        attempts: 0,
        backup: { location: "backups" },
      });

      // WHEN
      const checked = await provider.check(partition.resource.urn, {}, news);
      const failures = checked.failures ?? [];
      const message = await rejectionOf(provider.create(partition.resource.urn, checked.inputs));

      // THEN
      assert.deepEqual(
        failures.map((f) => f.property),
        ["to", "archive", "copyMethod", "attempts", "backup.location"],
      );
      assert.equal(message, [`TieredPartition "emp-2023" has invalid arguments:`, ...failures.map((f) => `  - ${f.reason}`)].join("\n"));
      assert.match(message, /tier is "archive" but archive is not set/);
      assert.match(message, /copyMethod must be "pipe" or "fdw", got "scp"/);
      assert.match(message, /attempts must be an integer from 1 to 100, got 0/);
      assert.match(message, /backup.location must be an absolute directory path, got "backups"/);
      assert.equal(await relkind(connectionOf(pair.main), "emp_2023"), undefined);
      assert.equal(await relkind(connectionOf(pair.archive), "emp_2023"), undefined);
    });

    it("adopts a partition an interrupted run left behind, but refuses a foreign one where the program says local", async () => {
      // GIVEN: emp_2024 exists archived, as a killed run could leave it
      await new TieredPartitionUnderTest("emp-2024-first").create(yearInputs(pair, 2024, "archive"));

      // WHEN: the same inputs again, and then the same period as local
      const again = await new TieredPartitionUnderTest("emp-2024").create(yearInputs(pair, 2024, "archive"));
      const message = await rejectionOf(new TieredPartitionUnderTest("emp-2024-local").create(yearInputs(pair, 2024, "local")));

      // THEN
      assert.equal(again.id, "public.emp_2024");
      assert.equal(
        message,
        'TieredPartition "emp-2024-local" has invalid arguments:\n' +
          '  - public.emp_2024 already exists as a foreign partition (through server "archive_server") and the program makes it local; drop it, or change the program to match it',
      );
      assert.equal(await relkind(connectionOf(pair.main), "emp_2024"), "f", "the foreign partition is left as it was");
    });
  });

  describe("rotation from local to archive", () => {
    /** A local emp_2024 holding `count` generated employees; returns its id, outputs and rows before the rotation. */
    async function localYear(partition: TieredPartitionUnderTest, count: number) {
      const created = await partition.create(yearInputs(pair, 2024, "local"));
      await loadEmployees(connectionOf(pair.main), 2024, count);
      return { ...created, before: await rowsAndChecksum(connectionOf(pair.main), "emp_2024") };
    }

    for (const method of ["pipe", "fdw"] as const) {
      it(`moves 50,000 rows with copyMethod ${method}: foreign partition on the same bounds, same rows and checksum, analyzed`, async () => {
        const partition = new TieredPartitionUnderTest("emp-2024");
        const { id, outs, before } = await localYear(partition, 50_000);
        assert.equal(before.rows, 50_000);

        // WHEN
        const after = await partition.update(id, outs, yearInputs(pair, 2024, "archive", { copyMethod: method }));

        // THEN: the partition is a foreign table on the same bounds, the local table is gone
        const main = connectionOf(pair.main);
        const archive = connectionOf(pair.archive);
        assert.equal(await relkind(main, "emp_2024"), "f");
        assert.deepEqual(await partitionsOf(main, "employees"), { emp_2024: "FOR VALUES FROM ('2024-01-01') TO ('2025-01-01')" });
        assert.deepEqual(await localTables("emp_2024"), []);
        assert.equal(await relkind(main, "emp_2024_pgtier_copy"), undefined, "no transient copy table is left");

        // THEN: exactly the rows, on the archive and through the parent
        assert.deepEqual(await rowsAndChecksum(archive, "emp_2024"), before);
        assert.deepEqual(await rowsAndChecksum(main, "employees"), before);
        assert.equal(after.archivedRows, "50000");
        assert.equal(after.archivedChecksum, before.checksum);
        assert.equal(after.tier, "archive");

        // THEN: the archive table is the one tier archive creates, and analyzed
        assert.equal(
          await boundsConstraint("emp_2024"),
          "CHECK (((hire_date >= '2024-01-01'::date) AND (hire_date < '2025-01-01'::date)))",
        );
        assert.deepEqual(await indexNames(archive, "emp_2024"), [
          "emp_2024_idx_emp_date",
          "emp_2024_idx_emp_dept",
          "emp_2024_idx_emp_name",
        ]);
        assert.notEqual(await lastAnalyze("emp_2024"), null);
        assert.match(await planOfMarch2024(), /Foreign Scan on emp_2024/);

        // THEN: what pulumi up showed
        assert.ok(partition.progress.includes(`copying 50,000 rows of emp_2024 to the archive (${method})`), partition.progress.join("\n"));
        assert.ok(
          partition.progress.includes(`verified 50000 rows, checksum ${before.checksum} on both sides`),
          partition.progress.join("\n"),
        );
        assert.equal(partition.progress.at(-1), `archived emp_2024: 50000 rows, checksum ${before.checksum}`);
        const found = await partition.read(id, after);
        assert.equal(found?.props.tier, "archive");
        assert.equal(found?.props.attached, true);
      });
    }

    it("keepLocal: true leaves the local table, detached, as emp_2024_local with its rows", async () => {
      const partition = new TieredPartitionUnderTest("emp-2024");
      const { id, outs, before } = await localYear(partition, 5_000);

      // WHEN
      await partition.update(id, outs, yearInputs(pair, 2024, "archive", { keepLocal: true }));

      // THEN
      const main = connectionOf(pair.main);
      assert.deepEqual(await localTables("emp_2024"), ["emp_2024_local"]);
      assert.deepEqual(await partitionsOf(main, "employees"), { emp_2024: "FOR VALUES FROM ('2024-01-01') TO ('2025-01-01')" });
      assert.deepEqual(await rowsAndChecksum(main, "emp_2024_local"), before);
      assert.deepEqual(await rowsAndChecksum(connectionOf(pair.archive), "emp_2024"), before);
      assert.deepEqual(await rowsAndChecksum(main, "employees"), before, "the parent reads the archive only, not both");
    });
  });
});
