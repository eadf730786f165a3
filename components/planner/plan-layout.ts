/**
 * The planner: a tiering policy and an as-of date in, the frozen partition
 * layout out. Pure: no database, Docker or Pulumi. Moving the as-of date moves
 * the layout; the resources turn the difference into a rotation.
 */
import { CheckFailure } from "../model/types";
import { addPeriods, parseIsoDate, PeriodIndex, periodLabel, periodOf, periodsBetween, periodStart } from "./periods";
import { TierPolicy, validatePolicy, withPolicyDefaults } from "./policy";

export { ArchivePlacementRule, TierPolicy, validatePolicy, withPolicyDefaults } from "./policy";

/** A policy the planner cannot lay out; `failures` names each problem and its fix. */
export class PolicyError extends Error {
  constructor(
    message: string,
    readonly failures: readonly CheckFailure[],
  ) {
    super(message);
  }
}

/** One partition of the layout. */
export interface PlannedPartition {
  /** Partition name (also the archive table's name). */
  readonly name: string;
  /** The period's label, e.g. 2024 or 2024_q1. */
  readonly label: string;
  /** Inclusive lower bound (ISO date). */
  readonly from: string;
  /** Exclusive upper bound (ISO date). */
  readonly to: string;
  /** `local` on the main instance, `archive` on an archive instance. */
  readonly tier: "local" | "archive";
  /** Archive instance key, for archived partitions. */
  readonly archive?: string;
}

/** A partition past retention: it existed, and is to be backed up and dropped. */
export interface DecommissionedPartition {
  readonly name: string;
  readonly label: string;
  readonly from: string;
  readonly to: string;
  /** The archive instance that held it. */
  readonly archive?: string;
}

/** The planner's answer for one as-of date. */
export interface Layout {
  /** The as-of date the layout is for. */
  readonly asOf: string;
  /** Label of the period containing the as-of date. */
  readonly current: string;
  /** Partitions to exist, oldest first, contiguous. */
  readonly partitions: readonly PlannedPartition[];
  /** Partitions past retention, oldest first. */
  readonly decommissioned: readonly DecommissionedPartition[];
}

/** The archive instance for a period: the rule covering the period's start (rules do not overlap). */
function placementFor(policy: TierPolicy, index: PeriodIndex): string | undefined {
  const start = periodStart(index);
  return policy.archives.find((r) => (!r.from || r.from <= start) && (!r.to || start < r.to))?.archive;
}

/**
 * The layout for `asOf`: every period from the first (or the oldest still
 * retained) to `futurePeriods` ahead, hot periods local, older ones on the
 * archive instance their rule names, and periods past retention listed for
 * decommissioning. Throws when the policy is invalid or an archived period
 * has no archive instance.
 */
export function planLayout(input: TierPolicy, asOf: string): Layout {
  const failures = validatePolicy(input);
  if (!parseIsoDate(asOf)) {
    failures.push({
      property: "asOf",
      reason: `asOf ${JSON.stringify(asOf)} is not an ISO date (YYYY-MM-DD); set pgtier:asOf like 2026-01-01`,
    });
  }
  if (failures.length > 0) {
    throw new PolicyError(`tiering policy is invalid:\n${failures.map((f) => `  - ${f.reason}`).join("\n")}`, failures);
  }
  const policy = withPolicyDefaults(input);
  const { period } = policy;
  const current = periodOf(period, asOf);
  const first = periodOf(period, policy.firstPeriod);
  if (first > current) {
    const reason = `firstPeriod ${policy.firstPeriod} is after asOf ${asOf}: the current period would have no partition; set firstPeriod on or before asOf`;
    throw new PolicyError(`tiering policy is invalid:\n  - ${reason}`, [{ property: "firstPeriod", reason }]);
  }
  const last = addPeriods(period, current, policy.futurePeriods);
  const oldestHot = addPeriods(period, current, -(policy.hotPeriods - 1));
  const oldestKept =
    policy.retentionPeriods === undefined ? first : Math.max(first, addPeriods(period, current, -(policy.retentionPeriods - 1)));

  const partitions: PlannedPartition[] = [];
  const decommissioned: DecommissionedPartition[] = [];
  const unplaced: string[] = [];
  for (let p = first; p <= last; p = addPeriods(period, p, 1)) {
    const label = periodLabel(period, p);
    const base = { name: `${policy.namePrefix}${label}`, label, from: periodStart(p), to: periodStart(addPeriods(period, p, 1)) };
    if (p < oldestKept) {
      decommissioned.push({ ...base, archive: placementFor(policy, p) });
    } else if (p >= oldestHot) {
      partitions.push({ ...base, tier: "local" });
    } else {
      const archive = placementFor(policy, p);
      if (!archive) {
        unplaced.push(`${base.name} [${base.from}, ${base.to})`);
      }
      partitions.push({ ...base, tier: "archive", archive });
    }
  }
  if (unplaced.length > 0) {
    const reason = `tiering policy places no archive instance for ${unplaced.join(", ")}; add an archives rule covering ${unplaced.length === 1 ? "it" : "them"} (a rule without from/to covers every period)`;
    throw new PolicyError(reason, [{ property: "archives", reason }]);
  }
  // Sanity: the layout spans whole periods without gaps.
  if (partitions.length > 0 && periodsBetween(period, periodOf(period, partitions[0].from), last) !== partitions.length - 1) {
    throw new Error("planner produced a layout with a gap; this is a bug in pgtier");
  }
  return Object.freeze({
    asOf,
    current: periodLabel(period, current),
    partitions: Object.freeze(partitions.map((p) => Object.freeze(p))),
    decommissioned: Object.freeze(decommissioned.map((p) => Object.freeze(p))),
  });
}

/** The layout as a readable timeline, one line per partition: period, bounds, tier, instance. */
export function formatTimeline(layout: Layout): string[] {
  const width = Math.max(0, ...layout.partitions.map((p) => p.name.length));
  return [
    ...layout.decommissioned.map((p) => `${p.label}  ${p.name.padEnd(width)}  [${p.from}, ${p.to})  decommissioned`),
    ...layout.partitions.map(
      (p) =>
        `${p.label}  ${p.name.padEnd(width)}  [${p.from}, ${p.to})  ${p.tier === "local" ? "local    main" : `archive  ${p.archive}`}${p.label === layout.current ? "  <- current" : ""}`,
    ),
  ];
}
