import assert from "node:assert/strict";
import { PARTITION_DEFAULTS } from "../../components/provider/definitions/partition";
import { Attachment, buildReattachSql } from "../../components/sql/tables";

const parent = { schema: "public", name: "employees" };
const emp2025 = { schema: "public", name: "emp_2025" };
const attached: Attachment = { attached: true, from: "2025-01-01", to: "2026-01-01" };

const DETACH = 'ALTER TABLE "public"."employees" DETACH PARTITION "public"."emp_2025"';

describe("buildReattachSql (LocalPartition/ForeignPartition/TieredPartition update)", () => {
  it("runs nothing when bounds and attachment are unchanged", () => {
    assert.deepEqual(buildReattachSql(parent, emp2025, attached, { ...attached }), []);
  });

  it("detaches and re-attaches with the new bounds, in that order", () => {
    // WHEN
    const statements = buildReattachSql(parent, emp2025, attached, { ...attached, to: "2025-07-01" });
    // THEN
    assert.deepEqual(statements, [
      DETACH,
      `ALTER TABLE "public"."employees" ATTACH PARTITION "public"."emp_2025" FOR VALUES FROM ('2025-01-01') TO ('2025-07-01')`,
    ]);
  });

  it("re-attaches a partition found detached, without detaching it again", () => {
    assert.deepEqual(buildReattachSql(parent, emp2025, { ...attached, attached: false }, attached), [
      `ALTER TABLE "public"."employees" ATTACH PARTITION "public"."emp_2025" FOR VALUES FROM ('2025-01-01') TO ('2026-01-01')`,
    ]);
  });

  it("only detaches when asked to detach", () => {
    assert.deepEqual(buildReattachSql(parent, emp2025, attached, { ...attached, attached: false }), [DETACH]);
  });

  it("leaves a detached partition detached when its bounds change", () => {
    assert.deepEqual(
      buildReattachSql(parent, emp2025, { ...attached, attached: false }, { ...attached, attached: false, from: "2024-12-01" }),
      [],
    );
  });
});

describe("PARTITION_DEFAULTS", () => {
  it("puts a partition and its parent in public, attached", () => {
    assert.deepEqual(PARTITION_DEFAULTS, { schema: "public", parentSchema: "public", attached: true });
  });
});
