/** A tiering policy: its shape, its defaults, and every problem with it before any date is applied. Pure. */
import { CheckFailure } from "../model/types";
import { parseIsoDate, Period } from "./periods";

/** Which archive instance holds which range of periods. */
export interface ArchivePlacementRule {
  /** Key of the archive instance. */
  readonly archive: string;
  /**
   * First date (ISO) of the periods this instance holds.
   * @default unbounded
   */
  readonly from?: string;
  /**
   * End (exclusive, ISO) of the periods this instance holds.
   * @default unbounded
   */
  readonly to?: string;
}

/** How a table's periods are laid out over the tiers. */
export interface TierPolicy {
  /** Length of one partition. */
  readonly period: Period;
  /** A date (ISO) in the earliest period that holds data; no partition starts before its period. */
  readonly firstPeriod: string;
  /**
   * Periods kept local (hot), counting the current one.
   * @default 1
   */
  readonly hotPeriods?: number;
  /**
   * Periods created ahead of the current one, so rows dated next period have a home.
   * @default 1
   */
  readonly futurePeriods?: number;
  /** Archive instances and the periods each holds; rules must not overlap, so each period has one instance. */
  readonly archives: readonly ArchivePlacementRule[];
  /**
   * Periods kept in all (hot and archived, counting the current one); older
   * partitions are decommissioned.
   * @default forever
   */
  readonly retentionPeriods?: number;
  /** Partition names are the prefix plus the period's label: `emp_` gives emp_2024, emp_2024_q1, emp_2024_01. */
  readonly namePrefix: string;
}

/** Defaults applied to a policy. */
export function withPolicyDefaults(
  policy: TierPolicy,
): Required<Omit<TierPolicy, "retentionPeriods">> & Pick<TierPolicy, "retentionPeriods"> {
  // `??`, not a spread: an optional field passed as undefined still gets its default.
  return { ...policy, hotPeriods: policy.hotPeriods ?? 1, futurePeriods: policy.futurePeriods ?? 1 };
}

/** Longest name prefix: 63-byte identifiers less the longest label (`2024_q1`, `2024_01`). */
const MAX_PREFIX = 56;

function checkCount(property: string, value: unknown, min: number, failures: CheckFailure[]): void {
  if (value !== undefined && (typeof value !== "number" || !Number.isInteger(value) || value < min)) {
    failures.push({ property, reason: `${property} must be an integer of at least ${min}, got ${JSON.stringify(value)}` });
  }
}

/** Every problem with a policy, before any date is applied. */
export function validatePolicy(policy: TierPolicy): CheckFailure[] {
  const failures: CheckFailure[] = [];
  if (!["month", "quarter", "year"].includes(policy.period)) {
    failures.push({ property: "period", reason: `period must be "month", "quarter" or "year", got ${JSON.stringify(policy.period)}` });
  }
  if (!parseIsoDate(policy.firstPeriod)) {
    failures.push({ property: "firstPeriod", reason: `firstPeriod ${JSON.stringify(policy.firstPeriod)} is not an ISO date (YYYY-MM-DD)` });
  }
  checkCount("hotPeriods", policy.hotPeriods, 1, failures);
  checkCount("futurePeriods", policy.futurePeriods, 0, failures);
  checkCount("retentionPeriods", policy.retentionPeriods, 1, failures);
  const hot = policy.hotPeriods ?? 1;
  if (typeof policy.retentionPeriods === "number" && policy.retentionPeriods >= 1 && policy.retentionPeriods < hot) {
    failures.push({
      property: "retentionPeriods",
      reason: `retentionPeriods (${policy.retentionPeriods}) is less than hotPeriods (${hot}): local partitions would be decommissioned without ever being archived; keep at least ${hot}`,
    });
  }
  if (!/^[a-z_][a-z0-9_]*$/.test(policy.namePrefix ?? "")) {
    failures.push({
      property: "namePrefix",
      reason: `namePrefix ${JSON.stringify(policy.namePrefix)} must be lower-case letters, digits and underscores, e.g. "emp_"`,
    });
  } else if (policy.namePrefix.length > MAX_PREFIX) {
    failures.push({
      property: "namePrefix",
      reason: `namePrefix ${JSON.stringify(policy.namePrefix)} is longer than ${MAX_PREFIX} characters; with a period label (up to 7) partition names would pass PostgreSQL's 63-byte limit`,
    });
  }
  policy.archives.forEach((rule, i) => {
    for (const key of ["from", "to"] as const) {
      const value = rule[key];
      if (value !== undefined && !parseIsoDate(value)) {
        failures.push({
          property: `archives[${i}].${key}`,
          reason: `archives[${i}].${key} ${JSON.stringify(value)} is not an ISO date (YYYY-MM-DD)`,
        });
      }
    }
    if (rule.from && rule.to && parseIsoDate(rule.from) && parseIsoDate(rule.to) && rule.from >= rule.to) {
      failures.push({
        property: `archives[${i}]`,
        reason: `archives[${i}] (${rule.archive}) holds no period: from ${rule.from} is not before to ${rule.to}`,
      });
    }
  });
  checkOverlaps(policy.archives, failures);
  return failures;
}

/** A rule's range as the user wrote it, e.g. `[2025-01-01, 2026-01-01)` or `[start, 2026-01-01)`. */
function describeRange(rule: ArchivePlacementRule): string {
  return `[${rule.from ?? "the first period"}, ${rule.to ?? "on"})`;
}

/**
 * The fix for two overlapping rules that keeps every period where it is
 * now: before overlaps were refused, the earlier rule won, so the later one
 * gives the overlap up.
 */
function overlapFix(rules: readonly ArchivePlacementRule[], i: number, j: number): string {
  const [a, b] = [rules[i], rules[j]];
  if (a.to !== undefined && (b.to === undefined || b.to > a.to)) {
    return `give archives[${j}] from: "${a.to}" so it starts where archives[${i}] ends`;
  }
  if (a.from !== undefined && (b.from === undefined || b.from < a.from)) {
    return `give archives[${j}] to: "${a.from}" so it ends where archives[${i}] starts`;
  }
  const moving =
    b.from === undefined ? "" : `, or give archives[${i}] to: "${b.from}" to move the periods from ${b.from} on to ${b.archive}`;
  return `archives[${j}] holds no period archives[${i}] does not hold first; remove it${moving}`;
}

/**
 * Two rules that hold a period in common. Each period must have exactly one
 * archive instance: with overlapping rules, which one holds a period would
 * depend on the order of the rules, and reordering them would move data.
 */
function checkOverlaps(rules: readonly ArchivePlacementRule[], failures: CheckFailure[]): void {
  const valid = (d: string | undefined) => d === undefined || parseIsoDate(d) !== undefined;
  rules.forEach((a, i) => {
    for (let j = i + 1; j < rules.length; j++) {
      const b = rules[j];
      const empty = (r: ArchivePlacementRule) => r.from !== undefined && r.to !== undefined && r.from >= r.to;
      if (!valid(a.from) || !valid(a.to) || !valid(b.from) || !valid(b.to) || empty(a) || empty(b)) {
        continue;
      }
      // Half-open ranges [from, to) overlap when each starts before the other ends; ISO dates compare as strings.
      const overlap = (a.from ?? "") < (b.to ?? "~") && (b.from ?? "") < (a.to ?? "~");
      if (overlap) {
        failures.push({
          property: `archives[${j}]`,
          reason: `archives[${i}] (${a.archive}, ${describeRange(a)}) and archives[${j}] (${b.archive}, ${describeRange(b)}) overlap: a period must have one archive instance; to keep each period where it is (the earlier rule wins today), ${overlapFix(rules, i, j)}`,
        });
      }
    }
  });
}
