/**
 * `pgtier status`: the layout timeline with each partition's live row count
 * and size, the health of each foreign server, and the last rotation and
 * decommission. Read-only.
 */
import { withSession } from "../../components/db/client";
import { Session } from "../../components/db/session";
import { Progress } from "../../components/model/operation";
import { DECOMMISSION_LOG } from "../../components/sql/decommission";
import { quoteQualified } from "../../components/sql/quote";
import { causeOf, probeServer } from "../db/probes";
import { PartitionRow, readTieredCatalog, TieredCatalog } from "../db/tiered-catalog";
import { reasonOf } from "../diagnose/connections";
import { DecommissionRecord, ServerHealth, StatusReport } from "../report/status";
import { parseTimelineLine, PartitionFigures } from "../report/timeline";
import { buildCountSql, buildLastDecommissionSql, tableOidSql, tableSizeSql } from "../sql/diagnostics";
import { StackInfo } from "../stack/stack-info";

/** Rows of each partition, counted on the main instance (through postgres_fdw for a foreign one), and the size of each local one. */
async function measureOnMain(
  s: Session,
  partitions: readonly PartitionRow[],
  progress: Progress,
): Promise<Record<string, PartitionFigures>> {
  const figures: Record<string, PartitionFigures> = {};
  for (const p of partitions) {
    progress(`counting rows in ${p.name}${p.server ? ` (through ${p.server})` : ""}`);
    try {
      const rows = Number((await s.first<{ n: string }>(buildCountSql(p)))?.n);
      const bytes = p.server
        ? undefined
        : Number((await s.first<{ bytes: string }>(tableSizeSql, [quoteQualified(p.schema, p.name)]))?.bytes);
      figures[p.name] = { rows, ...(bytes !== undefined ? { bytes } : {}) };
    } catch (err) {
      figures[p.name] = { error: reasonOf(causeOf(err)) };
    }
  }
  return figures;
}

/** The size of each archive table, read on its archive; an archive this machine cannot reach leaves its sizes unknown. */
async function measureArchives(
  info: StackInfo,
  catalog: TieredCatalog,
  figures: Record<string, PartitionFigures>,
  progress: Progress,
): Promise<void> {
  for (const archive of info.archives) {
    const tables = catalog.partitions.filter((p) => p.server === archive.server && p.remote && !figures[p.name]?.error);
    if (tables.length === 0) {
      continue;
    }
    progress(`reading table sizes on archive "${archive.name}"`);
    try {
      await withSession({ label: `archive "${archive.name}"`, progress }, archive.connection, async (s) => {
        for (const t of tables) {
          const bytes = (await s.first<{ bytes: string | null }>(tableSizeSql, [quoteQualified(t.remote!.schema, t.remote!.name)]))?.bytes;
          if (bytes !== null && bytes !== undefined) {
            figures[t.name] = { ...figures[t.name], bytes: Number(bytes) };
          }
        }
      });
    } catch (err) {
      progress(`could not read sizes on archive "${archive.name}": ${err instanceof Error ? err.message : String(err)}`);
    }
  }
}

/** The newest decommission audit row, if the audit table exists. */
async function lastDecommission(s: Session, schema: string): Promise<DecommissionRecord | undefined> {
  const exists = (await s.first<{ oid: number | null }>(tableOidSql, [quoteQualified(schema, DECOMMISSION_LOG)]))?.oid;
  if (!exists) {
    return undefined;
  }
  const row = await s.first<{
    table_name: string;
    partition_range: string | null;
    row_count: string | null;
    backup_location: string | null;
    decommissioned_at: string;
  }>(buildLastDecommissionSql(schema, DECOMMISSION_LOG));
  return (
    row && {
      table: row.table_name,
      at: row.decommissioned_at,
      ...(row.partition_range ? { range: row.partition_range } : {}),
      ...(row.row_count ? { rows: row.row_count } : {}),
      ...(row.backup_location ? { backup: row.backup_location } : {}),
    }
  );
}

/** Everything `pgtier status` reports, measured now. */
export async function runStatus(info: StackInfo, progress: Progress): Promise<StatusReport> {
  progress(`connecting to the main instance at ${info.main.host}:${info.main.port}`);
  const { catalog, figures, servers, decommission } = await withSession({ label: "the main instance", progress }, info.main, async (s) => {
    const catalog = await readTieredCatalog(s, info.schema, info.tableName, info.stackName);
    const servers: ServerHealth[] = [];
    for (const server of catalog.servers) {
      progress(`connecting through ${server.name} (${server.address})`);
      const probe = await probeServer(s, server.name);
      servers.push({
        server: server.name,
        address: server.address,
        ok: !probe.error,
        ...(probe.error ? { error: reasonOf(probe.error) } : { millis: probe.millis }),
      });
    }
    const figures = await measureOnMain(s, catalog.partitions, progress);
    return { catalog, figures, servers, decommission: await lastDecommission(s, info.schema) };
  });
  await measureArchives(info, catalog, figures, progress);
  return {
    stack: info.stackName,
    table: info.tableName,
    ...(info.asOf ? { asOf: info.asOf } : {}),
    timeline: info.timeline.map(parseTimelineLine),
    figures,
    servers,
    ...(info.lastRotation ? { lastRotation: info.lastRotation } : {}),
    ...(decommission ? { lastDecommission: decommission } : {}),
  };
}
