/**
 * What `pgtier status` prints: the layout with live figures, the health of
 * each foreign server, and the last rotation and decommission. Pure: the
 * measured values in, text (or the JSON value) out.
 */
import { RotationRecord } from "../stack/stack-info";
import { formatColumns, formatTimelineTable, PartitionFigures, TimelineEntry } from "./timeline";

/** How one foreign server answered from the main instance. */
export interface ServerHealth {
  /** The foreign server, e.g. `archive_server`. */
  readonly server: string;
  /** `host:port/dbname` as the main instance reaches it. */
  readonly address: string;
  /** Whether the probe through it connected. */
  readonly ok: boolean;
  /** Round trip of the probe, when it answered. */
  readonly millis?: number;
  /** Why not, when it did not. */
  readonly error?: string;
}

/** The newest row of the decommission audit table. */
export interface DecommissionRecord {
  readonly table: string;
  readonly range?: string;
  readonly rows?: string;
  readonly at: string;
  readonly backup?: string;
}

/** Everything `pgtier status` reports. */
export interface StatusReport {
  readonly stack: string;
  readonly table: string;
  readonly asOf?: string;
  readonly timeline: readonly TimelineEntry[];
  readonly figures: Readonly<Record<string, PartitionFigures>>;
  readonly servers: readonly ServerHealth[];
  readonly lastRotation?: RotationRecord;
  readonly lastDecommission?: DecommissionRecord;
}

/** The report as text, one section after the other. */
export function formatStatus(r: StatusReport): string[] {
  const lines = [`stack ${r.stack}: table ${r.table}${r.asOf ? `, layout as of ${r.asOf}` : ""}`, ""];
  lines.push(...formatTimelineTable(r.timeline, r.figures), "");
  lines.push("FDW health:");
  if (r.servers.length === 0) {
    lines.push("  no foreign server");
  }
  const servers = r.servers.map((s) => [
    `  ${s.server}`,
    s.address,
    s.ok ? `ok${s.millis !== undefined ? ` (${s.millis} ms)` : ""}` : `FAIL ${s.error ?? ""}`.trim(),
  ]);
  lines.push(...formatColumns(servers), "");
  const rot = r.lastRotation;
  lines.push(
    `last rotation: ${rot ? `${rot.partition} to ${rot.archive ? `archive "${rot.archive}"` : "an archive"}, ${rot.rows} rows, at ${rot.at}` : "none recorded (no partition has moved to an archive)"}`,
  );
  const dec = r.lastDecommission;
  lines.push(
    `last decommission: ${
      dec
        ? `${dec.table}${dec.range ? ` [${dec.range}]` : ""}${dec.rows ? `, ${dec.rows} rows` : ""}, at ${dec.at}${dec.backup ? `, backup ${dec.backup}` : ""}`
        : "none recorded"
    }`,
  );
  return lines;
}
