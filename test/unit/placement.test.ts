/** Placement mistakes refused at preview: archive keys that share a server, entries named twice. */
import assert from "node:assert/strict";
import { PostgresInstance } from "../../components/resources/postgres-instance";
import { planLayout, TierPolicy } from "../../components/planner/plan-layout";
import { TieredTableArgs, validateTieredTable } from "../../components/tiered-table";
import { archiveConfigProblems } from "../../stacks/archives";
import { employees } from "../../stacks/guide";

/** validateTieredTable reads only the archives' keys, never the instances. */
const anInstance = undefined as unknown as PostgresInstance;

describe("validateTieredTable: archive keys and their foreign servers", () => {
  it("refuses two keys that would share one foreign server, naming both and the fix", () => {
    // GIVEN: x-y and x_y both become x_y_server
    const policy: TierPolicy = {
      period: "year",
      firstPeriod: "2024-01-01",
      archives: [
        { archive: "x-y", to: "2025-01-01" },
        { archive: "x_y", from: "2025-01-01" },
      ],
      namePrefix: "emp_",
    };
    const args: TieredTableArgs = { main: anInstance, archives: { "x-y": anInstance, x_y: anInstance }, table: employees, policy };
    // WHEN
    const failures = validateTieredTable(args, planLayout(policy, "2026-06-15"));
    // THEN
    assert.deepEqual(failures, [
      {
        property: "archives.x_y",
        reason:
          'archives "x-y" and "x_y" would both be reached through foreign server x_y_server; rename one of them (a key is lower-cased, and its characters other than letters, digits and _ become _)',
      },
    ]);
  });

  it("accepts keys whose servers differ", () => {
    const policy: TierPolicy = { period: "year", firstPeriod: "2024-01-01", archives: [{ archive: "a-1" }], namePrefix: "emp_" };
    assert.deepEqual(
      validateTieredTable(
        { main: anInstance, archives: { "a-1": anInstance, a_2: anInstance }, table: employees, policy },
        planLayout(policy, "2025-06-15"),
      ),
      [],
    );
  });
});

describe("archiveConfigProblems (the stack's pgtier:archives)", () => {
  it("refuses an instance listed twice, naming both entries", () => {
    assert.deepEqual(archiveConfigProblems([{ name: "a", to: "2025-01-01" }, { name: "b" }, { name: "a", from: "2026-01-01" }]), [
      'pgtier:archives[0] and pgtier:archives[2] are both named "a"; give each instance one entry, with one from/to range',
    ]);
  });

  it("refuses an entry without a name", () => {
    assert.deepEqual(archiveConfigProblems([{ name: "" }]), [
      'pgtier:archives[0] has no name; give each archive instance a name, e.g. {"name": "archive-a"}',
    ]);
  });

  it("accepts distinct names", () => {
    assert.deepEqual(
      archiveConfigProblems([
        { name: "a", to: "2025-01-01" },
        { name: "b", from: "2025-01-01" },
      ]),
      [],
    );
  });
});
