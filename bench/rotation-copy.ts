/**
 * Benchmark: moving one partition's rows from the main instance to an archive
 * instance, four ways, side by side in one run (issue: rotation as a plan):
 *
 *   guide    the guide's `INSERT INTO <foreign table> SELECT * FROM <local>`
 *            with postgres_fdw's defaults (one remote INSERT per row)
 *   fdw      the same through postgres_fdw with batch_size 10000 (server-side)
 *   copy     a raw binary `COPY ... TO STDOUT` piped into `COPY ... FROM STDIN`
 *   pgtier   pgtier's rotation itself (applyArchiveRotation, the code a
 *            TieredPartition's local-to-archive update runs) with its
 *            default settings: create the archive table with its CHECK
 *            constraint, lock, binary COPY pipe, count and checksum on both
 *            sides, the archive table's indexes built after the load,
 *            cutover to a foreign partition, a count read back through
 *            postgres_fdw, ANALYZE
 *
 * Not a test: it prints times, rates and ratios; the last line is
 *   RESULT rotation pgtier_vs_guide=<speed-up> pgtier_vs_copy=<slow-down>
 *
 *   npm run bench                 (1,000,000 rows)
 *   BENCH_ROWS=100000 npm run bench
 */
import { pipeline } from "node:stream/promises";
import { Client } from "pg";
import { from as copyFrom, to as copyTo } from "pg-copy-streams";
import { ROTATION_DEFAULTS } from "../components/model/rotation";
import { ColumnSpec } from "../components/model/types";
import { ARCHIVE_STEPS } from "../components/planner/plan-tier-change";
import { applyArchiveRotation } from "../components/provider/rotation/archive-partition";
import { buildCreateServerSql, buildCreateUserMappingSql, buildOptionsClause } from "../components/sql/fdw";
import { quoteIdent } from "../components/sql/quote";
import { connectionOf, startPair } from "../test/support/postgres";

const ROWS = Number(process.env.BENCH_ROWS ?? 1_000_000);
/** The guide's method does one round trip per row; past this many rows it is timed on a sample and scaled. */
const GUIDE_SAMPLE = Number(process.env.BENCH_GUIDE_SAMPLE ?? 200_000);

const COLUMNS = "id integer NOT NULL, name text NOT NULL, hire_date date NOT NULL, department text, salary numeric(10,2)";
const ARCHIVE_TABLE = `CREATE TABLE emp_2025 (${COLUMNS}, CHECK (hire_date >= '2025-01-01' AND hire_date < '2026-01-01'));
  CREATE INDEX ON emp_2025 (hire_date); CREATE INDEX ON emp_2025 (name); CREATE INDEX ON emp_2025 (department)`;
/** The same columns as pgtier's rotation takes them. */
const COLUMN_SPECS: ColumnSpec[] = [
  { name: "id", type: "integer", nullable: false },
  { name: "name", type: "text", nullable: false },
  { name: "hire_date", type: "date", nullable: false },
  { name: "department", type: "text" },
  { name: "salary", type: "numeric(10,2)" },
];
/** Count and an order-independent content checksum of a table. */
const CHECKSUM = "SELECT count(*)::bigint AS n, coalesce(sum(hashtextextended(t::text, 0)), 0)::text AS sum FROM emp_2025 t";

async function connect(conn: ReturnType<typeof connectionOf>): Promise<Client> {
  const client = new Client(conn);
  await client.connect();
  return client;
}

async function timed(label: string, rows: number, fn: () => Promise<void>): Promise<number> {
  const start = process.hrtime.bigint();
  await fn();
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  console.log(
    `${label.padEnd(8)} ${seconds.toFixed(2).padStart(8)} s  ${Math.round(rows / seconds)
      .toLocaleString("en-US")
      .padStart(10)} rows/s`,
  );
  return seconds;
}

async function main(): Promise<void> {
  console.log(
    `Rotating a ${ROWS.toLocaleString("en-US")}-row partition from main to archive (PostgreSQL in containers on one Docker network)`,
  );
  const pair = await startPair();
  const main = await connect(connectionOf(pair.main));
  const archive = await connect(connectionOf(pair.archive));
  try {
    await main.query(`CREATE TABLE emp_2025 (${COLUMNS})`);
    await main.query(
      `INSERT INTO emp_2025 SELECT g, 'name ' || g, date '2025-01-01' + (g % 365), 'dept ' || (g % 17), (g % 100000) / 1.0 FROM generate_series(1, $1) g`,
      [ROWS],
    );
    await main.query("ANALYZE emp_2025");
    await archive.query(ARCHIVE_TABLE);
    await main.query("CREATE EXTENSION postgres_fdw");
    const where = { host: pair.archiveAlias, port: "5432", dbname: "archive_db" };
    for (const [server, options] of [
      ["guide_server", where],
      ["batch_server", { ...where, batch_size: "10000", fetch_size: "10000" }],
    ] as const) {
      await main.query(buildCreateServerSql(server, options));
      await main.query(buildCreateUserMappingSql("CURRENT_USER", server, { user: "postgres", password: "postgres123" }));
      await main.query(
        `CREATE FOREIGN TABLE ${quoteIdent(`${server}_emp`)} (${COLUMNS}) SERVER ${quoteIdent(server)}${buildOptionsClause({ table_name: "emp_2025" })}`,
      );
    }
    const source = (await main.query(CHECKSUM)).rows[0];
    const reset = () => archive.query("TRUNCATE emp_2025");

    const sample = Math.min(ROWS, GUIDE_SAMPLE);
    await reset();
    let guide = await timed("guide", sample, async () => {
      await main.query(`INSERT INTO guide_server_emp SELECT * FROM emp_2025 WHERE id <= $1`, [sample]);
    });
    if (sample < ROWS) {
      guide = (guide * ROWS) / sample;
      console.log(`         (timed on ${sample.toLocaleString("en-US")} rows; scaled to ${guide.toFixed(2)} s for all)`);
    }

    await reset();
    await timed("fdw", ROWS, async () => {
      await main.query("INSERT INTO batch_server_emp SELECT * FROM emp_2025");
    });

    const copyPipe = async () => {
      const out = main.query(copyTo("COPY emp_2025 TO STDOUT (FORMAT binary)"));
      const into = archive.query(copyFrom("COPY emp_2025 FROM STDIN (FORMAT binary)"));
      await pipeline(out, into);
    };
    await reset();
    const copy = await timed("copy", ROWS, copyPipe);

    // pgtier rotates emp_2025 as a partition of `employees`; the archive
    // table is created by the rotation, as a TieredPartition update does.
    await main.query(`CREATE TABLE employees (${COLUMNS}) PARTITION BY RANGE (hire_date)`);
    await main.query("ALTER TABLE employees ATTACH PARTITION emp_2025 FOR VALUES FROM ('2025-01-01') TO ('2026-01-01')");
    await main.query(buildCreateServerSql("pgtier_server", { ...where, fetch_size: "10000", use_remote_estimate: "true" }));
    await main.query(buildCreateUserMappingSql("CURRENT_USER", "pgtier_server", { user: "postgres", password: "postgres123" }));
    await archive.query("DROP TABLE emp_2025");
    const pgtier = await timed("pgtier", ROWS, async () => {
      await applyArchiveRotation({
        op: { label: 'TieredPartition "bench-emp_2025"', progress: (line: string) => console.log(`         ${line}`) },
        main: connectionOf(pair.main),
        target: { connection: connectionOf(pair.archive), server: "pgtier_server" },
        parent: { schema: "public", name: "employees" },
        partition: { schema: "public", name: "emp_2025" },
        archiveTable: { schema: "public", name: "emp_2025" },
        bounds: { from: "2025-01-01", to: "2026-01-01" },
        shape: {
          columns: COLUMN_SPECS,
          partitionKey: "hire_date",
          indexes: [
            { name: "idx_emp_date", columns: ["hire_date"] },
            { name: "idx_emp_name", columns: ["name"] },
            { name: "idx_emp_dept", columns: ["department"] },
          ],
        },
        foreignOptions: { schema_name: "public", table_name: "emp_2025" },
        settings: ROTATION_DEFAULTS,
        steps: ARCHIVE_STEPS,
      });
    });
    const kind = (await main.query("SELECT relkind::text AS kind FROM pg_class WHERE relname = 'emp_2025'")).rows[0]?.kind;
    if (kind !== "f") {
      throw new Error(`after the rotation emp_2025 on the main instance has relkind ${kind}, expected f (a foreign partition)`);
    }
    const copied = (await archive.query(CHECKSUM)).rows[0];
    if (copied.n !== source.n || copied.sum !== source.sum) {
      throw new Error(`the archive does not match the source after the pgtier run`);
    }
    console.log(`RESULT rotation pgtier_vs_guide=${(guide / pgtier).toFixed(1)} pgtier_vs_copy=${(pgtier / copy).toFixed(2)}`);
  } finally {
    await main.end();
    await archive.end();
    await pair.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
