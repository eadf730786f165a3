import assert from "node:assert/strict";
import { partitionDefaults, reattachStatements } from "../../components/provider/handlers/partitions";
import { emp2025Partition } from "./fixtures";

const emp2025 = emp2025Partition;

const DETACH = 'ALTER TABLE "public"."employees" DETACH PARTITION "public"."emp_2025"';

describe("reattachStatements (LocalPartition/ForeignPartition update)", () => {
  it("runs nothing when bounds and attachment are unchanged", () => {
    assert.deepEqual(reattachStatements(emp2025, { ...emp2025 }), []);
  });

  it("detaches and re-attaches with the new bounds, in that order", () => {
    // WHEN
    const statements = reattachStatements(emp2025, { ...emp2025, to: "2025-07-01" });
    // THEN
    assert.deepEqual(statements, [
      DETACH,
      `ALTER TABLE "public"."employees" ATTACH PARTITION "public"."emp_2025" FOR VALUES FROM ('2025-01-01') TO ('2025-07-01')`,
    ]);
  });

  it("re-attaches a partition found detached, without detaching it again", () => {
    assert.deepEqual(reattachStatements({ ...emp2025, attached: false }, emp2025), [
      `ALTER TABLE "public"."employees" ATTACH PARTITION "public"."emp_2025" FOR VALUES FROM ('2025-01-01') TO ('2026-01-01')`,
    ]);
  });

  it("only detaches when asked to detach", () => {
    assert.deepEqual(reattachStatements(emp2025, { ...emp2025, attached: false }), [DETACH]);
  });

  it("treats a missing attached as attached", () => {
    const { attached: _default, ...olds } = emp2025;
    assert.deepEqual(reattachStatements(olds, { ...olds, from: "2024-12-01" })[0], DETACH);
  });
});

describe("partitionDefaults", () => {
  it("fills schema, parentSchema and attached, keeping what is given", () => {
    assert.deepEqual(partitionDefaults({ name: "emp_2025", parent: "employees", schema: "hr" }), {
      name: "emp_2025",
      parent: "employees",
      schema: "hr",
      parentSchema: "public",
      attached: true,
    });
  });
});
