/**
 * Capture and replay against PostgreSQL: every kind of write to a captured
 * table (INSERT, UPDATE, DELETE of one of two equal rows, a key moving the
 * row out, NULLs, TRUNCATE) logged by the trigger and replayed on a copy
 * leaves the copy equal to the table, and the copy's sums equal to its
 * checksum.
 */
import assert from "node:assert/strict";
import type { StartedTestContainer } from "testcontainers";
import { withSessions } from "../../components/db/client";
import { MOVE_STEPS } from "../../components/planner/plan-tier-change";
import { TableChecksum, tableChecksum, useStableText } from "../../components/provider/rotation/checksum";
import { readSums, startSums } from "../../components/provider/rotation/move-target";
import { replayAll, verifyTarget } from "../../components/provider/rotation/replay";
import { MoveState, Sessions, TierMove } from "../../components/provider/rotation/tier-move";
import { buildCaptureSql, buildDropCaptureSql } from "../../components/sql/capture";
import { employeeColumns, employeeIndexes } from "../support/fixtures";
import { connectionOf, execAll, query, startPostgres } from "../support/postgres";
import { rejectionOf } from "../support/provider";

const SOURCE = { schema: "public", name: "src_2024" };
const TARGET = { schema: "public", name: "dst_2024" };
const COLUMNS = "id integer, name text NOT NULL, hire_date date NOT NULL, department text, salary numeric(10,2)";

describe("capture and replay (integration)", () => {
  let pg: StartedTestContainer;
  let move: TierMove;

  before(async () => {
    pg = await startPostgres({ password: "replay-Pa55" });
    const connection = connectionOf(pg);
    move = {
      op: { label: 'TieredPartition "replay"', progress: () => undefined },
      kind: "archive",
      steps: MOVE_STEPS,
      main: connection,
      parent: { schema: "public", name: "employees" },
      partition: SOURCE,
      bounds: { from: "2024-01-01", to: "2025-01-01" },
      shape: { columns: employeeColumns, partitionKey: "hire_date", indexes: employeeIndexes },
      source: { connection, table: SOURCE },
      target: { connection, table: TARGET },
      createTarget: [],
      targetGrants: [],
      targetIndexes: [],
      copyMethod: "pipe",
      server: "",
      batchSize: 1,
      lockTimeoutMs: 1000,
      attempts: 1,
      cutover: [],
      placed: { tier: "local" },
      sourceIsPartition: true,
    };
  });

  after(async () => {
    await pg?.stop();
  });

  beforeEach(async () => {
    await execAll(connectionOf(pg), [
      "DROP TABLE IF EXISTS src_2024, dst_2024 CASCADE",
      `CREATE TABLE src_2024 (${COLUMNS})`,
      `CREATE TABLE dst_2024 (${COLUMNS})`,
      `INSERT INTO src_2024 VALUES (1, 'Ana', '2024-01-10', 'HR', 100.50), (2, 'Ben', '2024-02-11', NULL, NULL),
         (3, 'Cy', '2024-03-12', 'Ops', 7), (3, 'Cy', '2024-03-12', 'Ops', 7)`,
      "INSERT INTO dst_2024 SELECT * FROM src_2024",
    ]);
  });

  /** Starts the capture on the source and the sums on the copy (equal now), runs `writes` on the source, and replays them all. */
  async function captureWritesAndReplay(
    writes: readonly string[],
    m: TierMove = move,
  ): Promise<{ state: MoveState; source: TableChecksum; sums?: TableChecksum }> {
    const c = connectionOf(pg);
    return withSessions(m.op, [c, c, c, c, c], async (all) => {
      for (const session of all) {
        await useStableText(session);
      }
      const [main, capture, reader, checker, target] = all;
      const s: Sessions = { main, capture, reader, checker, log: checker, target };
      const columns = m.shape.columns.map((col) => col.name);
      const start = await tableChecksum(target, TARGET, columns);
      await capture.runAll([...buildDropCaptureSql(SOURCE), ...buildCaptureSql(SOURCE)]);
      await startSums(m, target, start);
      await execAll(c, writes);
      const state: MoveState = { copied: true, replayed: 0, expected: { rows: BigInt(start.rows), checksum: BigInt(start.checksum) } };
      await replayAll(m, s, state);
      await verifyTarget(m, s, state, "in the test");
      return { state, source: await tableChecksum(main, SOURCE, columns), sums: await readSums(target, TARGET) };
    });
  }

  /** The rows of a table, sorted, as text. */
  async function rowsOf(table: string): Promise<string[]> {
    return (await query<{ r: string }>(connectionOf(pg), `SELECT t::text AS r FROM ${table} t ORDER BY 1`)).map((row) => row.r);
  }

  it("replays inserts, updates, NULLs and deletes of one of two equal rows: the copy equals the source, its sums its checksum", async () => {
    const { state, source, sums } = await captureWritesAndReplay([
      "INSERT INTO src_2024 VALUES (4, 'Dee', '2024-04-13', 'Sales', 1e6), (5, 'Eve', '2024-05-14', NULL, NULL)",
      "UPDATE src_2024 SET salary = salary + 1, department = NULL WHERE id = 1",
      "UPDATE src_2024 SET department = 'Legal' WHERE id = 2",
      "DELETE FROM src_2024 WHERE ctid = (SELECT ctid FROM src_2024 WHERE id = 3 LIMIT 1)",
      "DELETE FROM src_2024 WHERE id = 5",
    ]);
    assert.deepEqual(await rowsOf("dst_2024"), await rowsOf("src_2024"));
    assert.deepEqual(await rowsOf("dst_2024"), [
      "(1,Ana,2024-01-10,,101.50)",
      "(2,Ben,2024-02-11,Legal,)",
      "(3,Cy,2024-03-12,Ops,7.00)",
      "(4,Dee,2024-04-13,Sales,1000000.00)",
    ]);
    assert.deepEqual(sums, source);
    // INSERT 2, UPDATE 2 (each a '-' and a '+'), DELETE 2.
    assert.equal(state.replayed, 8);
  });

  it("replays a TRUNCATE and the inserts after it", async () => {
    const { source, sums } = await captureWritesAndReplay([
      "INSERT INTO src_2024 VALUES (6, 'Fay', '2024-06-15', 'HR', 1)",
      "TRUNCATE src_2024",
      "INSERT INTO src_2024 VALUES (7, 'Gus', '2024-07-16', 'Ops', 2)",
    ]);
    assert.deepEqual(await rowsOf("dst_2024"), ["(7,Gus,2024-07-16,Ops,2.00)"]);
    assert.deepEqual(sums, source);
  });

  it("captures the writes of an application role that has no rights on pgtier's log", async () => {
    const { source, sums } = await captureWritesAndReplay([
      "DO $$ BEGIN CREATE ROLE app_writer; EXCEPTION WHEN duplicate_object THEN NULL; END $$",
      "GRANT SELECT, INSERT, UPDATE, DELETE ON src_2024 TO app_writer",
      `DO $$ BEGIN
         SET LOCAL ROLE app_writer;
         INSERT INTO src_2024 VALUES (8, 'Hal', '2024-08-17', 'Ops', 3);
         UPDATE src_2024 SET salary = 4 WHERE id = 8;
       END $$`,
    ]);
    assert.deepEqual(await rowsOf("dst_2024"), await rowsOf("src_2024"));
    assert.deepEqual(sums, source);
  });

  it("captures writes made with triggers off for replication (session_replication_role = replica)", async () => {
    const { source, sums } = await captureWritesAndReplay([
      `DO $$ BEGIN
         SET LOCAL session_replication_role = replica;
         INSERT INTO src_2024 VALUES (9, 'Ivy', '2024-09-18', 'HR', 5);
         DELETE FROM src_2024 WHERE id = 1;
       END $$`,
    ]);
    assert.deepEqual(await rowsOf("dst_2024"), await rowsOf("src_2024"));
    assert.deepEqual(sums, source);
  });

  it("replays deletes of rows whose type has no equality (json), telling apart values that compare equal but print differently", async () => {
    // GIVEN: a table with a json column and a float one, where -0 = 0
    await execAll(connectionOf(pg), [
      "DROP TABLE src_2024, dst_2024",
      "CREATE TABLE src_2024 (hire_date date NOT NULL, doc json, x float8)",
      "CREATE TABLE dst_2024 (hire_date date NOT NULL, doc json, x float8)",
      `INSERT INTO src_2024 VALUES ('2024-01-01', '{"a": 1}', 0), ('2024-01-01', '{"a": 1}', '-0')`,
      "INSERT INTO dst_2024 SELECT * FROM src_2024",
    ]);
    const shape = {
      columns: [
        { name: "hire_date", type: "date", nullable: false },
        { name: "doc", type: "json" },
        { name: "x", type: "float8" },
      ],
      partitionKey: "hire_date",
      indexes: [],
    };
    // WHEN: the row printed -0 goes
    const { source, sums } = await captureWritesAndReplay(["DELETE FROM src_2024 WHERE x::text = '-0'"], { ...move, shape });
    // THEN: the copy lost that row, not the one printed 0
    assert.deepEqual(await rowsOf("dst_2024"), ['(2024-01-01,"{""a"": 1}",0)']);
    assert.deepEqual(sums, source);
  });

  it("stops, naming the change, when the copy no longer holds a row the source deleted", async () => {
    const message = await rejectionOf(captureWritesAndReplay(["DELETE FROM dst_2024 WHERE id = 1", "DELETE FROM src_2024 WHERE id = 1"]));
    assert.match(
      message,
      /^TieredPartition "replay": replaying change \d+ on dst_2024 found no row to remove: the copy no longer matches the source; the rows are untouched where they are — run pulumi up again$/,
    );
  });
});
