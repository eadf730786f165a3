/** TieredTable's pure parts: today's date, argument validation, and the policy defaults it plans with. */
import assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { Layout, planLayout, TierPolicy, withPolicyDefaults } from "../../components/planner/plan-layout";
import { PostgresInstance } from "../../components/resources/postgres-instance";
import { foreignServerName, resolveAsOf, TieredTableArgs, todayUtc, validateTieredTable } from "../../components/tiered-table";
import { formatFailures } from "../../components/errors";
import { employees } from "../../stacks/guide";
import { guidePolicy } from "./fixtures";

/** The guide's policy without retention: nothing is ever decommissioned, so no backup is needed. */
const keepForever: TierPolicy = { period: "year", firstPeriod: "2024-01-01", archives: [{ archive: "archive" }], namePrefix: "emp_" };

/** validateTieredTable only reads the archives' keys, never the instances. */
const anInstance = undefined as unknown as PostgresInstance;

function argsFor(policy: TierPolicy, extra: Partial<TieredTableArgs> = {}): TieredTableArgs {
  return { main: anInstance, archives: { archive: anInstance }, table: employees, policy, ...extra };
}

/** validateTieredTable's failures as the one message the component reports, or undefined when there are none. */
function problems(args: TieredTableArgs, layout: Layout): { message: string } | undefined {
  const failures = validateTieredTable(args, layout);
  return failures.length > 0 ? { message: formatFailures('TieredTable "employees"', failures) } : undefined;
}

function invalid(...problems: string[]): { message: string } {
  return { message: `TieredTable "employees" has invalid arguments:\n${problems.map((p) => `  - ${p}`).join("\n")}` };
}

describe("todayUtc", () => {
  it("is the UTC date, not the local one", () => {
    assert.equal(todayUtc(new Date("2025-06-15T23:30:00-05:00")), "2025-06-16");
    assert.equal(todayUtc(new Date("2026-01-01T00:30:00+02:00")), "2025-12-31");
  });

  it("is an ISO date", () => {
    assert.equal(todayUtc(new Date(Date.UTC(2024, 1, 29, 12))), "2024-02-29");
  });
});

describe("resolveAsOf", () => {
  let saved: Record<string, string>;

  beforeEach(() => {
    saved = { ...pulumi.runtime.allConfig() };
  });

  afterEach(() => {
    pulumi.runtime.setAllConfig(saved);
  });

  it("takes the date passed in over the environment and config", () => {
    pulumi.runtime.setConfig("pgtier:asOf", "2026-01-01");
    assert.equal(resolveAsOf("2025-06-15", { PGTIER_AS_OF: "2027-01-01" }), "2025-06-15");
  });

  it("takes PGTIER_AS_OF over config pgtier:asOf", () => {
    pulumi.runtime.setConfig("pgtier:asOf", "2026-01-01");
    assert.equal(resolveAsOf(undefined, { PGTIER_AS_OF: "2027-01-01" }), "2027-01-01");
  });

  it("falls back to config pgtier:asOf, an empty PGTIER_AS_OF counting as unset", () => {
    pulumi.runtime.setConfig("pgtier:asOf", "2026-01-01");
    assert.equal(resolveAsOf(undefined, {}), "2026-01-01");
    assert.equal(resolveAsOf(undefined, { PGTIER_AS_OF: "" }), "2026-01-01");
  });

  it("falls back to today (UTC) with neither", () => {
    // WHEN
    const before = todayUtc();
    const asOf = resolveAsOf(undefined, {});
    const after = todayUtc();
    // THEN: the same day, unless the test ran across midnight UTC
    assert.ok(asOf === before || asOf === after, `${asOf} is neither ${before} nor ${after}`);
  });
});

describe("validateTieredTable", () => {
  it("accepts the guide's policy with its archive instance", () => {
    const args = argsFor(keepForever);
    assert.equal(problems(args, planLayout(keepForever, "2025-06-15")), undefined);
  });

  it("accepts retention with a backup location", () => {
    const args = argsFor(guidePolicy, { backup: { location: "/var/backups/pgtier" } });
    assert.equal(problems(args, planLayout(guidePolicy, "2025-06-15")), undefined);
  });

  it("refuses a policy that names an archive the table was not given", () => {
    // WHEN
    const policy = {
      ...keepForever,
      archives: [
        { archive: "archive", to: "2030-01-01" },
        { archive: "cold", from: "2030-01-01" },
      ],
    };
    // THEN
    assert.deepEqual(
      problems(argsFor(policy), planLayout(policy, "2025-06-15")),
      invalid('policy.archives[1] names archive "cold", which is not in archives (archive); add the instance or fix the rule'),
    );
  });

  it("says none when no archive instance is given", () => {
    assert.deepEqual(
      problems(argsFor(keepForever, { archives: {} }), planLayout(keepForever, "2025-06-15")),
      invalid('policy.archives[0] names archive "archive", which is not in archives (none); add the instance or fix the rule'),
    );
  });

  it("refuses retentionPeriods without backup.location", () => {
    assert.deepEqual(
      problems(argsFor(guidePolicy), planLayout(guidePolicy, "2025-06-15")),
      invalid(
        "policy.retentionPeriods is 7, so partitions past retention are decommissioned, which takes a final backup; set backup.location (stack config pgtier:backupLocation)",
      ),
    );
    assert.deepEqual(
      problems(argsFor(guidePolicy, { backup: { location: "" } }), planLayout(guidePolicy, "2025-06-15")),
      invalid(
        "policy.retentionPeriods is 7, so partitions past retention are decommissioned, which takes a final backup; set backup.location (stack config pgtier:backupLocation)",
      ),
    );
  });

  it("refuses a layout with no partition", () => {
    const empty: Layout = { asOf: "2025-06-15", current: "2025", partitions: [], decommissioned: [] };
    assert.deepEqual(
      problems(argsFor(keepForever), empty),
      invalid("the layout for 2025-06-15 has no partition; check firstPeriod and retentionPeriods"),
    );
  });

  it("lists every problem in one error", () => {
    const policy = { ...guidePolicy, archives: [{ archive: "cold" }] };
    const empty: Layout = { asOf: "2025-06-15", current: "2025", partitions: [], decommissioned: [] };
    assert.deepEqual(
      problems(argsFor(policy), empty),
      invalid(
        'policy.archives[0] names archive "cold", which is not in archives (archive); add the instance or fix the rule',
        "policy.retentionPeriods is 7, so partitions past retention are decommissioned, which takes a final backup; set backup.location (stack config pgtier:backupLocation)",
        "the layout for 2025-06-15 has no partition; check firstPeriod and retentionPeriods",
      ),
    );
  });
});

describe("withPolicyDefaults", () => {
  it("gives hotPeriods and futurePeriods passed as undefined their defaults of 1", () => {
    // WHEN: the stack passes config.getNumber(...) straight through, undefined when unset
    const policy = withPolicyDefaults({ ...keepForever, hotPeriods: undefined, futurePeriods: undefined });
    // THEN
    assert.equal(policy.hotPeriods, 1);
    assert.equal(policy.futurePeriods, 1);
  });

  it("gives absent hotPeriods and futurePeriods the same defaults", () => {
    assert.deepEqual(withPolicyDefaults(keepForever), { ...keepForever, hotPeriods: 1, futurePeriods: 1 });
  });

  it("keeps the values given, 0 future periods included", () => {
    const policy = withPolicyDefaults({ ...keepForever, hotPeriods: 3, futurePeriods: 0, retentionPeriods: 5 });
    assert.deepEqual(
      { hotPeriods: policy.hotPeriods, futurePeriods: policy.futurePeriods, retentionPeriods: policy.retentionPeriods },
      { hotPeriods: 3, futurePeriods: 0, retentionPeriods: 5 },
    );
  });

  it("plans the same layout for undefined counts as for the defaults", () => {
    // WHEN
    const layout = planLayout({ ...keepForever, hotPeriods: undefined, futurePeriods: undefined }, "2025-06-15");
    // THEN
    assert.deepEqual(
      layout.partitions.map((p) => `${p.name} ${p.tier}`),
      ["emp_2024 archive", "emp_2025 local", "emp_2026 local"],
    );
    assert.deepEqual(layout, planLayout({ ...keepForever, hotPeriods: 1, futurePeriods: 1 }, "2025-06-15"));
  });
});

describe("foreignServerName", () => {
  it("turns an archive key into a plain SQL name", () => {
    assert.equal(foreignServerName("archive"), "archive_server");
    assert.equal(foreignServerName("archive-a"), "archive_a_server");
    assert.equal(foreignServerName("Cold.2024"), "cold_2024_server");
  });
});
