/**
 * The guide's "Statistics and ANALYZE" as a verdict: an archive table whose
 * planner statistics predate a bulk change plans badly, on the archive and
 * through postgres_fdw's remote estimates. Pure: decided from the archive's
 * pg_stat_user_tables row with autovacuum's own rule for when a table needs
 * ANALYZE (more rows changed than 50 + 10% of its rows).
 */
import { quoteQualified } from "../../components/sql/quote";
import { fail, ok, skip, Verdict } from "./verdict";

/** The check's name, as the doctor prints it. */
export const STATISTICS_CHECK = "statistics";

/** autovacuum_analyze_threshold's default. */
export const ANALYZE_THRESHOLD = 50;
/** autovacuum_analyze_scale_factor's default. */
export const ANALYZE_SCALE_FACTOR = 0.1;

/** What the archive's statistics say of one table (undefined when the table is not there). */
export interface TableStatistics {
  /** pg_class.reltuples as of the last ANALYZE (or VACUUM); -1 when never. */
  readonly reltuples: number;
  /** pg_stat_user_tables.n_live_tup. */
  readonly liveRows: number;
  /** pg_stat_user_tables.n_mod_since_analyze. */
  readonly modifiedSinceAnalyze: number;
  /** The later of last_analyze and last_autoanalyze (ISO text), if any. */
  readonly lastAnalyze?: string;
}

/** How many changed rows make a table's statistics stale: autovacuum's rule. */
export function staleAfter(reltuples: number): number {
  return Math.round(ANALYZE_THRESHOLD + ANALYZE_SCALE_FACTOR * Math.max(reltuples, 0));
}

/** The verdict for one archive table. */
export function statisticsVerdict(archive: string, schema: string, table: string, stats: TableStatistics | undefined): Verdict {
  const object = `${schema}.${table} on archive "${archive}"`;
  if (!stats) {
    return skip(STATISTICS_CHECK, object, `the table is not on the archive (see the remote table check)`);
  }
  const limit = staleAfter(stats.reltuples);
  const since = stats.lastAnalyze ? `its last ANALYZE (${stats.lastAnalyze})` : `it was created (never analyzed)`;
  if (stats.modifiedSinceAnalyze > limit) {
    const qualified = quoteQualified(schema, table);
    return fail(
      STATISTICS_CHECK,
      object,
      `stale statistics: ${stats.modifiedSinceAnalyze} rows changed since ${since}, more than ${limit} (${ANALYZE_THRESHOLD} + ${ANALYZE_SCALE_FACTOR * 100}% of its ${Math.max(stats.reltuples, 0)} rows)`,
      `on the archive: ANALYZE ${qualified}; then on the main instance ANALYZE the foreign partition too if its server does not use use_remote_estimate`,
    );
  }
  return ok(STATISTICS_CHECK, object, `${stats.modifiedSinceAnalyze} rows changed since the last ANALYZE`);
}
