import assert from "node:assert/strict";
import fc from "fast-check";
import { Layout, planLayout, TierPolicy } from "../../components/planner/plan-layout";
import { formatRotation, planRotation, RotationStep } from "../../components/planner/plan-rotation";
import { guidePolicy } from "./fixtures";

/** The guide's policy with three years kept, so decommissioning shows within a few years. */
const guide: TierPolicy = { ...guidePolicy, retentionPeriods: 3 };

describe("planRotation", () => {
  it("at the year boundary archives last year and opens the year after next", () => {
    // WHEN
    const steps = planRotation(planLayout(guide, "2025-12-31"), planLayout(guide, "2026-01-01"));
    // THEN
    assert.deepEqual(formatRotation(steps), [
      "archive emp_2025 [2025-01-01, 2026-01-01) -> archive",
      "create emp_2027 [2027-01-01, 2028-01-01) local",
    ]);
  });

  it("decommissions what falls out of retention, before archiving and creating", () => {
    const steps = planRotation(planLayout(guide, "2026-06-01"), planLayout(guide, "2027-01-01"));
    assert.deepEqual(formatRotation(steps), [
      "decommission emp_2024 (on archive)",
      "archive emp_2026 [2026-01-01, 2027-01-01) -> archive",
      "create emp_2028 [2028-01-01, 2029-01-01) local",
    ]);
  });

  it("plans nothing within a period", () => {
    assert.deepEqual(planRotation(planLayout(guide, "2026-01-01"), planLayout(guide, "2026-12-31")), []);
  });

  it("moves a partition whose placement rule changed to its new archive, and brings one back when hotPeriods grows", () => {
    const before = planLayout({ ...guide, retentionPeriods: undefined, archives: [{ archive: "a1" }] }, "2027-06-01");
    const moved = planLayout(
      {
        ...guide,
        retentionPeriods: undefined,
        archives: [
          { archive: "a2", to: "2025-01-01" },
          { archive: "a1", from: "2025-01-01" },
        ],
      },
      "2027-06-01",
    );
    assert.deepEqual(formatRotation(planRotation(before, moved)), ["move emp_2024 [2024-01-01, 2025-01-01) a1 -> a2"]);
    const restored = planLayout({ ...guide, retentionPeriods: undefined, hotPeriods: 2, archives: [{ archive: "a1" }] }, "2027-06-01");
    assert.deepEqual(formatRotation(planRotation(before, restored)), ["restore emp_2026 [2026-01-01, 2027-01-01) a1 -> local"]);
  });

  it("removes partitions that leave the window for another reason than retention", () => {
    const steps = planRotation(planLayout(guide, "2025-06-01"), planLayout({ ...guide, firstPeriod: "2025-01-01" }, "2025-06-01"));
    assert.deepEqual(steps, [{ kind: "remove", name: "emp_2024" }]);
  });
});

/** Applies steps to a layout's partitions: name -> where the rows live. */
function apply(before: Layout, steps: readonly RotationStep[]): Map<string, string> {
  const where = new Map(before.partitions.map((p) => [p.name, p.tier === "local" ? "local" : (p.archive as string)]));
  for (const s of steps) {
    if (s.kind === "decommission" || s.kind === "remove") {
      assert.ok(where.delete(s.name), `${s.kind} of a partition that was not there: ${s.name}`);
    } else {
      assert.equal(where.has(s.partition.name), s.kind !== "create", `${s.kind} ${s.partition.name}`);
      where.set(s.partition.name, s.partition.tier === "local" ? "local" : (s.partition.archive as string));
    }
  }
  return where;
}

describe("planRotation (properties)", () => {
  it("carrying out the steps turns the old layout into the new one, whatever the two dates", () => {
    const day = fc.integer({ min: Date.UTC(2024, 0, 1), max: Date.UTC(2040, 11, 31) }).map((t) => new Date(t).toISOString().slice(0, 10));
    fc.assert(
      fc.property(
        day,
        day,
        fc.constantFrom<TierPolicy["period"]>("month", "quarter", "year"),
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 0, max: 3 }),
        fc.option(fc.integer({ min: 4, max: 30 }), { nil: undefined }),
        (d1, d2, period, hotPeriods, futurePeriods, retentionPeriods) => {
          const policy: TierPolicy = {
            ...guide,
            period,
            hotPeriods,
            futurePeriods,
            retentionPeriods,
            archives: [
              { archive: "a1", to: "2030-01-01" },
              { archive: "a2", from: "2030-01-01" },
            ],
          };
          const [a, b] = d1 <= d2 ? [d1, d2] : [d2, d1];
          const before = planLayout(policy, a);
          const after = planLayout(policy, b);
          const result = apply(before, planRotation(before, after));
          const expected = new Map(after.partitions.map((p) => [p.name, p.tier === "local" ? "local" : (p.archive as string)]));
          assert.deepEqual([...result.entries()].sort(), [...expected.entries()].sort());
        },
      ),
      { numRuns: 200 },
    );
  });
});
