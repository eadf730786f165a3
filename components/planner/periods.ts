/**
 * Calendar periods on UTC dates, without I/O: the arithmetic the planner
 * uses to turn an as-of date into partition bounds.
 */

/** Length of one partition. */
export type Period = "month" | "quarter" | "year";

/** Months in one period. */
export const MONTHS_IN: Readonly<Record<Period, number>> = { month: 1, quarter: 3, year: 12 };

/**
 * A period as a count of months since year 0 of its first month; consecutive
 * periods differ by {@link MONTHS_IN}[period]. Keeping periods as integers
 * makes "contiguous and non-overlapping" a matter of adding one.
 */
export type PeriodIndex = number;

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Parses an ISO date (YYYY-MM-DD) into year, month (1-12) and day; undefined when it is not a real date. */
export function parseIsoDate(value: string): { year: number; month: number; day: number } | undefined {
  const m = ISO_DATE.exec(value);
  if (!m) {
    return undefined;
  }
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  // setUTCFullYear, not Date.UTC: Date.UTC maps years 0-99 to 1900-1999.
  const t = new Date(0);
  t.setUTCFullYear(year, month - 1, day);
  return t.toISOString().slice(0, 10) === value ? { year, month, day } : undefined;
}

/** The index of the period containing an ISO date. */
export function periodOf(period: Period, isoDate: string): PeriodIndex {
  const d = parseIsoDate(isoDate);
  if (!d) {
    throw new Error(`${JSON.stringify(isoDate)} is not an ISO date (YYYY-MM-DD)`);
  }
  const months = d.year * 12 + (d.month - 1);
  const size = MONTHS_IN[period];
  return months - (months % size);
}

/** The period `n` periods after `index` (before, when n < 0). */
export function addPeriods(period: Period, index: PeriodIndex, n: number): PeriodIndex {
  return index + n * MONTHS_IN[period];
}

/** How many periods lie from `a` to `b` (b - a, in periods). */
export function periodsBetween(period: Period, a: PeriodIndex, b: PeriodIndex): number {
  return (b - a) / MONTHS_IN[period];
}

/** The first day of a period, as an ISO date. */
export function periodStart(index: PeriodIndex): string {
  const year = Math.floor(index / 12);
  const month = (index % 12) + 1;
  return `${String(year).padStart(4, "0")}-${String(month).padStart(2, "0")}-01`;
}

/**
 * The period's label in partition names: `2024` (year), `2024_q1`
 * (quarter), `2024_01` (month). It depends only on the period, so a
 * partition keeps its name as the as-of date moves.
 */
export function periodLabel(period: Period, index: PeriodIndex): string {
  const year = String(Math.floor(index / 12)).padStart(4, "0");
  const month = (index % 12) + 1;
  if (period === "year") {
    return year;
  }
  if (period === "quarter") {
    return `${year}_q${Math.floor((month - 1) / 3) + 1}`;
  }
  return `${year}_${String(month).padStart(2, "0")}`;
}
