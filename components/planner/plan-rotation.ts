/**
 * What moving the as-of date means for a whole table: the steps from one
 * layout to the next. Pure. Each step is what the matching TieredPartition
 * shows in `pulumi preview` (create, an update whose tier changes, delete);
 * whether a partition's rows can move is decided by planTierChange, the same
 * plan the resource follows.
 */
import { Layout, PlannedPartition } from "./plan-layout";
import { Placement, planTierChange } from "./plan-tier-change";

/** One step of a rotation. */
export type RotationStep =
  /** A partition the new layout adds (next period opened ahead). */
  | { readonly kind: "create"; readonly partition: PlannedPartition }
  /** A local partition whose rows move to an archive instance (copy, verify, cut over). */
  | { readonly kind: "archive"; readonly partition: PlannedPartition }
  /** A partition the new layout places where its rows cannot move (pgtier refuses it at preview). */
  | { readonly kind: "refused"; readonly partition: PlannedPartition; readonly reason: string }
  /** A partition past retention: backed up, logged, then dropped. */
  | { readonly kind: "decommission"; readonly name: string; readonly archive?: string }
  /** A partition no longer in the window for another reason (firstPeriod moved later). */
  | { readonly kind: "remove"; readonly name: string };

/** Where a planned partition's rows are. */
export function plannedPlacement(p: PlannedPartition): Placement {
  return p.tier === "archive" ? { tier: "archive", archive: p.archive ?? "" } : { tier: "local" };
}

/** The steps that turn `before` into `after`, oldest partitions first, creates last. */
export function planRotation(before: Layout, after: Layout): RotationStep[] {
  const old = new Map(before.partitions.map((p) => [p.name, p]));
  const now = new Set(after.partitions.map((p) => p.name));
  const retired = new Set(after.decommissioned.map((p) => p.name));
  const steps: RotationStep[] = [];
  for (const p of before.partitions) {
    if (!now.has(p.name)) {
      steps.push(retired.has(p.name) ? { kind: "decommission", name: p.name, archive: p.archive } : { kind: "remove", name: p.name });
    }
  }
  for (const p of after.partitions) {
    const was = old.get(p.name);
    const change = was && planTierChange(p.name, plannedPlacement(was), plannedPlacement(p), "archive instance");
    if (change?.kind === "archive") {
      steps.push({ kind: "archive", partition: p });
    } else if (change?.kind === "refused") {
      steps.push({ kind: "refused", partition: p, reason: change.reason });
    }
  }
  for (const p of after.partitions) {
    if (!old.has(p.name)) {
      steps.push({ kind: "create", partition: p });
    }
  }
  return steps;
}

/** One readable line per step, e.g. `archive emp_2025 [2025-01-01, 2026-01-01) -> archive`. */
export function formatRotation(steps: readonly RotationStep[]): string[] {
  return steps.map((s) => {
    switch (s.kind) {
      case "create":
        return `create ${s.partition.name} [${s.partition.from}, ${s.partition.to}) ${s.partition.tier === "local" ? "local" : `on ${s.partition.archive}`}`;
      case "archive":
        return `archive ${s.partition.name} [${s.partition.from}, ${s.partition.to}) -> ${s.partition.archive}`;
      case "refused":
        return `refused ${s.partition.name} [${s.partition.from}, ${s.partition.to}): ${s.reason}`;
      case "decommission":
        return `decommission ${s.name}${s.archive ? ` (on ${s.archive})` : ""}`;
      case "remove":
        return `remove ${s.name}`;
    }
  });
}
