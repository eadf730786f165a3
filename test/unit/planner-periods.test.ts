import assert from "node:assert/strict";
import { addPeriods, MONTHS_IN, parseIsoDate, periodLabel, periodOf, periodsBetween, periodStart } from "../../components/planner/periods";

/** The year period containing mid-June of `year`. */
function y(year: number): number {
  return periodOf("year", `${year}-06-15`);
}

describe("parseIsoDate", () => {
  it("splits a real date into year, month and day", () => {
    assert.deepEqual(parseIsoDate("2024-12-31"), { year: 2024, month: 12, day: 31 });
    assert.deepEqual(parseIsoDate("2025-01-01"), { year: 2025, month: 1, day: 1 });
  });

  it("accepts 29 February in a leap year only", () => {
    assert.deepEqual(parseIsoDate("2024-02-29"), { year: 2024, month: 2, day: 29 });
    assert.deepEqual(parseIsoDate("2000-02-29"), { year: 2000, month: 2, day: 29 });
    assert.equal(parseIsoDate("2023-02-29"), undefined);
    assert.equal(parseIsoDate("2100-02-29"), undefined); // divisible by 100, not by 400
  });

  it("refuses dates that do not exist and strings that are not YYYY-MM-DD", () => {
    for (const bad of [
      "2024-13-01",
      "2024-00-10",
      "2024-04-31",
      "2024-01-00",
      "2024-1-01",
      "24-01-01",
      "2024-01-01T00:00:00Z",
      " 2024-01-01",
      "2024/01/01",
      "",
    ]) {
      assert.equal(parseIsoDate(bad), undefined, bad);
    }
  });

  it("accepts dates in years 100 to 999", () => {
    assert.deepEqual(parseIsoDate("0100-01-01"), { year: 100, month: 1, day: 1 });
    assert.deepEqual(parseIsoDate("0999-12-31"), { year: 999, month: 12, day: 31 });
  });

  it("accepts dates in years 0000 to 0099 (PostgreSQL does)", () => {
    assert.deepEqual(parseIsoDate("0050-06-15"), { year: 50, month: 6, day: 15 });
    assert.deepEqual(parseIsoDate("0000-01-01"), { year: 0, month: 1, day: 1 });
    assert.equal(periodLabel("year", periodOf("year", "0050-06-15")), "0050");
  });
});

describe("periodOf", () => {
  it("counts months since year 0, rounded down to the period's first month", () => {
    assert.equal(periodOf("month", "2024-02-29"), 2024 * 12 + 1);
    assert.equal(periodOf("quarter", "2024-02-29"), 2024 * 12);
    assert.equal(periodOf("quarter", "2024-05-10"), 2024 * 12 + 3);
    assert.equal(periodOf("year", "2024-02-29"), 2024 * 12);
    assert.equal(periodOf("year", "2024-12-31"), 2024 * 12);
  });

  it("puts the last and first day of a year in consecutive periods of every kind", () => {
    for (const period of ["month", "quarter", "year"] as const) {
      // WHEN
      const last = periodOf(period, "2024-12-31");
      const first = periodOf(period, "2025-01-01");
      // THEN
      assert.equal(first, addPeriods(period, last, 1), period);
      assert.equal(periodStart(first), "2025-01-01", period);
    }
  });

  it("puts every day of a quarter in the same period, and the next day in the next one", () => {
    assert.equal(periodOf("quarter", "2024-04-01"), periodOf("quarter", "2024-06-30"));
    assert.equal(periodOf("quarter", "2024-07-01"), addPeriods("quarter", periodOf("quarter", "2024-06-30"), 1));
  });

  it("throws a clear error for a string that is not a date", () => {
    // WHEN / THEN
    assert.throws(() => periodOf("month", "next tuesday"), { message: '"next tuesday" is not an ISO date (YYYY-MM-DD)' });
    assert.throws(() => periodOf("year", "2023-02-29"), { message: '"2023-02-29" is not an ISO date (YYYY-MM-DD)' });
    assert.throws(() => periodOf("quarter", "2024-01-01T10:00:00Z"), { message: '"2024-01-01T10:00:00Z" is not an ISO date (YYYY-MM-DD)' });
  });
});

describe("addPeriods, periodsBetween and periodStart", () => {
  it("has 1, 3 and 12 months in a month, quarter and year", () => {
    assert.deepEqual(MONTHS_IN, { month: 1, quarter: 3, year: 12 });
  });

  it("moves forward and back across year boundaries", () => {
    const dec2024 = periodOf("month", "2024-12-31");
    assert.equal(periodStart(addPeriods("month", dec2024, 1)), "2025-01-01");
    assert.equal(periodStart(addPeriods("month", dec2024, -12)), "2023-12-01");
    assert.equal(periodStart(addPeriods("month", dec2024, 0)), "2024-12-01");

    const q4 = periodOf("quarter", "2024-11-15");
    assert.equal(periodStart(addPeriods("quarter", q4, 1)), "2025-01-01");
    assert.equal(periodStart(addPeriods("quarter", q4, -4)), "2023-10-01");

    const y2024 = periodOf("year", "2024-02-29");
    assert.equal(periodStart(addPeriods("year", y2024, 1)), "2025-01-01");
    assert.equal(periodStart(addPeriods("year", y2024, -24)), "2000-01-01");
  });

  it("counts periods between two period indexes, signed", () => {
    const jan2024 = periodOf("month", "2024-01-20");
    const mar2025 = periodOf("month", "2025-03-01");
    assert.equal(periodsBetween("month", jan2024, mar2025), 14);
    assert.equal(periodsBetween("month", mar2025, jan2024), -14);
    assert.equal(periodsBetween("quarter", periodOf("quarter", "2024-01-20"), periodOf("quarter", "2025-03-01")), 4);
    assert.equal(periodsBetween("year", periodOf("year", "2024-01-20"), periodOf("year", "2025-03-01")), 1);
    assert.equal(periodsBetween("year", y(2031), y(2024)), -7);
  });

  it("starts a period on the first day of its first month, zero-padded", () => {
    assert.equal(periodStart(periodOf("month", "2024-02-29")), "2024-02-01");
    assert.equal(periodStart(periodOf("quarter", "2024-02-29")), "2024-01-01");
    assert.equal(periodStart(periodOf("quarter", "2024-09-30")), "2024-07-01");
    assert.equal(periodStart(periodOf("quarter", "2024-10-01")), "2024-10-01");
    assert.equal(periodStart(periodOf("year", "2024-12-31")), "2024-01-01");
    assert.equal(periodStart(periodOf("year", "0999-07-04")), "0999-01-01");
  });
});

describe("periodLabel", () => {
  it("labels years, quarters and months as in partition names", () => {
    assert.equal(periodLabel("year", periodOf("year", "2024-02-29")), "2024");
    assert.equal(periodLabel("quarter", periodOf("quarter", "2024-02-29")), "2024_q1");
    assert.equal(periodLabel("month", periodOf("month", "2024-02-29")), "2024_02");
    assert.equal(periodLabel("month", periodOf("month", "2024-01-31")), "2024_01");
  });

  it("numbers the four quarters by the months they start on", () => {
    const labels = ["2024-01-01", "2024-04-01", "2024-07-01", "2024-10-01", "2024-12-31"].map((d) =>
      periodLabel("quarter", periodOf("quarter", d)),
    );
    assert.deepEqual(labels, ["2024_q1", "2024_q2", "2024_q3", "2024_q4", "2024_q4"]);
  });

  it("changes label across the year boundary for every kind of period", () => {
    for (const [period, before, after] of [
      ["year", "2024", "2025"],
      ["quarter", "2024_q4", "2025_q1"],
      ["month", "2024_12", "2025_01"],
    ] as const) {
      assert.equal(periodLabel(period, periodOf(period, "2024-12-31")), before);
      assert.equal(periodLabel(period, periodOf(period, "2025-01-01")), after);
    }
  });

  it("zero-pads years before 1000 and months before October", () => {
    assert.equal(periodLabel("year", periodOf("year", "0999-12-31")), "0999");
    assert.equal(periodLabel("month", periodOf("month", "0999-09-30")), "0999_09");
    assert.equal(periodLabel("month", periodOf("month", "2024-10-01")), "2024_10");
  });
});
