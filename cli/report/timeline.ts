/**
 * The stack's `timeline` output read back into entries (one per period, as
 * planner/plan-layout.ts's formatTimeline writes them), and the status
 * table that puts live row counts and sizes beside them. Pure.
 */

/** One line of the timeline. */
export interface TimelineEntry {
  /** The period's label, e.g. `2024` or `2025-03`. */
  readonly period: string;
  /** The partition, e.g. `emp_2024`. */
  readonly name: string;
  readonly from: string;
  readonly to: string;
  readonly tier: "local" | "archive" | "decommissioned";
  /** `main`, or the archive's name; none when decommissioned. */
  readonly instance?: string;
  /** The period the as-of date falls in. */
  readonly current: boolean;
}

const LINE = /^(\S+)\s+(\S+)\s+\[([^,]+), ([^)]+)\)\s+(local|archive|decommissioned)(?:\s+(?!<-)(\S+))?(\s+<- current)?\s*$/;

/** A timeline line back into its entry; an error names the line when it is not one formatTimeline writes. */
export function parseTimelineLine(line: string): TimelineEntry {
  const m = LINE.exec(line);
  if (!m) {
    throw new Error(`timeline line ${JSON.stringify(line)} is not "<period>  <partition>  [<from>, <to>)  <tier>  <instance>"`);
  }
  return Object.freeze({
    period: m[1],
    name: m[2],
    from: m[3],
    to: m[4],
    tier: m[5] as TimelineEntry["tier"],
    ...(m[6] ? { instance: m[6] } : {}),
    current: m[7] !== undefined,
  });
}

/** What was measured of one partition: rows and size, or why not. */
export interface PartitionFigures {
  readonly rows?: number;
  /** Bytes on disk (table, indexes, TOAST), on the instance that holds it. */
  readonly bytes?: number;
  /** Why it could not be measured. */
  readonly error?: string;
}

/** `1234567` as `1.2 MB`, the way pg_size_pretty rounds (powers of 1024). */
export function formatBytes(bytes: number): string {
  const units = ["bytes", "kB", "MB", "GB", "TB"];
  let value = bytes;
  let unit = 0;
  while (Math.abs(value) >= 10 * 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${Math.round(value)} ${units[unit]}`;
}

/** Pads columns to their widest cell, two spaces apart. */
export function formatColumns(rows: readonly (readonly string[])[]): string[] {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? "").length))) ?? [];
  return rows.map((r) =>
    r
      .map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i])))
      .join("  ")
      .trimEnd(),
  );
}

/** The layout table: one row per period, with the rows and size measured now. */
export function formatTimelineTable(entries: readonly TimelineEntry[], figures: Readonly<Record<string, PartitionFigures>>): string[] {
  const header = ["PERIOD", "PARTITION", "BOUNDS", "TIER", "INSTANCE", "ROWS", "SIZE"];
  const rows = entries.map((e) => {
    const f = figures[e.name];
    const rows = e.tier === "decommissioned" ? "-" : f?.error ? "unreachable" : f?.rows !== undefined ? String(f.rows) : "?";
    const size = e.tier === "decommissioned" || f?.error ? "-" : f?.bytes !== undefined ? formatBytes(f.bytes) : "?";
    return [e.period, e.name, `[${e.from}, ${e.to})`, e.tier, `${e.instance ?? "-"}${e.current ? " (current)" : ""}`, rows, size];
  });
  return formatColumns([header, ...rows]);
}
