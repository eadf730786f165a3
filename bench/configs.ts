/**
 * The configurations the query benchmark compares, and the parsers of its
 * environment variables (BENCH_QUERY_CANDIDATES and the counts). Pure: no I/O.
 */

/** How one database on the main instance reaches the archives and plans its queries. */
export interface QueryConfig {
  /** Name in the printed table, and of the database on the main instance. */
  readonly name: string;
  /** Options of every foreign server, besides host, port and dbname. */
  readonly serverOptions: Readonly<Record<string, string>>;
  /** Settings of the database on the main instance (`ALTER DATABASE ... SET`), so every session has them. */
  readonly databaseSettings: Readonly<Record<string, string>>;
  /** Whether the foreign partitions are analyzed on the main instance (local statistics of remote rows). */
  readonly analyzeForeign: boolean;
}

/** postgres_fdw as it comes: no server options, no local statistics of foreign partitions, PostgreSQL's session settings. */
export const FDW_DEFAULTS: QueryConfig = Object.freeze({
  name: "fdw_defaults",
  serverOptions: {},
  databaseSettings: {},
  analyzeForeign: false,
});

/** Each setting pgtier could make a default, alone on top of postgres_fdw's defaults (BENCH_QUERY_CANDIDATES=1). */
export const PRESET_CANDIDATES: readonly QueryConfig[] = Object.freeze<QueryConfig[]>([
  { ...FDW_DEFAULTS, name: "fetch_10000", serverOptions: { fetch_size: "10000" } },
  { ...FDW_DEFAULTS, name: "fetch_50000", serverOptions: { fetch_size: "50000" } },
  { ...FDW_DEFAULTS, name: "remote_estimate", serverOptions: { use_remote_estimate: "true" } },
  { ...FDW_DEFAULTS, name: "async", serverOptions: { async_capable: "true" } },
  { ...FDW_DEFAULTS, name: "analyzed", analyzeForeign: true },
  { ...FDW_DEFAULTS, name: "partitionwise", databaseSettings: { enable_partitionwise_aggregate: "on" } },
]);

/** postgres_fdw server options a candidate may set; any other `key=value` is a setting of the database. */
const SERVER_OPTIONS = new Set([
  "fetch_size",
  "use_remote_estimate",
  "async_capable",
  "fdw_startup_cost",
  "fdw_tuple_cost",
  "keep_connections",
]);

/** Setting and option names are plain SQL names. */
const NAME = /^[a-z_][a-z0-9_.]*$/;

/**
 * BENCH_QUERY_CANDIDATES: `1` for {@link PRESET_CANDIDATES}, else
 * candidates separated by `;`, each a list of `key=value` (a postgres_fdw
 * server option, or else a setting of the main database) and `analyze`,
 * separated by spaces or commas, e.g.
 * `fetch_size=50000 async_capable=true; enable_partitionwise_aggregate=on analyze`.
 * Named c1, c2, ... in the order given.
 */
export function parseCandidates(text: string | undefined): QueryConfig[] {
  const trimmed = (text ?? "").trim();
  if (trimmed === "" || trimmed === "0") {
    return [];
  }
  if (trimmed === "1") {
    return [...PRESET_CANDIDATES];
  }
  return trimmed
    .split(";")
    .map((c) => c.trim())
    .filter((c) => c !== "")
    .map((candidate, i) => {
      const serverOptions: Record<string, string> = {};
      const databaseSettings: Record<string, string> = {};
      let analyzeForeign = false;
      for (const word of candidate.split(/[\s,]+/)) {
        if (word === "analyze") {
          analyzeForeign = true;
          continue;
        }
        const eq = word.indexOf("=");
        const key = word.slice(0, eq);
        const value = word.slice(eq + 1);
        if (eq < 0 || !NAME.test(key) || value === "") {
          throw new Error(
            `BENCH_QUERY_CANDIDATES: ${JSON.stringify(word)} in candidate ${i + 1} is neither key=value nor analyze, e.g. "fetch_size=50000 async_capable=true; analyze"`,
          );
        }
        (SERVER_OPTIONS.has(key) ? serverOptions : databaseSettings)[key] = value;
      }
      return { name: `c${i + 1}`, serverOptions, databaseSettings, analyzeForeign };
    });
}

/** A configuration's settings in one line. */
export function describeConfig(c: QueryConfig): string {
  const parts = [
    ...Object.entries(c.serverOptions).map(([k, v]) => `${k}=${v}`),
    ...Object.entries(c.databaseSettings).map(([k, v]) => `${k}=${v}`),
    ...(c.analyzeForeign ? ["ANALYZE of the foreign partitions on main"] : []),
  ];
  return parts.join(", ") || "postgres_fdw's and PostgreSQL's defaults";
}

/** A count from the environment: `fallback` when unset, else a positive integer, or an error naming the variable. */
export function positiveCount(name: string, text: string | undefined, fallback: number): number {
  if (text === undefined || text.trim() === "") {
    return fallback;
  }
  const value = Number(text.replace(/_/g, ""));
  if (!Number.isInteger(value) || value < 1) {
    throw new Error(`${name} must be a positive integer, got ${JSON.stringify(text)}; e.g. ${name}=${fallback}`);
  }
  return value;
}
