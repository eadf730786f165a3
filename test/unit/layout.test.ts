import assert from "node:assert/strict";
import { PartitionPlacement, validateLayout } from "../../components/validate/layout";
import { guidePartitions } from "../../stacks/guide";

const emp2024: PartitionPlacement = { name: "emp_2024", from: "2024-01-01", to: "2025-01-01", tier: "archive", archive: "archive" };
const emp2025: PartitionPlacement = { name: "emp_2025", from: "2025-01-01", to: "2026-01-01", tier: "local" };

describe("validateLayout", () => {
  it("accepts the guide's layout", () => {
    assert.deepEqual(validateLayout(guidePartitions, ["archive"]), []);
  });

  it("accepts contiguous partitions given in any order", () => {
    const emp2023 = { ...emp2024, name: "emp_2023", from: "2023-01-01", to: "2024-01-01" };
    assert.deepEqual(validateLayout([emp2025, emp2023, emp2024], ["archive"]), []);
  });

  it("accepts a gap between partitions (rows there are refused by PostgreSQL, not lost)", () => {
    assert.deepEqual(validateLayout([emp2024, { ...emp2025, from: "2025-06-01" }], ["archive"]), []);
  });

  it("refuses overlapping partitions, naming both and the fix", () => {
    // WHEN
    const failures = validateLayout([emp2024, { ...emp2025, from: "2024-07-01" }], ["archive"]);
    // THEN
    assert.deepEqual(failures, [
      {
        property: "partitions",
        reason:
          "partitions emp_2024 [2024-01-01, 2025-01-01) and emp_2025 [2024-07-01, 2026-01-01) overlap; PostgreSQL routes each row to exactly one partition — make emp_2024 end where emp_2025 starts",
      },
    ]);
  });

  it("refuses integer partitions that overlap", () => {
    const failures = validateLayout(
      [
        { name: "p1", from: "0", to: "1000", tier: "local" },
        { name: "p2", from: "999", to: "2000", tier: "local" },
      ],
      [],
    );
    assert.deepEqual(
      failures.map((f) => f.property),
      ["partitions"],
    );
  });

  it("reports every overlapping pair, not only neighbours", () => {
    const all: PartitionPlacement = { name: "emp_all", from: "2020-01-01", to: "2030-01-01", tier: "local" };
    const failures = validateLayout([all, emp2024, emp2025], ["archive"]);
    assert.equal(failures.length, 2);
    assert.match(failures[1].reason, /emp_all .* and emp_2025/);
  });

  it("refuses a partition name used twice", () => {
    const failures = validateLayout([emp2024, { ...emp2025, name: "emp_2024" }], ["archive"]);
    assert.deepEqual(failures, [{ property: "partitions[1].name", reason: 'partitions[1]: partition name "emp_2024" is used twice' }]);
  });

  it("refuses an archive key that names no archive instance", () => {
    assert.deepEqual(validateLayout([{ ...emp2024, archive: "cold" }, emp2025], ["archive"]), [
      {
        property: "partitions[0].archive",
        reason: 'partitions[0] (emp_2024) is archived on "cold", which is not one of the archive instances (archive)',
      },
    ]);
    assert.deepEqual(
      validateLayout([emp2024], []).map((f) => f.reason),
      ['partitions[0] (emp_2024) is archived on "archive", which is not one of the archive instances (none given)'],
    );
  });

  it("refuses an unknown tier", () => {
    const odd = { ...emp2025, tier: "cold" } as unknown as PartitionPlacement;
    assert.deepEqual(validateLayout([odd], []), [
      { property: "partitions[0].tier", reason: 'partitions[0] (emp_2025): tier must be "local" or "archive", got "cold"' },
    ]);
  });

  it("prefixes each partition's own problems with where it is", () => {
    const failures = validateLayout([{ ...emp2025, name: "Emp 2025", from: "2026-01-01", to: "2025-01-01" }], []);
    assert.deepEqual(failures, [
      {
        property: "partitions[0].name",
        reason:
          'partitions[0] (Emp 2025): partitions[0].name "Emp 2025" is not a plain SQL identifier; use lower-case letters, digits and underscores, starting with a letter or underscore (e.g. "emp_2024")',
      },
      {
        property: "partitions[0].to",
        reason:
          'partitions[0] (Emp 2025): bounds are inverted or empty: from "2026-01-01" must be before to "2025-01-01" (ranges are [from, to))',
      },
    ]);
  });
});
