/**
 * Runs the checks that read each archive table on its archive, from this
 * machine: its bounds CHECK constraint and its planner statistics.
 */
import { withSession } from "../../components/db/client";
import { readCheckConstraints } from "../../components/db/catalog";
import { Progress } from "../../components/model/operation";
import { quoteQualified } from "../../components/sql/quote";
import { TieredCatalog } from "../db/tiered-catalog";
import { BOUNDS_CHECK, boundsVerdict } from "../diagnose/bounds";
import { STATISTICS_CHECK, statisticsVerdict } from "../diagnose/statistics";
import { skip, Verdict } from "../diagnose/verdict";
import { StackInfo } from "../stack/stack-info";
import { tableOidSql, tableStatisticsSql } from "../sql/diagnostics";

/** Bounds and statistics verdicts of every archive table; `reached` are the archives this machine could log in to. */
export async function checkArchiveTables(
  info: StackInfo,
  catalog: TieredCatalog,
  reached: Set<string>,
  progress: Progress,
): Promise<Verdict[]> {
  const verdicts: Verdict[] = [];
  for (const archive of info.archives) {
    const tables = catalog.partitions.filter((p) => p.server === archive.server && p.remote && p.bounds);
    if (tables.length === 0) {
      continue;
    }
    if (!reached.has(archive.name)) {
      for (const t of tables) {
        const object = `${t.remote!.schema}.${t.remote!.name} on archive "${archive.name}"`;
        const why = `this machine cannot log in to the archive (see above)`;
        verdicts.push(skip(BOUNDS_CHECK, object, why), skip(STATISTICS_CHECK, object, why));
      }
      continue;
    }
    progress(`reading the archive tables' constraints and statistics on archive "${archive.name}"`);
    await withSession({ label: `archive "${archive.name}"`, progress }, archive.connection, async (s) => {
      for (const t of tables) {
        const remote = t.remote!;
        const qualified = quoteQualified(remote.schema, remote.name);
        const oid = (await s.first<{ oid: number | null }>(tableOidSql, [qualified]))?.oid ?? undefined;
        const constraints = oid ? await readCheckConstraints(s, oid) : undefined;
        verdicts.push(
          boundsVerdict({
            archive: archive.name,
            schema: remote.schema,
            table: remote.name,
            partitionKey: catalog.partitionKey,
            bounds: t.bounds!,
            constraints,
          }),
        );
        const row = oid
          ? await s.first<{ reltuples: number; live_rows: string; modified: string; last_analyze: string | null }>(tableStatisticsSql, [
              qualified,
            ])
          : undefined;
        verdicts.push(
          statisticsVerdict(
            archive.name,
            remote.schema,
            remote.name,
            row && {
              reltuples: Number(row.reltuples),
              liveRows: Number(row.live_rows),
              modifiedSinceAnalyze: Number(row.modified),
              ...(row.last_analyze ? { lastAnalyze: row.last_analyze } : {}),
            },
          ),
        );
      }
    });
  }
  return verdicts;
}
