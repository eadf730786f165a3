import assert from "node:assert/strict";
import { UNKNOWN } from "../../components/validate/common";
import { validateColumnEvolution } from "../../components/validate/evolution";
import { employeeColumns } from "./fixtures";

describe("validateColumnEvolution", () => {
  const olds = { name: "employees", columns: employeeColumns };

  it("allows adding a column", () => {
    // WHEN
    const failures = validateColumnEvolution(olds, { ...olds, columns: [...employeeColumns, { name: "email", type: "text" }] });
    // THEN
    assert.deepEqual(failures, []);
  });

  it("refuses dropping a column", () => {
    const failures = validateColumnEvolution(olds, { ...olds, columns: employeeColumns.filter((c) => c.name !== "department") });
    assert.deepEqual(failures, [
      {
        property: "columns",
        reason:
          'column "department" was removed; pgtier does not drop columns in place (data on every partition would go) — keep the column, or migrate the data and create a new table',
      },
    ]);
  });

  it("refuses changing a column's type", () => {
    const columns = employeeColumns.map((c) => (c.name === "salary" ? { ...c, type: "numeric(12,2)" } : c));
    assert.deepEqual(validateColumnEvolution(olds, { ...olds, columns }), [
      {
        property: "columns",
        reason:
          'column "salary" changed from decimal(10,2) to numeric(12,2); pgtier does not change column types in place — add a new column instead',
      },
    ]);
  });

  it("refuses changing a column's nullability", () => {
    const columns = employeeColumns.map((c) => (c.name === "department" ? { ...c, nullable: false } : c));
    assert.deepEqual(validateColumnEvolution(olds, { ...olds, columns }), [
      {
        property: "columns",
        reason:
          'column "department" changed from text to text NOT NULL; pgtier does not change column types in place — add a new column instead',
      },
    ]);
  });

  it("treats an absent nullable as true, and allows reordering", () => {
    const columns = [...employeeColumns].reverse().map((c) => (c.name === "department" ? { ...c, nullable: true } : c));
    assert.deepEqual(validateColumnEvolution(olds, { ...olds, columns }), []);
  });

  it("has nothing to compare on create or while columns are unknown", () => {
    assert.deepEqual(validateColumnEvolution(undefined, olds), []);
    assert.deepEqual(validateColumnEvolution(olds, { ...olds, columns: UNKNOWN }), []);
  });
});
