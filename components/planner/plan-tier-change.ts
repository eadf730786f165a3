/**
 * What a change of a partition's tier means: the one place that decides how
 * rows move from where they are to where the program now places them, and
 * which steps that takes. Pure. The TieredPartition resource uses it at
 * every stage: diff shows a move as an in-place update (never a replace,
 * which would drop the rows), and update carries the steps out. The layout
 * planner's rotation plan (plan-rotation.ts) uses it too.
 */

/** Where a partition's rows live: on the main instance, or on the archive named by `archive` (a server or an archive key). */
export type Placement = { readonly tier: "local" } | { readonly tier: "archive"; readonly archive: string };

/** One step of a tier change. */
export type TierStep = "capture" | "copy" | "verify" | "build indexes" | "catch up" | "cut over";

/**
 * The steps of every move of rows, online: writers go on until the cutover.
 *
 * - capture: under a brief lock, a trigger starts recording every change to
 *   the rows' table, and a snapshot of them is taken;
 * - copy: the snapshot's rows are copied to the new table, its checksum
 *   computed beside;
 * - verify: the new table's count and checksum (kept by its own triggers)
 *   equal the snapshot's;
 * - build indexes: once, over the copied rows;
 * - catch up: the changes recorded since the snapshot are replayed;
 * - cut over: in one short transaction that blocks the table, the last
 *   changes are replayed, both sides' counts and checksums compared, and the
 *   partition switched to the new table. The old rows stay until it commits.
 */
export const MOVE_STEPS: readonly TierStep[] = Object.freeze(["capture", "copy", "verify", "build indexes", "catch up", "cut over"]);

/** The plan for one partition: nothing to move, or a move and its steps. */
export type TierChange =
  | { readonly kind: "none" }
  /** Local rows to an archive instance (a rotation). */
  | { readonly kind: "archive"; readonly to: string; readonly steps: readonly TierStep[] }
  /** Archived rows back to the main instance (hotPeriods grew, or the as-of date moved back). */
  | { readonly kind: "restore"; readonly from: string; readonly steps: readonly TierStep[] }
  /** Archived rows to another archive instance (a placement rule changed). */
  | { readonly kind: "move"; readonly from: string; readonly to: string; readonly steps: readonly TierStep[] };

/** The kinds of change that move rows. */
export type TierMoveKind = Exclude<TierChange["kind"], "none">;

/** The tier change that takes a partition from `from` to `to`. */
export function planTierChange(from: Placement, to: Placement): TierChange {
  if (from.tier === "local") {
    return to.tier === "local" ? { kind: "none" } : { kind: "archive", to: to.archive, steps: MOVE_STEPS };
  }
  if (to.tier === "local") {
    return { kind: "restore", from: from.archive, steps: MOVE_STEPS };
  }
  return from.archive === to.archive ? { kind: "none" } : { kind: "move", from: from.archive, to: to.archive, steps: MOVE_STEPS };
}
