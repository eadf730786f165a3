import assert from "node:assert/strict";
import { boundsVerdict } from "../../cli/diagnose/bounds";
import { staleAfter, statisticsVerdict } from "../../cli/diagnose/statistics";
import { formatVerdict } from "../../cli/diagnose/verdict";

const table = {
  archive: "archive",
  schema: "public",
  table: "emp_2024",
  partitionKey: "hire_date",
  bounds: { from: "2024-01-01", to: "2025-01-01" },
};
const pgtiers = {
  name: "emp_2024_bounds",
  def: "CHECK (((hire_date >= '2024-01-01'::date) AND (hire_date < '2025-01-01'::date)))",
  validated: true,
};

describe("cli: the bounds CHECK of an archive table", () => {
  it("passes with pgtier's constraint, or any constraint on the same bounds", () => {
    assert.equal(
      formatVerdict(boundsVerdict({ ...table, constraints: [pgtiers] })),
      'ok    bounds CHECK  public.emp_2024 on archive "archive" (emp_2024_bounds)',
    );
    // The guide's own, unnamed: PostgreSQL calls it emp_2024_hire_date_check.
    const guides = { ...pgtiers, name: "emp_2024_hire_date_check" };
    assert.equal(boundsVerdict({ ...table, constraints: [guides] }).status, "ok");
  });

  it("fails without one, with the ALTER TABLE that adds it", () => {
    // WHEN
    const line = formatVerdict(boundsVerdict({ ...table, constraints: [] }));
    // THEN
    assert.equal(
      line,
      `FAIL  bounds CHECK  public.emp_2024 on archive "archive": no CHECK constraint pins hire_date to the partition's bounds [2024-01-01, 2025-01-01) — on the archive: ALTER TABLE "public"."emp_2024" ADD CONSTRAINT "emp_2024_bounds" CHECK ("hire_date" >= '2024-01-01' AND "hire_date" < '2025-01-01')`,
    );
  });

  it("fails on a constraint of other bounds, or one NOT VALID", () => {
    const other = { ...pgtiers, def: "CHECK (((hire_date >= '2023-01-01'::date) AND (hire_date < '2024-01-01'::date)))" };
    assert.match(
      formatVerdict(boundsVerdict({ ...table, constraints: [other] })),
      /does not match .* DROP CONSTRAINT "emp_2024_bounds", ADD CONSTRAINT/,
    );
    assert.match(
      formatVerdict(boundsVerdict({ ...table, constraints: [{ ...pgtiers, validated: false }] })),
      /is NOT VALID, .* VALIDATE CONSTRAINT "emp_2024_bounds"$/,
    );
  });

  it("is skipped when the table is not there", () => {
    assert.equal(boundsVerdict(table).status, "skip");
  });
});

describe("cli: the statistics of an archive table", () => {
  it("uses autovacuum's rule: 50 rows plus 10%", () => {
    assert.equal(staleAfter(-1), 50);
    assert.equal(staleAfter(0), 50);
    assert.equal(staleAfter(10_000), 1050);
  });

  it("passes below the threshold", () => {
    const v = statisticsVerdict("archive", "public", "emp_2024", { reltuples: 1000, liveRows: 1100, modifiedSinceAnalyze: 100 });
    assert.equal(formatVerdict(v), 'ok    statistics  public.emp_2024 on archive "archive" (100 rows changed since the last ANALYZE)');
  });

  it("fails after a bulk load without ANALYZE, with the ANALYZE to run", () => {
    // WHEN
    const v = statisticsVerdict("archive", "public", "emp_2024", {
      reltuples: 4,
      liveRows: 5004,
      modifiedSinceAnalyze: 5000,
      lastAnalyze: "2025-06-15T10:00:00Z",
    });
    // THEN
    assert.equal(
      formatVerdict(v),
      'FAIL  statistics  public.emp_2024 on archive "archive": stale statistics: 5000 rows changed since its last ANALYZE (2025-06-15T10:00:00Z), more than 50 (50 + 10% of its 4 rows) — on the archive: ANALYZE "public"."emp_2024"; then on the main instance ANALYZE the foreign partition too if its server does not use use_remote_estimate',
    );
  });

  it("says never analyzed when it never was", () => {
    const v = statisticsVerdict("archive", "public", "emp_2024", { reltuples: -1, liveRows: 600, modifiedSinceAnalyze: 600 });
    assert.match(formatVerdict(v), /600 rows changed since it was created \(never analyzed\)/);
  });
});
