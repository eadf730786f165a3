/**
 * Benchmark: the guide's cross-tier queries (Step 4 and Query Routing) over
 * archived years on two archive instances and a local current year, with
 * postgres_fdw's defaults and with pgtier's, side by side in one run on the
 * same rows (issue: performance defaults, chosen from measurement):
 *
 *   fdw_defaults  servers without options, foreign partitions never analyzed
 *                 on the main instance, PostgreSQL's session settings
 *   pgtier        the options a TieredTable gives its servers
 *                 (DEFAULT_SERVER_OPTIONS), nothing else
 *
 * Each configuration is a database on the main instance wired as a
 * TieredTable wires one, over the same archive tables. Every query runs once
 * per configuration to warm up, its rows compared between configurations
 * (a difference fails the run), then BENCH_QUERY_REPEAT more times,
 * interleaved; the median counts. Two queries that are not the guide's are
 * timed too, for the settings they show (a GROUP BY on the partition key, a
 * join with a local table); they are in the table, not the RESULT line.
 *
 * Not a test: it prints medians and speed-ups; the last line is
 *   RESULT queries group_by_year=<x> group_by_department=<x> top_earners=<x> one_day=<x> two_archives=<x>
 * each the fdw_defaults median over the pgtier median.
 *
 *   npm run bench -- queries                 1,000,000 archived rows, 5 timed runs
 *   BENCH_QUERY_ROWS=100000                  fewer rows
 *   BENCH_QUERY_REPEAT=9                     more runs
 *   BENCH_QUERY_CANDIDATES=1                 also each candidate setting alone, or
 *     BENCH_QUERY_CANDIDATES="fetch_size=1000 async_capable=true; analyze"   any mix (bench/configs.ts)
 *   BENCH_QUERY_EXPLAIN=1                    also every query's plan in every configuration
 */
import { Client } from "pg";
import { guideYearQuery } from "../stacks/guide";
import { DEFAULT_SERVER_OPTIONS } from "../components/wiring";
import { describeConfig, FDW_DEFAULTS, parseCandidates, positiveCount, QueryConfig } from "./configs";
import { QueryBench, YEARS } from "./query-setup";
import { canonicalRows, formatResultLine, formatTimingTable, median, QueryTimings, speedup } from "./summary";

/** Archived rows in all, spread evenly over the archived years; the local year gets as many as one archived year. */
const QUERY_ROWS = positiveCount("BENCH_QUERY_ROWS", process.env.BENCH_QUERY_ROWS, 1_000_000);
/** Timed runs of each query in each configuration, after one warm-up run. */
const REPEAT = positiveCount("BENCH_QUERY_REPEAT", process.env.BENCH_QUERY_REPEAT, 5);

/** One of the guide's queries. */
interface BenchQuery {
  /** Its name in the table and the RESULT line. */
  readonly name: string;
  readonly sql: string;
  /** Whether its ORDER BY fixes the order of every row (else rows are compared as a set). */
  readonly ordered: boolean;
  /** Whether the RESULT line has its speed-up (the issue's five); the others are in the table only. */
  readonly inResult: boolean;
}

/** The guide's queries, with dates in the archived years. */
export const QUERIES: readonly BenchQuery[] = [
  // Step 4's unified query; ROUND as stacks/guide.ts has it, so results compare as text.
  { name: "group_by_year", sql: guideYearQuery, ordered: true, inResult: true },
  {
    name: "group_by_department",
    sql: `SELECT department, COUNT(*) AS total_employees, AVG(salary) AS avg_salary,
                 MIN(hire_date) AS earliest_hire, MAX(hire_date) AS latest_hire
            FROM employees
           GROUP BY department
           ORDER BY avg_salary DESC`,
    ordered: true,
    inResult: true,
  },
  {
    name: "top_earners",
    sql: `SELECT name, hire_date, department, salary FROM employees ORDER BY salary DESC LIMIT 5`,
    ordered: true,
    inResult: true,
  },
  // Query Routing Logic's example, on a day of an archived year: one foreign partition.
  { name: "one_day", sql: `SELECT * FROM employees WHERE hire_date = '2022-06-15'`, ordered: false, inResult: true },
  // Step 4's time series, over a range from archive a's 2022 into archive b's 2023.
  {
    name: "two_archives",
    sql: `SELECT DATE_TRUNC('month', hire_date) AS hire_month, COUNT(*) AS hires, AVG(salary) AS avg_starting_salary
            FROM employees
           WHERE hire_date >= '2022-10-01' AND hire_date < '2023-04-01'
           GROUP BY DATE_TRUNC('month', hire_date)
           ORDER BY hire_month`,
    ordered: true,
    inResult: true,
  },
  // Not one of the guide's: a GROUP BY on the partition key itself, the only
  // kind partitionwise aggregation can push down to the archives.
  {
    name: "per_day",
    sql: `SELECT hire_date, COUNT(*) AS hires, AVG(salary) AS avg_salary FROM employees GROUP BY hire_date ORDER BY hire_date`,
    ordered: true,
    inResult: false,
  },
  // Not one of the guide's: a join with a local table, where the planner's
  // row estimates for the foreign partitions choose the join method.
  {
    name: "join_local",
    sql: `SELECT e.department, COUNT(*) AS promoted, AVG(e.salary) AS avg_salary
            FROM promotions p JOIN employees e ON e.id = p.employee_id
           WHERE p.promoted_on >= '2024-07-01'
           GROUP BY e.department
           ORDER BY e.department`,
    ordered: true,
    inResult: false,
  },
];

/** What a TieredTable sets up when its arguments leave the defaults alone. */
const PGTIER_DEFAULTS: QueryConfig = {
  name: "pgtier",
  serverOptions: DEFAULT_SERVER_OPTIONS,
  databaseSettings: {},
  analyzeForeign: false,
};

/** Runs `sql` and returns its rows and the wall-clock milliseconds, rows received. */
async function run(client: Client, sql: string): Promise<{ rows: unknown[]; ms: number }> {
  const start = process.hrtime.bigint();
  const result = await client.query({ text: sql, rowMode: "array" });
  return { rows: result.rows, ms: Number(process.hrtime.bigint() - start) / 1e6 };
}

/** Prints the plan of every query in every configuration. */
async function explain(b: QueryBench, configs: readonly QueryConfig[]): Promise<void> {
  for (const q of QUERIES) {
    for (const c of configs) {
      const plan = await b.client(c.name).query(`EXPLAIN (ANALYZE, VERBOSE, COSTS OFF, TIMING OFF) ${q.sql}`);
      console.log(`--- ${q.name} / ${c.name}`);
      for (const row of plan.rows) {
        console.log(`    ${row["QUERY PLAN"]}`);
      }
    }
  }
}

/** Every query once in every configuration; throws if a configuration returns other rows than the first. */
async function warmUpAndCompare(b: QueryBench, configs: readonly QueryConfig[]): Promise<void> {
  const [baseline] = configs;
  for (const q of QUERIES) {
    const expected = canonicalRows((await run(b.client(baseline.name), q.sql)).rows, q.ordered);
    for (const c of configs.slice(1)) {
      const got = canonicalRows((await run(b.client(c.name), q.sql)).rows, q.ordered);
      if (got !== expected) {
        throw new Error(
          `query ${q.name} returns other rows with ${c.name} than with ${baseline.name}:\n  ${baseline.name}: ${expected.slice(0, 500)}\n  ${c.name}: ${got.slice(0, 500)}`,
        );
      }
    }
  }
}

/** The timed runs, interleaved (each round starts with another configuration), and each query's medians. */
async function measure(b: QueryBench, configs: readonly QueryConfig[]): Promise<QueryTimings[]> {
  const times = new Map<string, number[]>();
  for (let round = 0; round < REPEAT; round++) {
    for (const q of QUERIES) {
      for (let i = 0; i < configs.length; i++) {
        const c = configs[(round + i) % configs.length];
        const key = `${q.name}/${c.name}`;
        times.set(key, [...(times.get(key) ?? []), (await run(b.client(c.name), q.sql)).ms]);
      }
    }
  }
  return QUERIES.map((q) => ({
    query: q.name,
    medians: Object.fromEntries(configs.map((c) => [c.name, median(times.get(`${q.name}/${c.name}`) ?? [])])),
  }));
}

export async function queryDefaults(): Promise<void> {
  const archivedYears = YEARS.filter((y) => y.archive).length;
  const rowsPerYear = Math.ceil(QUERY_ROWS / archivedYears);
  const configs = [FDW_DEFAULTS, PGTIER_DEFAULTS, ...parseCandidates(process.env.BENCH_QUERY_CANDIDATES)];
  console.log(
    `The guide's queries over ${(rowsPerYear * archivedYears).toLocaleString("en-US")} archived rows ` +
      `(${YEARS.map((y) => `${y.year} ${y.archive ?? "local"}`).join(", ")}; ${rowsPerYear.toLocaleString("en-US")} rows a year), ` +
      `median of ${REPEAT} runs after one warm-up`,
  );
  for (const c of configs) {
    console.log(`  ${c.name.padEnd(16)} ${describeConfig(c)}`);
  }
  const b = await QueryBench.start(rowsPerYear);
  try {
    for (const c of configs) {
      await b.addConfig(c);
    }
    if (process.env.BENCH_QUERY_EXPLAIN) {
      await explain(b, configs);
    }
    await warmUpAndCompare(b, configs);
    const timings = await measure(b, configs);
    for (const line of formatTimingTable(
      configs.map((c) => c.name),
      timings,
    )) {
      console.log(`  ${line}`);
    }
    const inResult = new Set(QUERIES.filter((q) => q.inResult).map((q) => q.name));
    const figures = timings
      .filter((t) => inResult.has(t.query))
      .map((t) => [t.query, speedup(t.medians[FDW_DEFAULTS.name], t.medians[PGTIER_DEFAULTS.name])] as const);
    console.log(formatResultLine("queries", figures));
  } finally {
    await b.stop();
  }
}
