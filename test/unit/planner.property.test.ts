import assert from "node:assert/strict";
import fc from "fast-check";
import { Layout, planLayout, TierPolicy } from "../../components/planner/plan-layout";
import { addPeriods, Period, periodLabel, periodOf, periodsBetween, periodStart } from "../../components/planner/periods";

const DAY_MS = 86_400_000;
const dayOf = (iso: string): number => Date.parse(`${iso}T00:00:00Z`) / DAY_MS;
const isoOf = (day: number): string => new Date(day * DAY_MS).toISOString().slice(0, 10);

const MIN_DAY = dayOf("2000-01-01");
const MAX_DAY = dayOf("2099-12-31");
const RUNS = { numRuns: 200 };

interface Case {
  readonly policy: TierPolicy;
  readonly period: Period;
  readonly hot: number;
  readonly future: number;
  readonly retention: number | undefined;
  readonly asOf: string;
}

/**
 * A valid policy with one catch-all archive rule and an as-of date on or
 * after its firstPeriod. firstPeriod is often close to the as-of date, so the
 * cases where fewer periods exist than are hot or retained come up too.
 */
const cases: fc.Arbitrary<Case> = fc
  .record({
    period: fc.constantFrom<Period>("month", "quarter", "year"),
    hot: fc.integer({ min: 1, max: 6 }),
    future: fc.integer({ min: 0, max: 4 }),
    extraRetention: fc.option(fc.integer({ min: 0, max: 12 }), { nil: undefined }),
    asOfDay: fc.integer({ min: MIN_DAY, max: MAX_DAY }),
    daysBack: fc.oneof(fc.integer({ min: 0, max: 800 }), fc.integer({ min: 0, max: MAX_DAY - MIN_DAY })),
    namePrefix: fc.constantFrom("emp_", "t_", "orders_2_"),
  })
  .map(({ period, hot, future, extraRetention, asOfDay, daysBack, namePrefix }) => {
    const retention = extraRetention === undefined ? undefined : hot + extraRetention;
    const policy: TierPolicy = {
      period,
      firstPeriod: isoOf(Math.max(MIN_DAY, asOfDay - daysBack)),
      hotPeriods: hot,
      futurePeriods: future,
      archives: [{ archive: "archive" }],
      retentionPeriods: retention,
      namePrefix,
    };
    return { policy, period, hot, future, retention, asOf: isoOf(asOfDay) };
  });

const anyAsOf = fc.integer({ min: MIN_DAY, max: MAX_DAY }).map(isoOf);

/** The planned partitions whose range holds `date`. */
function holding(layout: Layout, date: string) {
  return layout.partitions.filter((p) => p.from <= date && date < p.to);
}

describe("planLayout properties", () => {
  it("lays out contiguous, non-overlapping whole periods", () => {
    fc.assert(
      fc.property(cases, ({ policy, period, asOf }) => {
        const { partitions } = planLayout(policy, asOf);
        assert.ok(partitions.length > 0);
        partitions.forEach((p, i) => {
          assert.ok(p.from < p.to, `${p.name} is empty`);
          assert.equal(p.from, periodStart(periodOf(period, p.from)), `${p.name} starts mid-period`);
          assert.equal(p.to, periodStart(addPeriods(period, periodOf(period, p.from), 1)), `${p.name} is not one period long`);
          assert.equal(p.label, periodLabel(period, periodOf(period, p.from)));
          if (i > 0) {
            assert.equal(p.from, partitions[i - 1].to, `${partitions[i - 1].name} and ${p.name} are not contiguous`);
          }
        });
      }),
      RUNS,
    );
  });

  it("routes every date in the layout's span to exactly one partition, the one of its period", () => {
    fc.assert(
      fc.property(cases, fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), ({ policy, period, asOf }, where) => {
        const layout = planLayout(policy, asOf);
        const start = dayOf(layout.partitions[0].from);
        const end = dayOf(layout.partitions[layout.partitions.length - 1].to);
        for (const date of [start, end - 1, start + Math.floor(where * (end - start))].map(isoOf)) {
          // WHEN
          const found = holding(layout, date);
          // THEN
          assert.equal(found.length, 1, date);
          assert.equal(found[0].label, periodLabel(period, periodOf(period, date)));
        }
        assert.deepEqual(holding(layout, isoOf(start - 1)), []);
        assert.deepEqual(holding(layout, isoOf(end)), []);
      }),
      RUNS,
    );
  });

  it("keeps the current period local and labels the layout with it", () => {
    fc.assert(
      fc.property(cases, ({ policy, period, asOf }) => {
        const layout = planLayout(policy, asOf);
        const found = holding(layout, asOf);
        assert.equal(found.length, 1);
        assert.equal(found[0].tier, "local");
        assert.equal(found[0].label, layout.current);
        assert.equal(layout.current, periodLabel(period, periodOf(period, asOf)));
        assert.equal(layout.asOf, asOf);
      }),
      RUNS,
    );
  });

  it("creates exactly futurePeriods partitions after the current period, all local", () => {
    fc.assert(
      fc.property(cases, ({ policy, period, future, asOf }) => {
        const nextStart = periodStart(addPeriods(period, periodOf(period, asOf), 1));
        const ahead = planLayout(policy, asOf).partitions.filter((p) => p.from >= nextStart);
        assert.equal(ahead.length, future);
        assert.ok(ahead.every((p) => p.tier === "local"));
      }),
      RUNS,
    );
  });

  it("keeps min(hotPeriods, periods since the first + 1) partitions local up to the current one, the newest ones", () => {
    fc.assert(
      fc.property(cases, ({ policy, period, hot, asOf }) => {
        const current = periodOf(period, asOf);
        const sinceFirst = periodsBetween(period, periodOf(period, policy.firstPeriod), current);
        const upToCurrent = planLayout(policy, asOf).partitions.filter((p) => p.from <= periodStart(current));
        const tiers = upToCurrent.map((p) => p.tier);
        const local = Math.min(hot, sinceFirst + 1);
        assert.deepEqual(tiers.slice(tiers.length - local), Array(local).fill("local"));
        assert.deepEqual(tiers.slice(0, tiers.length - local), Array(tiers.length - local).fill("archive"));
      }),
      RUNS,
    );
  });

  it("keeps names unique, and a name's bounds the same for any two as-of dates", () => {
    fc.assert(
      fc.property(cases, anyAsOf, ({ policy, asOf }, other) => {
        const a = planLayout(policy, asOf);
        const b = planLayout(policy, isoOf(Math.max(dayOf(policy.firstPeriod), dayOf(other))));
        for (const layout of [a, b]) {
          const names = [...layout.partitions, ...layout.decommissioned].map((p) => p.name);
          assert.equal(new Set(names).size, names.length, `duplicate names at ${layout.asOf}`);
        }
        const bName = new Map(b.partitions.map((p) => [p.name, p]));
        let shared = 0;
        for (const p of a.partitions) {
          const q = bName.get(p.name);
          if (q) {
            shared += 1;
            assert.deepEqual([q.label, q.from, q.to], [p.label, p.from, p.to], p.name);
          }
        }
        // Sharing is by name: the periods both layouts plan are exactly the shared names.
        const overlap = a.partitions.filter((p) => b.partitions.some((q) => q.from === p.from)).length;
        assert.equal(shared, overlap);
      }),
      RUNS,
    );
  });

  it("creates nothing that retention would drop at once", () => {
    fc.assert(
      fc.property(
        cases.filter((c) => c.retention !== undefined),
        ({ policy, period, retention, asOf }) => {
          const oldestKept = periodStart(addPeriods(period, periodOf(period, asOf), -((retention as number) - 1)));
          const firstStart = periodStart(periodOf(period, policy.firstPeriod));
          const { partitions } = planLayout(policy, asOf);
          assert.ok(
            partitions.every((p) => p.from >= oldestKept),
            `${partitions[0].name} starts before ${oldestKept}`,
          );
          // ...and drops no retained period: the layout starts at the later of the two.
          assert.equal(partitions[0].from, oldestKept > firstStart ? oldestKept : firstStart);
        },
      ),
      RUNS,
    );
  });

  it("decommissions only periods before the first planned one, and covers every period since firstPeriod once", () => {
    fc.assert(
      fc.property(cases, ({ policy, period, retention, asOf }) => {
        const { partitions, decommissioned } = planLayout(policy, asOf);
        assert.ok(decommissioned.every((d) => d.to <= partitions[0].from));
        if (retention === undefined) {
          assert.deepEqual(decommissioned, []);
        }
        const all = [...decommissioned, ...partitions];
        assert.equal(all[0].from, periodStart(periodOf(period, policy.firstPeriod)));
        all.forEach((p, i) => {
          assert.equal(p.to, periodStart(addPeriods(period, periodOf(period, p.from), 1)), p.name);
          if (i > 0) {
            assert.equal(p.from, all[i - 1].to, `${all[i - 1].name} then ${p.name}`);
          }
        });
        assert.equal(all[all.length - 1].to, partitions[partitions.length - 1].to);
      }),
      RUNS,
    );
  });

  it("moves exactly the oldest hot partition to the archive when the as-of date moves one period", () => {
    fc.assert(
      fc.property(cases, fc.integer({ min: 0, max: 27 }), ({ policy, period, hot, retention, asOf }, dayInPeriod) => {
        const current = periodOf(period, asOf);
        const next = isoOf(dayOf(periodStart(addPeriods(period, current, 1))) + dayInPeriod);
        const before = planLayout(policy, asOf);
        const after = planLayout(policy, next);
        // WHEN
        const tierAfter = new Map(after.partitions.map((p) => [p.name, p.tier]));
        const moved = before.partitions.filter((p) => p.tier === "local" && tierAfter.get(p.name) === "archive").map((p) => p.name);
        const revived = before.partitions.filter((p) => p.tier === "archive" && tierAfter.get(p.name) === "local");
        // THEN
        assert.ok(moved.length <= 1, `moved ${moved.join(", ")}`);
        assert.deepEqual(revived, []);
        const oldestHot = addPeriods(period, current, -(hot - 1));
        const rotates = oldestHot >= periodOf(period, policy.firstPeriod) && (retention === undefined || retention > hot);
        assert.deepEqual(moved, rotates ? [`${policy.namePrefix}${periodLabel(period, oldestHot)}`] : []);
      }),
      RUNS,
    );
  });
});
