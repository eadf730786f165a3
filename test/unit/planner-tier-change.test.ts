/** The tier-change plan: one table of what each move of a partition's rows means. */
import assert from "node:assert/strict";
import { ARCHIVE_STEPS, Placement, planTierChange, TierChange } from "../../components/planner/plan-tier-change";

const local: Placement = { tier: "local" };
const onA: Placement = { tier: "archive", archive: "a_server" };
const onB: Placement = { tier: "archive", archive: "b_server" };

/** From, to, and the plan a user should get. */
const table: [string, Placement, Placement, TierChange][] = [
  ["local stays local", local, local, { kind: "none" }],
  ["an archive stays where it is", onA, onA, { kind: "none" }],
  ["local to archive: copy, verify, build indexes, cut over", local, onA, { kind: "archive", archive: "a_server", steps: ARCHIVE_STEPS }],
  [
    "archive back to local is refused on tier",
    onA,
    local,
    {
      kind: "refused",
      property: "tier",
      reason:
        "emp_2024 is archived, and the program now places it on the main instance (pgtier:asOf moved back, or hotPeriods grew); moving rows back is not supported yet — keep asOf and hotPeriods as they were",
    },
  ],
  [
    "archive to another archive is refused on archive.server",
    onA,
    onB,
    {
      kind: "refused",
      property: "archive.server",
      reason:
        'emp_2024 is archived through server "a_server"; moving it to "b_server" is not supported yet — keep its archive placement rule',
    },
  ],
];

describe("planTierChange", () => {
  for (const [what, from, to, expected] of table) {
    it(what, () => {
      assert.deepEqual(planTierChange("emp_2024", from, to), expected);
    });
  }

  it("archives in the order that keeps the local rows until the cutover commits", () => {
    assert.deepEqual(ARCHIVE_STEPS, ["copy", "verify", "build indexes", "cut over"]);
    assert.ok(Object.isFrozen(ARCHIVE_STEPS));
  });
});
