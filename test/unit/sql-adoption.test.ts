import assert from "node:assert/strict";
import {
  boundsCheckPlan,
  buildBoundsCheckSteps,
  buildRowOutsideBoundsSql,
  hasBoundsCheck,
  missingIndexes,
  partitionsInTheWay,
  unplannedPartitions,
} from "../../components/sql/adoption";

describe("adoption: what a table built by hand lacks, and what stands in the way", () => {
  it("counts an index with the same columns and uniqueness as the program's, whatever its name", () => {
    const found = [
      { name: "idx_emp_2024_date", columns: ["hire_date"], unique: false },
      { name: "by_name_and_date", columns: ["name", "hire_date"], unique: false },
    ];
    const wanted = [
      { name: "idx_emp_date", columns: ["hire_date"] },
      { name: "idx_emp_name", columns: ["name"] },
      { name: "idx_emp_date_unique", columns: ["hire_date"], unique: true },
    ];
    assert.deepEqual(
      missingIndexes(found, wanted).map((ix) => ix.name),
      ["idx_emp_name", "idx_emp_date_unique"],
    );
  });

  it("finds the guide's CHECK as pg_get_constraintdef prints it, and only a validated one on the key and these bounds", () => {
    const guide = "CHECK (((hire_date >= '2024-01-01'::date) AND (hire_date < '2025-01-01'::date)))";
    const bounds = { from: "2024-01-01", to: "2025-01-01" };
    assert.equal(hasBoundsCheck([{ def: guide, validated: true }], "hire_date", bounds), true);
    assert.equal(hasBoundsCheck([{ def: guide, validated: false }], "hire_date", bounds), false, "NOT VALID");
    assert.equal(hasBoundsCheck([{ def: guide, validated: true }], "hire_date", { from: "2024-01-01", to: "2024-07-01" }), false);
    assert.equal(hasBoundsCheck([{ def: guide.replace(/hire_date/g, "born"), validated: true }], "hire_date", bounds), false);
    assert.equal(hasBoundsCheck([], "hire_date", bounds), false);
  });

  it("names a default partition and partitions whose ranges overlap the new one, not those beside it", () => {
    const partitions = [
      { schema: "public", name: "emp_2024", bound: "FOR VALUES FROM ('2024-01-01') TO ('2025-01-01')" },
      { schema: "public", name: "employees_2025", bound: "FOR VALUES FROM ('2025-01-01') TO ('2026-01-01')" },
      { schema: "hist", name: "h2_2025", bound: "FOR VALUES FROM ('2025-07-01') TO ('2026-01-01')" },
      { schema: "public", name: "emp_2026", bound: "FOR VALUES FROM ('2026-01-01') TO ('2027-01-01')" },
      { schema: "public", name: "rest", bound: "DEFAULT" },
      { schema: "public", name: "emp_2025", bound: "FOR VALUES FROM ('2025-01-01') TO ('2026-01-01')" },
    ];
    assert.deepEqual(partitionsInTheWay(partitions, { schema: "public", name: "emp_2025" }, { from: "2025-01-01", to: "2026-01-01" }), [
      { schema: "public", name: "employees_2025", bounds: { from: "2025-01-01", to: "2026-01-01" } },
      { schema: "hist", name: "h2_2025", bounds: { from: "2025-07-01", to: "2026-01-01" } },
      { schema: "public", name: "rest" },
    ]);
  });

  it("compares numeric bounds by value", () => {
    const partitions = [{ schema: "public", name: "p9", bound: "FOR VALUES FROM (9) TO (10)" }];
    const self = { schema: "public", name: "p" };
    assert.deepEqual(partitionsInTheWay(partitions, self, { from: "10", to: "100" }), []);
    assert.equal(partitionsInTheWay(partitions, self, { from: "5", to: "100" }).length, 1);
  });

  it("lists the partitions found that the layout does not name, saying which planned one shares their bounds", () => {
    const found = [
      { schema: "public", name: "emp_2024", bound: "FOR VALUES FROM ('2024-01-01') TO ('2025-01-01')" },
      { schema: "public", name: "employees_2025", bound: "FOR VALUES FROM ('2025-01-01') TO ('2026-01-01')" },
      { schema: "public", name: "old", bound: "FOR VALUES FROM ('2020-01-01') TO ('2021-01-01')" },
      { schema: "public", name: "rest", bound: "DEFAULT" },
    ];
    const planned = [
      { name: "emp_2024", from: "2024-01-01", to: "2025-01-01" },
      { name: "emp_2025", from: "2025-01-01", to: "2026-01-01" },
    ];
    assert.deepEqual(unplannedPartitions(found, planned), [
      { schema: "public", name: "employees_2025", bounds: { from: "2025-01-01", to: "2026-01-01" }, sameBoundsAs: "emp_2025" },
      { schema: "public", name: "old", bounds: { from: "2020-01-01", to: "2021-01-01" } },
      { schema: "public", name: "rest" },
    ]);
  });

  it("adds the CHECK NOT VALID, validates it apart, and can drop it again, every name quoted", () => {
    assert.deepEqual(buildBoundsCheckSteps({ schema: "public", name: "emp_2024" }, "hire_date", { from: "2024-01-01", to: "2025-01-01" }), {
      add: `ALTER TABLE "public"."emp_2024" ADD CONSTRAINT "emp_2024_bounds" CHECK ("hire_date" >= '2024-01-01' AND "hire_date" < '2025-01-01') NOT VALID`,
      validate: `ALTER TABLE "public"."emp_2024" VALIDATE CONSTRAINT "emp_2024_bounds"`,
      drop: `ALTER TABLE "public"."emp_2024" DROP CONSTRAINT IF EXISTS "emp_2024_bounds"`,
    });
  });

  it("tells a CHECK already there from one an interrupted run left, and from another constraint under pgtier's name", () => {
    const bounds = { from: "2024-01-01", to: "2025-01-01" };
    const ours = { name: "emp_2024_bounds", def: "CHECK (((hire_date >= '2024-01-01'::date) AND (hire_date < '2025-01-01'::date)))" };
    const plan = (checks: { name: string; def: string; validated: boolean }[]) =>
      boundsCheckPlan(checks, "emp_2024_bounds", "hire_date", bounds);
    assert.equal(plan([{ ...ours, name: "emp_2024_hire_date_check", validated: true }]), "present");
    assert.equal(plan([{ ...ours, validated: false }]), "left over");
    assert.equal(plan([{ name: "emp_2024_bounds", def: "CHECK ((salary > (0)::numeric))", validated: true }]), "name taken");
    assert.equal(plan([]), "missing");
  });

  it("looks for one row outside the bounds as validating the CHECK would (a NULL key passes)", () => {
    assert.equal(
      buildRowOutsideBoundsSql({ schema: "public", name: "emp_2024" }, "hire_date", { from: "2024-01-01", to: "2025-01-01" }),
      `SELECT "hire_date"::text AS example FROM "public"."emp_2024" WHERE "hire_date" < '2024-01-01' OR "hire_date" >= '2025-01-01' LIMIT 1`,
    );
  });
});
