/**
 * What moving the as-of date means for a whole table: the steps from one
 * layout to the next. Pure. Each step is what the matching TieredPartition
 * shows in `pulumi preview` (create, an update whose tier or archive
 * changes, delete); how a partition's rows move is decided by
 * planTierChange, the same plan the resource follows.
 */
import { Layout, PlannedPartition } from "./plan-layout";
import { Placement, planTierChange } from "./plan-tier-change";

/** One step of a rotation. */
export type RotationStep =
  /** A partition the new layout adds (next period opened ahead). */
  | { readonly kind: "create"; readonly partition: PlannedPartition }
  /** A local partition whose rows move to an archive instance. */
  | { readonly kind: "archive"; readonly partition: PlannedPartition }
  /** An archived partition whose rows come back to the main instance (hotPeriods grew). */
  | { readonly kind: "restore"; readonly partition: PlannedPartition; readonly fromArchive: string }
  /** An archived partition whose rows move to another archive instance (its placement rule changed). */
  | { readonly kind: "move"; readonly partition: PlannedPartition; readonly fromArchive: string }
  /** A partition past retention: backed up, logged, then dropped. */
  | { readonly kind: "decommission"; readonly name: string; readonly archive?: string }
  /** A partition no longer in the window for another reason (firstPeriod moved later). */
  | { readonly kind: "remove"; readonly name: string };

/** Where a planned partition's rows are. */
export function plannedPlacement(p: PlannedPartition): Placement {
  return p.tier === "archive" ? { tier: "archive", archive: p.archive ?? "" } : { tier: "local" };
}

/** The rotation step of a partition in both layouts, if its rows move. */
function moveOf(was: PlannedPartition, p: PlannedPartition): RotationStep | undefined {
  const change = planTierChange(plannedPlacement(was), plannedPlacement(p));
  switch (change.kind) {
    case "archive":
      return { kind: "archive", partition: p };
    case "restore":
      return { kind: "restore", partition: p, fromArchive: change.from };
    case "move":
      return { kind: "move", partition: p, fromArchive: change.from };
    case "none":
      return undefined;
  }
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
    const step = was && moveOf(was, p);
    if (step) {
      steps.push(step);
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
      case "restore":
        return `restore ${s.partition.name} [${s.partition.from}, ${s.partition.to}) ${s.fromArchive} -> local`;
      case "move":
        return `move ${s.partition.name} [${s.partition.from}, ${s.partition.to}) ${s.fromArchive} -> ${s.partition.archive}`;
      case "decommission":
        return `decommission ${s.name}${s.archive ? ` (on ${s.archive})` : ""}`;
      case "remove":
        return `remove ${s.name}`;
    }
  });
}
