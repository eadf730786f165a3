/**
 * Pure helpers the query benchmark prints with: medians, speed-ups, the table
 * of timings and the `RESULT` line. No I/O, so the unit tests cover them.
 */

/** The median of some timings; the mean of the middle two for an even count. */
export function median(values: readonly number[]): number {
  if (values.length === 0) {
    throw new Error("median of no values: run each query at least once");
  }
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** How many times faster `candidate` is than `baseline` (both durations): above 1 is faster. */
export function speedup(baseline: number, candidate: number): number {
  if (!(baseline > 0) || !(candidate > 0)) {
    throw new Error(`a speed-up needs two positive durations, got ${baseline} and ${candidate}`);
  }
  return baseline / candidate;
}

/** One query's medians, in milliseconds, by configuration name. */
export interface QueryTimings {
  readonly query: string;
  readonly medians: Readonly<Record<string, number>>;
}

/**
 * A fixed-width table: one row per query, the median of every configuration
 * in milliseconds, then the speed-up of each configuration after the first
 * over the first (the baseline).
 */
export function formatTimingTable(configs: readonly string[], rows: readonly QueryTimings[]): string[] {
  const [baseline, ...others] = configs;
  const header = ["query", ...configs.map((c) => `${c} ms`), ...others.map((c) => `${c} x`)];
  const body = rows.map((r) => [
    r.query,
    ...configs.map((c) => r.medians[c].toFixed(1)),
    ...others.map((c) => speedup(r.medians[baseline], r.medians[c]).toFixed(2)),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((cells) => cells[i].length)));
  // The query names align left, the figures right.
  const line = (cells: readonly string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join("  ");
  return [line(header), widths.map((w) => "-".repeat(w)).join("  "), ...body.map(line)];
}

/** `RESULT <part> name=1.23 ...`: the figures with two decimals, in the order given. */
export function formatResultLine(part: string, figures: readonly (readonly [string, number])[]): string {
  return `RESULT ${part} ${figures.map(([name, value]) => `${name}=${value.toFixed(2)}`).join(" ")}`;
}

/**
 * Rows as comparable text: in order when the query orders them totally,
 * else sorted, so two configurations that return the same rows in another
 * order compare equal.
 */
export function canonicalRows(rows: readonly unknown[], ordered: boolean): string {
  const texts = rows.map((r) => JSON.stringify(r));
  return JSON.stringify(ordered ? texts : [...texts].sort());
}
