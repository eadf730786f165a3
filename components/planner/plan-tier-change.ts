/**
 * What a change of a partition's tier means: the one place that decides
 * whether rows can move from where they are to where the program now places
 * them, and which steps that takes. Pure. The TieredPartition resource uses
 * it at every stage: check reports a refusal before anything runs, diff
 * shows an allowed change as an in-place update (never a replace, which
 * would drop the rows), and update carries the steps out. The layout
 * planner's rotation plan (plan-rotation.ts) uses it too.
 */

/** Where a partition's rows live: on the main instance, or on the archive named by `archive` (a server or an archive key). */
export type Placement = { readonly tier: "local" } | { readonly tier: "archive"; readonly archive: string };

/** One step of a tier change. */
export type TierStep = "copy" | "verify" | "build indexes" | "cut over";

/**
 * The steps of archiving, run in order in one transaction that blocks
 * writes to the partition: copy the rows to the archive table, verify count
 * and checksum on both sides, build the archive table's indexes (once, over
 * the loaded rows), then cut over to the foreign partition. The local rows
 * stay until the cutover commits.
 */
export const ARCHIVE_STEPS: readonly TierStep[] = Object.freeze(["copy", "verify", "build indexes", "cut over"]);

/** The plan for one partition: nothing to move, the steps that move it, or why it cannot move. */
export type TierChange =
  | { readonly kind: "none" }
  | { readonly kind: "archive"; readonly archive: string; readonly steps: readonly TierStep[] }
  | { readonly kind: "refused"; readonly property: "tier" | "archive.server"; readonly reason: string };

/**
 * The tier change that takes partition `name` from `from` to `to`. `via`
 * says what an archive placement names, for the refusal's wording: the
 * foreign server (a TieredPartition) or the archive instance (a layout).
 */
export function planTierChange(name: string, from: Placement, to: Placement, via: "server" | "archive instance" = "server"): TierChange {
  if (from.tier === "local") {
    return to.tier === "local" ? { kind: "none" } : { kind: "archive", archive: to.archive, steps: ARCHIVE_STEPS };
  }
  if (to.tier === "local") {
    return {
      kind: "refused",
      property: "tier",
      reason:
        `${name} is archived, and the program now places it on the main instance (pgtier:asOf moved back, or hotPeriods grew); ` +
        `moving rows back is not supported yet — keep asOf and hotPeriods as they were`,
    };
  }
  if (from.archive !== to.archive) {
    return {
      kind: "refused",
      property: "archive.server",
      reason: `${name} is archived through ${via} ${JSON.stringify(from.archive)}; moving it to ${JSON.stringify(to.archive)} is not supported yet — keep its archive placement rule`,
    };
  }
  return { kind: "none" };
}
