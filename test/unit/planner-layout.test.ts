import assert from "node:assert/strict";
import { formatTimeline, planLayout, PlannedPartition, TierPolicy, validatePolicy } from "../../components/planner/plan-layout";
import { guidePolicy } from "./fixtures";

/** The guide's policy: one partition a year, the current year local, seven years kept. */
const guide: TierPolicy = guidePolicy;

/** Monthly partitions whose archived months are spread over two archive instances at July 2025. */
const events: TierPolicy = {
  period: "month",
  firstPeriod: "2025-03-15",
  hotPeriods: 2,
  futurePeriods: 1,
  archives: [
    { archive: "a1", to: "2025-07-01" },
    { archive: "a2", from: "2025-07-01" },
  ],
  namePrefix: "ev_",
};

/** One expected partition; `where` is "local" or the archive instance's key. */
function part(name: string, label: string, from: string, to: string, where: string): PlannedPartition {
  return where === "local" ? { name, label, from, to, tier: "local" } : { name, label, from, to, tier: "archive", archive: where };
}

function emp(year: number, where: string): PlannedPartition {
  return part(`emp_${year}`, String(year), `${year}-01-01`, `${year + 1}-01-01`, where);
}

function invalid(...reasons: string[]): { message: string } {
  return { message: `tiering policy is invalid:\n${reasons.map((r) => `  - ${r}`).join("\n")}` };
}

describe("planLayout", () => {
  describe("the guide's yearly policy", () => {
    it("archives 2024, keeps 2025 local and creates 2026 ahead, mid-2025", () => {
      // WHEN
      const layout = planLayout(guide, "2025-06-01");
      // THEN
      assert.deepEqual(layout, {
        asOf: "2025-06-01",
        current: "2025",
        partitions: [emp(2024, "archive"), emp(2025, "local"), emp(2026, "local")],
        decommissioned: [],
      });
    });

    it("gives the same layout on the last day of 2025", () => {
      assert.deepEqual(planLayout(guide, "2025-12-31").partitions, planLayout(guide, "2025-06-01").partitions);
      assert.equal(planLayout(guide, "2025-12-31").current, "2025");
    });

    it("moves 2025 to the archive and creates 2027 on 2026-01-01", () => {
      // WHEN
      const layout = planLayout(guide, "2026-01-01");
      // THEN
      assert.deepEqual(layout, {
        asOf: "2026-01-01",
        current: "2026",
        partitions: [emp(2024, "archive"), emp(2025, "archive"), emp(2026, "local"), emp(2027, "local")],
        decommissioned: [],
      });
    });

    it("keeps seven years in 2030 and decommissions 2024 in 2031", () => {
      assert.deepEqual(planLayout(guide, "2030-12-31").decommissioned, []);
      assert.equal(planLayout(guide, "2030-12-31").partitions[0].name, "emp_2024");

      // WHEN
      const layout = planLayout(guide, "2031-03-01");
      // THEN
      assert.deepEqual(layout, {
        asOf: "2031-03-01",
        current: "2031",
        partitions: [
          emp(2025, "archive"),
          emp(2026, "archive"),
          emp(2027, "archive"),
          emp(2028, "archive"),
          emp(2029, "archive"),
          emp(2030, "archive"),
          emp(2031, "local"),
          emp(2032, "local"),
        ],
        decommissioned: [{ name: "emp_2024", label: "2024", from: "2024-01-01", to: "2025-01-01", archive: "archive" }],
      });
    });

    it("starts at the period containing firstPeriod, not at firstPeriod itself", () => {
      // WHEN
      const layout = planLayout({ ...guide, firstPeriod: "2024-07-15" }, "2025-06-01");
      // THEN
      assert.deepEqual(layout.partitions[0], emp(2024, "archive"));
    });

    it("returns a frozen layout: the layout, its lists and every partition", () => {
      // WHEN
      const layout = planLayout(guide, "2031-03-01");
      // THEN
      assert.equal(Object.isFrozen(layout), true);
      assert.equal(Object.isFrozen(layout.partitions), true);
      assert.equal(Object.isFrozen(layout.decommissioned), true);
      assert.equal(layout.partitions.length, 8);
      assert.equal(layout.decommissioned.length, 1);
      for (const p of [...layout.partitions, ...layout.decommissioned]) {
        assert.equal(Object.isFrozen(p), true, p.name);
      }
      assert.throws(() => (layout.partitions as PlannedPartition[]).push(emp(2040, "local")), TypeError);
    });
  });

  describe("archive placement rules", () => {
    it("spreads archived months over two archive instances by their from/to rules", () => {
      // WHEN
      const layout = planLayout(events, "2025-10-10");
      // THEN
      assert.deepEqual(layout, {
        asOf: "2025-10-10",
        current: "2025_10",
        partitions: [
          part("ev_2025_03", "2025_03", "2025-03-01", "2025-04-01", "a1"),
          part("ev_2025_04", "2025_04", "2025-04-01", "2025-05-01", "a1"),
          part("ev_2025_05", "2025_05", "2025-05-01", "2025-06-01", "a1"),
          part("ev_2025_06", "2025_06", "2025-06-01", "2025-07-01", "a1"),
          part("ev_2025_07", "2025_07", "2025-07-01", "2025-08-01", "a2"),
          part("ev_2025_08", "2025_08", "2025-08-01", "2025-09-01", "a2"),
          part("ev_2025_09", "2025_09", "2025-09-01", "2025-10-01", "local"),
          part("ev_2025_10", "2025_10", "2025-10-01", "2025-11-01", "local"),
          part("ev_2025_11", "2025_11", "2025-11-01", "2025-12-01", "local"),
        ],
        decommissioned: [],
      });
    });

    it("refuses rules that overlap, naming both and the fix", () => {
      assert.deepEqual(validatePolicy({ ...events, archives: [{ archive: "a1", to: "2025-05-01" }, { archive: "a2" }] }), [
        {
          property: "archives[1]",
          reason:
            'archives[0] (a1, [the first period, 2025-05-01)) and archives[1] (a2, [the first period, on)) overlap: a period must have one archive instance; to keep each period where it is (the earlier rule wins today), give archives[1] from: "2025-05-01" so it starts where archives[0] ends',
        },
      ]);
      assert.deepEqual(
        validatePolicy({
          ...events,
          archives: [
            { archive: "a", to: "2026-01-01" },
            { archive: "b", from: "2025-01-01" },
          ],
        }).map((f) => f.reason),
        [
          'archives[0] (a, [the first period, 2026-01-01)) and archives[1] (b, [2025-01-01, on)) overlap: a period must have one archive instance; to keep each period where it is (the earlier rule wins today), give archives[1] from: "2026-01-01" so it starts where archives[0] ends',
        ],
      );
    });

    it("suggests keeping each period where the first rule put it: a rule inside another holds nothing", () => {
      assert.deepEqual(
        validatePolicy({ ...events, archives: [{ archive: "a" }, { archive: "b", from: "2025-01-01" }] }).map((f) => f.reason),
        [
          'archives[0] (a, [the first period, on)) and archives[1] (b, [2025-01-01, on)) overlap: a period must have one archive instance; to keep each period where it is (the earlier rule wins today), archives[1] holds no period archives[0] does not hold first; remove it, or give archives[0] to: "2025-01-01" to move the periods from 2025-01-01 on to b',
        ],
      );
    });

    it("places each period on the rule that covers it", () => {
      // WHEN
      const layout = planLayout(
        {
          ...events,
          archives: [
            { archive: "a1", to: "2025-05-01" },
            { archive: "a2", from: "2025-05-01" },
          ],
        },
        "2025-10-10",
      );
      // THEN
      assert.deepEqual(
        layout.partitions.map((p) => `${p.label}:${p.archive ?? p.tier}`),
        [
          "2025_03:a1",
          "2025_04:a1",
          "2025_05:a2",
          "2025_06:a2",
          "2025_07:a2",
          "2025_08:a2",
          "2025_09:local",
          "2025_10:local",
          "2025_11:local",
        ],
      );
    });

    it("refuses an archived period that no rule covers, naming the partition and its bounds", () => {
      // WHEN / THEN
      assert.throws(() => planLayout({ ...guide, archives: [{ archive: "archive", from: "2025-01-01" }] }, "2026-01-01"), {
        message:
          "tiering policy places no archive instance for emp_2024 [2024-01-01, 2025-01-01); add an archives rule covering it (a rule without from/to covers every period)",
      });
    });

    it("names every uncovered partition when rules leave a gap", () => {
      // WHEN / THEN
      assert.throws(
        () =>
          planLayout(
            {
              ...events,
              archives: [
                { archive: "a1", to: "2025-05-01" },
                { archive: "a2", from: "2025-07-01" },
              ],
            },
            "2025-10-10",
          ),
        {
          message:
            "tiering policy places no archive instance for ev_2025_05 [2025-05-01, 2025-06-01), ev_2025_06 [2025-06-01, 2025-07-01); add an archives rule covering them (a rule without from/to covers every period)",
        },
      );
    });

    it("needs no archive rule while every period is still hot", () => {
      // WHEN
      const layout = planLayout({ ...guide, hotPeriods: 3, archives: [] }, "2026-06-01");
      // THEN
      assert.deepEqual(layout.partitions, [emp(2024, "local"), emp(2025, "local"), emp(2026, "local"), emp(2027, "local")]);
      assert.throws(() => planLayout({ ...guide, hotPeriods: 3, archives: [] }, "2027-01-01"), /no archive instance for emp_2024 \[/);
    });
  });

  describe("other periods and counts", () => {
    it("lays out quarters, with two hot, two ahead and five kept", () => {
      // GIVEN
      const orders: TierPolicy = {
        period: "quarter",
        firstPeriod: "2024-02-10",
        hotPeriods: 2,
        futurePeriods: 2,
        archives: [{ archive: "cold" }],
        retentionPeriods: 5,
        namePrefix: "orders_",
      };
      // WHEN
      const layout = planLayout(orders, "2025-05-20");
      // THEN
      assert.deepEqual(layout, {
        asOf: "2025-05-20",
        current: "2025_q2",
        partitions: [
          part("orders_2024_q2", "2024_q2", "2024-04-01", "2024-07-01", "cold"),
          part("orders_2024_q3", "2024_q3", "2024-07-01", "2024-10-01", "cold"),
          part("orders_2024_q4", "2024_q4", "2024-10-01", "2025-01-01", "cold"),
          part("orders_2025_q1", "2025_q1", "2025-01-01", "2025-04-01", "local"),
          part("orders_2025_q2", "2025_q2", "2025-04-01", "2025-07-01", "local"),
          part("orders_2025_q3", "2025_q3", "2025-07-01", "2025-10-01", "local"),
          part("orders_2025_q4", "2025_q4", "2025-10-01", "2026-01-01", "local"),
        ],
        decommissioned: [{ name: "orders_2024_q1", label: "2024_q1", from: "2024-01-01", to: "2024-04-01", archive: "cold" }],
      });
    });

    it("keeps hotPeriods periods local, counting the current one", () => {
      // WHEN
      const layout = planLayout({ ...guide, hotPeriods: 3 }, "2027-03-01");
      // THEN
      assert.deepEqual(layout.partitions, [
        emp(2024, "archive"),
        emp(2025, "local"),
        emp(2026, "local"),
        emp(2027, "local"),
        emp(2028, "local"),
      ]);
    });

    it("creates nothing ahead with futurePeriods 0", () => {
      // WHEN
      const layout = planLayout({ ...guide, futurePeriods: 0 }, "2025-06-01");
      // THEN
      assert.deepEqual(layout.partitions, [emp(2024, "archive"), emp(2025, "local")]);
    });

    it("creates several periods ahead, all local", () => {
      // WHEN
      const layout = planLayout({ ...guide, futurePeriods: 3 }, "2025-06-01");
      // THEN
      assert.deepEqual(layout.partitions, [
        emp(2024, "archive"),
        emp(2025, "local"),
        emp(2026, "local"),
        emp(2027, "local"),
        emp(2028, "local"),
      ]);
    });

    it("defaults to one hot period, one ahead and keeping everything", () => {
      // WHEN
      const layout = planLayout(
        { period: "year", firstPeriod: "2020-03-01", archives: [{ archive: "archive" }], namePrefix: "emp_" },
        "2040-01-01",
      );
      // THEN
      assert.equal(layout.partitions.length, 22);
      assert.deepEqual(layout.partitions[0], emp(2020, "archive"));
      assert.deepEqual(layout.partitions.slice(-3), [emp(2039, "archive"), emp(2040, "local"), emp(2041, "local")]);
      assert.deepEqual(layout.decommissioned, []);
    });

    it("keeps the current period even with retentionPeriods 1", () => {
      // WHEN
      const layout = planLayout({ ...guide, retentionPeriods: 1 }, "2026-06-01");
      // THEN
      assert.deepEqual(layout.partitions, [emp(2026, "local"), emp(2027, "local")]);
      assert.deepEqual(
        layout.decommissioned.map((p) => p.name),
        ["emp_2024", "emp_2025"],
      );
    });
  });
});

describe("validatePolicy", () => {
  it("accepts the guide's policy and the two-archive monthly policy", () => {
    assert.deepEqual(validatePolicy(guide), []);
    assert.deepEqual(validatePolicy(events), []);
  });

  it("refuses an unknown period", () => {
    const policy = { ...guide, period: "week" } as unknown as TierPolicy;
    assert.deepEqual(validatePolicy(policy), [{ property: "period", reason: 'period must be "month", "quarter" or "year", got "week"' }]);
  });

  it("refuses a firstPeriod that is not a real ISO date", () => {
    assert.deepEqual(validatePolicy({ ...guide, firstPeriod: "2023-02-29" }), [
      { property: "firstPeriod", reason: 'firstPeriod "2023-02-29" is not an ISO date (YYYY-MM-DD)' },
    ]);
    assert.deepEqual(validatePolicy({ ...guide, firstPeriod: "2024" }), [
      { property: "firstPeriod", reason: 'firstPeriod "2024" is not an ISO date (YYYY-MM-DD)' },
    ]);
  });

  it("refuses hotPeriods 0 and a fractional hotPeriods", () => {
    assert.deepEqual(validatePolicy({ ...guide, hotPeriods: 0 }), [
      { property: "hotPeriods", reason: "hotPeriods must be an integer of at least 1, got 0" },
    ]);
    assert.deepEqual(validatePolicy({ ...guide, hotPeriods: 1.5 }), [
      { property: "hotPeriods", reason: "hotPeriods must be an integer of at least 1, got 1.5" },
    ]);
  });

  it("refuses a negative futurePeriods but accepts 0", () => {
    assert.deepEqual(validatePolicy({ ...guide, futurePeriods: -1 }), [
      { property: "futurePeriods", reason: "futurePeriods must be an integer of at least 0, got -1" },
    ]);
    assert.deepEqual(validatePolicy({ ...guide, futurePeriods: 0 }), []);
  });

  it("refuses retentionPeriods below hotPeriods, explaining that local partitions would never be archived", () => {
    assert.deepEqual(validatePolicy({ ...guide, hotPeriods: 3, retentionPeriods: 2 }), [
      {
        property: "retentionPeriods",
        reason:
          "retentionPeriods (2) is less than hotPeriods (3): local partitions would be decommissioned without ever being archived; keep at least 3",
      },
    ]);
    assert.deepEqual(validatePolicy({ ...guide, hotPeriods: 3, retentionPeriods: 3 }), []);
  });

  it("refuses a namePrefix that is not lower-case letters, digits and underscores", () => {
    for (const bad of ["Emp_", "emp-", "2024_", "emp ", ""]) {
      assert.deepEqual(
        validatePolicy({ ...guide, namePrefix: bad }),
        [
          {
            property: "namePrefix",
            reason: `namePrefix ${JSON.stringify(bad)} must be lower-case letters, digits and underscores, e.g. "emp_"`,
          },
        ],
        bad,
      );
    }
    assert.deepEqual(validatePolicy({ ...guide, namePrefix: "_t2_" }), []);
  });

  it("refuses a placement rule whose from is not before its to", () => {
    for (const [from, to] of [
      ["2025-07-01", "2025-07-01"],
      ["2025-08-01", "2025-07-01"],
    ]) {
      assert.deepEqual(validatePolicy({ ...events, archives: [{ archive: "a1" }, { archive: "a2", from, to }] }), [
        { property: "archives[1]", reason: `archives[1] (a2) holds no period: from ${from} is not before to ${to}` },
      ]);
    }
  });

  it("refuses a placement rule date that is not an ISO date", () => {
    assert.deepEqual(validatePolicy({ ...events, archives: [{ archive: "a1", from: "2025-02-30", to: "2025-13-01" }] }), [
      { property: "archives[0].from", reason: 'archives[0].from "2025-02-30" is not an ISO date (YYYY-MM-DD)' },
      { property: "archives[0].to", reason: 'archives[0].to "2025-13-01" is not an ISO date (YYYY-MM-DD)' },
    ]);
  });
});

describe("planLayout validation", () => {
  it("throws every policy problem at once, one line each", () => {
    // GIVEN
    const policy = { ...guide, period: "week", hotPeriods: 0, namePrefix: "Emp" } as unknown as TierPolicy;
    // WHEN / THEN
    assert.throws(
      () => planLayout(policy, "soon"),
      invalid(
        'period must be "month", "quarter" or "year", got "week"',
        "hotPeriods must be an integer of at least 1, got 0",
        'namePrefix "Emp" must be lower-case letters, digits and underscores, e.g. "emp_"',
        'asOf "soon" is not an ISO date (YYYY-MM-DD); set pgtier:asOf like 2026-01-01',
      ),
    );
  });

  it("refuses an as-of date that is not an ISO date, pointing at pgtier:asOf", () => {
    for (const asOf of ["01/06/2025", "2025-02-29", ""]) {
      assert.throws(
        () => planLayout(guide, asOf),
        invalid(`asOf ${JSON.stringify(asOf)} is not an ISO date (YYYY-MM-DD); set pgtier:asOf like 2026-01-01`),
        asOf,
      );
    }
  });

  it("throws the policy's own problems before looking at dates", () => {
    assert.throws(
      () => planLayout({ ...guide, futurePeriods: -1 }, "2025-06-01"),
      invalid("futurePeriods must be an integer of at least 0, got -1"),
    );
    assert.throws(
      () => planLayout({ ...guide, hotPeriods: 2, retentionPeriods: 1 }, "2025-06-01"),
      invalid(
        "retentionPeriods (1) is less than hotPeriods (2): local partitions would be decommissioned without ever being archived; keep at least 2",
      ),
    );
    assert.throws(
      () => planLayout({ ...events, archives: [{ archive: "a1", from: "2025-07-01", to: "2025-03-01" }] }, "2025-10-10"),
      invalid("archives[0] (a1) holds no period: from 2025-07-01 is not before to 2025-03-01"),
    );
  });
});

describe("formatTimeline", () => {
  it("prints the guide's layout in 2025, marking the current period", () => {
    assert.deepEqual(formatTimeline(planLayout(guide, "2025-06-01")), [
      "2024  emp_2024  [2024-01-01, 2025-01-01)  archive  archive",
      "2025  emp_2025  [2025-01-01, 2026-01-01)  local    main  <- current",
      "2026  emp_2026  [2026-01-01, 2027-01-01)  local    main",
    ]);
  });

  it("prints decommissioned partitions first, in 2031", () => {
    assert.deepEqual(formatTimeline(planLayout(guide, "2031-03-01")), [
      "2024  emp_2024  [2024-01-01, 2025-01-01)  decommissioned",
      "2025  emp_2025  [2025-01-01, 2026-01-01)  archive  archive",
      "2026  emp_2026  [2026-01-01, 2027-01-01)  archive  archive",
      "2027  emp_2027  [2027-01-01, 2028-01-01)  archive  archive",
      "2028  emp_2028  [2028-01-01, 2029-01-01)  archive  archive",
      "2029  emp_2029  [2029-01-01, 2030-01-01)  archive  archive",
      "2030  emp_2030  [2030-01-01, 2031-01-01)  archive  archive",
      "2031  emp_2031  [2031-01-01, 2032-01-01)  local    main  <- current",
      "2032  emp_2032  [2032-01-01, 2033-01-01)  local    main",
    ]);
  });

  it("names the archive instance of each archived month", () => {
    assert.deepEqual(formatTimeline(planLayout(events, "2025-09-01")).slice(3, 7), [
      "2025_06  ev_2025_06  [2025-06-01, 2025-07-01)  archive  a1",
      "2025_07  ev_2025_07  [2025-07-01, 2025-08-01)  archive  a2",
      "2025_08  ev_2025_08  [2025-08-01, 2025-09-01)  local    main",
      "2025_09  ev_2025_09  [2025-09-01, 2025-10-01)  local    main  <- current",
    ]);
  });
});

describe("planLayout: limits on names and dates", () => {
  it("refuses a name prefix that would push partition names past 63 bytes", () => {
    // WHEN
    const failures = validatePolicy({ ...guide, namePrefix: "p".repeat(57) });
    // THEN
    assert.deepEqual(failures, [
      {
        property: "namePrefix",
        reason: `namePrefix "${"p".repeat(57)}" is longer than 56 characters; with a period label (up to 7) partition names would pass PostgreSQL's 63-byte limit`,
      },
    ]);
    assert.deepEqual(validatePolicy({ ...guide, namePrefix: "p".repeat(56) }), []);
  });

  it("reports retentionPeriods 0 once", () => {
    assert.deepEqual(validatePolicy({ ...guide, retentionPeriods: 0 }), [
      { property: "retentionPeriods", reason: "retentionPeriods must be an integer of at least 1, got 0" },
    ]);
  });

  it("refuses a firstPeriod after the as-of date, which would leave the current period without a partition", () => {
    assert.throws(
      () => planLayout({ ...guide, firstPeriod: "2027-01-01" }, "2026-06-01"),
      invalid(
        "firstPeriod 2027-01-01 is after asOf 2026-06-01: the current period would have no partition; set firstPeriod on or before asOf",
      ),
    );
  });
});
