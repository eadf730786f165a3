/** The tier-change plan: one table of what each move of a partition's rows means. */
import assert from "node:assert/strict";
import { MOVE_STEPS, Placement, planTierChange, TierChange } from "../../components/planner/plan-tier-change";

const local: Placement = { tier: "local" };
const onA: Placement = { tier: "archive", archive: "a_server" };
const onB: Placement = { tier: "archive", archive: "b_server" };

/** From, to, and the plan a user should get. */
const table: [string, Placement, Placement, TierChange][] = [
  ["local stays local", local, local, { kind: "none" }],
  ["an archive stays where it is", onA, onA, { kind: "none" }],
  ["local to archive", local, onA, { kind: "archive", to: "a_server", steps: MOVE_STEPS }],
  ["archive back to local (hotPeriods grew)", onA, local, { kind: "restore", from: "a_server", steps: MOVE_STEPS }],
  ["archive to another archive (placement changed)", onA, onB, { kind: "move", from: "a_server", to: "b_server", steps: MOVE_STEPS }],
];

describe("planTierChange", () => {
  for (const [what, from, to, expected] of table) {
    it(what, () => {
      assert.deepEqual(planTierChange(from, to), expected);
    });
  }

  it("moves online, in the order that keeps the rows where they are until the cutover commits", () => {
    assert.deepEqual(MOVE_STEPS, ["capture", "copy", "verify", "build indexes", "catch up", "cut over"]);
    assert.ok(Object.isFrozen(MOVE_STEPS));
  });
});
