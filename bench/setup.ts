/**
 * What the benchmarks share: the guide's two instances in containers, a
 * partitioned `employees` whose 2025 partition holds generated rows, the
 * archive table and foreign servers, a timer, and pgtier's own rotation of
 * emp_2025 as a TieredPartition update runs it.
 */
import { pipeline } from "node:stream/promises";
import { Client } from "pg";
import { from as copyFrom, to as copyTo } from "pg-copy-streams";
import { ColumnSpec, Connection } from "../components/model/types";
import { planTierChange } from "../components/planner/plan-tier-change";
import { moveRows } from "../components/provider/definitions/tiered-move";
import { placementOf, TIERED_PARTITION_DEFAULTS, TieredPartitionInputs } from "../components/provider/definitions/tiered-values";
import { buildCreateServerSql, buildCreateUserMappingSql } from "../components/sql/fdw";
import { connectionOf, PostgresPair, startPair } from "../test/support/postgres";

/** Rows in the rotated partition. */
export const ROWS = Number(process.env.BENCH_ROWS ?? 1_000_000);

export const COLUMNS = "id integer NOT NULL, name text NOT NULL, hire_date date NOT NULL, department text, salary numeric(10,2)";
/** The archive table as the guide creates it by hand: CHECK constraint and three indexes. */
export const ARCHIVE_TABLE = `CREATE TABLE emp_2025 (${COLUMNS}, CHECK (hire_date >= '2025-01-01' AND hire_date < '2026-01-01'));
  CREATE INDEX ON emp_2025 (hire_date); CREATE INDEX ON emp_2025 (name); CREATE INDEX ON emp_2025 (department)`;
/** The same columns as pgtier's rotation takes them. */
const COLUMN_SPECS: ColumnSpec[] = [
  { name: "id", type: "integer", nullable: false },
  { name: "name", type: "text", nullable: false },
  { name: "hire_date", type: "date", nullable: false },
  { name: "department", type: "text" },
  { name: "salary", type: "numeric(10,2)" },
];
const INDEXES = [
  { name: "idx_emp_date", columns: ["hire_date"] },
  { name: "idx_emp_name", columns: ["name"] },
  { name: "idx_emp_dept", columns: ["department"] },
];
/** Count and an order-independent content checksum of a table. */
export const CHECKSUM = "SELECT count(*)::bigint AS n, coalesce(sum(hashtextextended(t::text, 0)), 0)::text AS sum FROM emp_2025 t";

/** The two instances and a client on each. */
export interface Bench {
  readonly pair: PostgresPair;
  readonly main: Client;
  readonly archive: Client;
  /** The archive as the main instance's foreign servers reach it. */
  readonly where: Record<string, string>;
  stop(): Promise<void>;
}

async function connect(conn: Connection): Promise<Client> {
  const client = new Client(conn);
  await client.connect();
  return client;
}

/** Starts both instances, with postgres_fdw on the main one and `ROWS` employees hired in 2025 in `emp_2025` there. */
export async function startBench(): Promise<Bench> {
  const pair = await startPair();
  const main = await connect(connectionOf(pair.main));
  const archive = await connect(connectionOf(pair.archive));
  await main.query(`CREATE TABLE emp_2025 (${COLUMNS})`);
  await main.query(
    `INSERT INTO emp_2025 SELECT g, 'name ' || g, date '2025-01-01' + (g % 365), 'dept ' || (g % 17), (g % 100000) / 1.0 FROM generate_series(1, $1) g`,
    [ROWS],
  );
  await main.query("ANALYZE emp_2025");
  await main.query("CREATE EXTENSION postgres_fdw");
  return {
    pair,
    main,
    archive,
    where: { host: pair.archiveAlias, port: "5432", dbname: "archive_db" },
    async stop() {
      await main.end();
      await archive.end();
      await pair.stop();
    },
  };
}

/** A foreign server to the archive, with the superuser's mapping. */
export async function createServer(b: Bench, name: string, options: Record<string, string> = {}): Promise<void> {
  await b.main.query(buildCreateServerSql(name, { ...b.where, ...options }));
  await b.main.query(buildCreateUserMappingSql("CURRENT_USER", name, { user: "postgres", password: "postgres123" }));
}

/** Makes emp_2025 a partition of `employees`, and gives pgtier its foreign server; the archive table is pgtier's to create. */
export async function prepareRotation(b: Bench): Promise<void> {
  await b.main.query(`CREATE TABLE employees (${COLUMNS}) PARTITION BY RANGE (hire_date)`);
  await b.main.query("ALTER TABLE employees ATTACH PARTITION emp_2025 FOR VALUES FROM ('2025-01-01') TO ('2026-01-01')");
  await createServer(b, "pgtier_server", { fetch_size: "10000", use_remote_estimate: "true" });
  await b.archive.query("DROP TABLE IF EXISTS emp_2025");
}

/** The raw pipe: binary COPY out of emp_2025 into the archive's emp_2025 (the guide's table, with its indexes). */
export async function copyPipe(b: Bench): Promise<void> {
  const out = b.main.query(copyTo("COPY emp_2025 TO STDOUT (FORMAT binary)"));
  const into = b.archive.query(copyFrom("COPY emp_2025 FROM STDIN (FORMAT binary)"));
  await pipeline(out, into);
}

/** Runs `fn`, prints its time and rate, and returns the seconds. */
export async function timed(label: string, rows: number, fn: () => Promise<void>): Promise<number> {
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

/**
 * Moves emp_2025 from the main instance to the archive as a TieredPartition
 * update does, with pgtier's default settings.
 */
export async function rotate(b: Bench, progress = (line: string) => console.log(`         ${line}`)): Promise<void> {
  const base = {
    ...TIERED_PARTITION_DEFAULTS,
    connection: connectionOf(b.pair.main),
    name: "emp_2025",
    parent: "employees",
    from: "2025-01-01",
    to: "2026-01-01",
    columns: COLUMN_SPECS,
    partitionKey: "hire_date",
    indexes: INDEXES,
  };
  const olds: TieredPartitionInputs = { ...base, tier: "local" };
  const archive = { connection: connectionOf(b.pair.archive), server: "pgtier_server" };
  const news: TieredPartitionInputs = { ...base, tier: "archive", archive };
  const change = planTierChange(placementOf(olds), placementOf(news));
  if (change.kind === "none") {
    throw new Error("the tier-change plan moves nothing from local to archive");
  }
  await moveRows({ label: 'TieredPartition "bench-emp_2025"', progress }, olds, news, change);
  const kind = (await b.main.query("SELECT relkind::text AS kind FROM pg_class WHERE relname = 'emp_2025'")).rows[0]?.kind;
  if (kind !== "f") {
    throw new Error(`after the rotation emp_2025 on the main instance has relkind ${kind}, expected f (a foreign partition)`);
  }
}
