import assert from "node:assert/strict";
import {
  UNIQUE_WITH_FOREIGN_PARTITIONS,
  validateArchiveTableArgs,
  validateForeignPartitionArgs,
  validateLocalPartitionArgs,
  validatePartitionedTableArgs,
} from "../../components/validate/tables";
import { emp2024ArchiveInputs, emp2025Partition, employeeColumns, employeeIndexes, mainConnection } from "./fixtures";

/** The guide's employees table as PartitionedTable inputs. */
const employees = {
  connection: mainConnection,
  name: "employees",
  schema: "public",
  columns: employeeColumns,
  partitionKey: "hire_date",
  indexes: employeeIndexes,
  allowForeignPartitions: true,
};

const emp2025 = emp2025Partition;

const emp2024Foreign = {
  ...emp2025,
  name: "emp_2024",
  from: "2024-01-01",
  to: "2025-01-01",
  server: "archive_server",
  remoteSchema: "public",
  remoteTable: "emp_2024",
  options: {},
};

const emp2024Archive = emp2024ArchiveInputs;

const unknownType = (name: string, type: string) =>
  `column ${JSON.stringify(name)} has unknown type ${JSON.stringify(type)}; use a built-in type such as text, integer, bigint, numeric(10,2), date or timestamptz`;

describe("validatePartitionedTableArgs", () => {
  it("accepts the guide's employees table", () => {
    assert.deepEqual(validatePartitionedTableArgs(employees), []);
  });

  it("refuses a hostile table name", () => {
    // WHEN
    const failures = validatePartitionedTableArgs({ ...employees, name: 'x"; DROP TABLE y; --' });
    // THEN
    assert.deepEqual(failures, [
      {
        property: "name",
        reason:
          'name "x\\"; DROP TABLE y; --" is not a plain SQL identifier; use lower-case letters, digits and underscores, starting with a letter or underscore (e.g. "emp_2024")',
      },
    ]);
  });

  it("refuses a 64-byte table name", () => {
    const name = "e".repeat(64);
    assert.deepEqual(validatePartitionedTableArgs({ ...employees, name }), [
      { property: "name", reason: `name "${name}" is longer than PostgreSQL's 63-byte identifier limit; use a shorter name` },
    ]);
  });

  it("refuses an unknown column type, naming the column", () => {
    const columns = [...employeeColumns, { name: "photo", type: "blob" }];
    assert.deepEqual(validatePartitionedTableArgs({ ...employees, columns }), [
      { property: "columns[5].type", reason: unknownType("photo", "blob") },
    ]);
  });

  it("refuses a type that smuggles SQL", () => {
    const columns = [{ name: "hire_date", type: "date); DROP TABLE y; --" }];
    assert.deepEqual(validatePartitionedTableArgs({ ...employees, columns, indexes: [] }), [
      { property: "columns[0].type", reason: unknownType("hire_date", "date); DROP TABLE y; --") },
    ]);
  });

  it("refuses a column listed twice", () => {
    const columns = [...employeeColumns, { name: "name", type: "text" }];
    assert.deepEqual(validatePartitionedTableArgs({ ...employees, columns }), [
      { property: "columns[5].name", reason: 'column "name" is listed twice' },
    ]);
  });

  it("refuses an empty column list", () => {
    const failures = validatePartitionedTableArgs({ ...employees, columns: [], indexes: [] });
    assert.deepEqual(failures[0], { property: "columns", reason: "columns must list at least one column" });
  });

  it("refuses a partition key that is not a column", () => {
    assert.deepEqual(validatePartitionedTableArgs({ ...employees, partitionKey: "hired_on" }), [
      { property: "partitionKey", reason: 'partitionKey "hired_on" is not one of the columns (id, name, hire_date, department, salary)' },
    ]);
  });

  it("refuses an index on a missing column, listing the columns there are", () => {
    const indexes = [...employeeIndexes, { name: "idx_emp_email", columns: ["email"] }];
    assert.deepEqual(validatePartitionedTableArgs({ ...employees, indexes }), [
      {
        property: "indexes[3].columns",
        reason:
          'index "idx_emp_email" names column "email", which the table does not have; use one of id, name, hire_date, department, salary',
      },
    ]);
  });

  it("refuses an index listed twice or without columns", () => {
    const indexes = [
      { name: "idx_emp_date", columns: ["hire_date"] },
      { name: "idx_emp_date", columns: [] },
    ];
    assert.deepEqual(validatePartitionedTableArgs({ ...employees, indexes }), [
      { property: "indexes[1].name", reason: 'index "idx_emp_date" is listed twice' },
      { property: "indexes[1].columns", reason: 'index "idx_emp_date" must list at least one column' },
    ]);
  });

  it("refuses a UNIQUE index while foreign partitions are allowed (the default)", () => {
    const indexes = [...employeeIndexes, { name: "ux_emp", columns: ["id", "hire_date"], unique: true }];
    const { allowForeignPartitions: _default, ...withoutFlag } = employees;
    const expected = [{ property: "indexes[3].unique", reason: `index "ux_emp" is UNIQUE: ${UNIQUE_WITH_FOREIGN_PARTITIONS}` }];
    assert.deepEqual(validatePartitionedTableArgs({ ...employees, indexes }), expected);
    assert.deepEqual(validatePartitionedTableArgs({ ...withoutFlag, indexes }), expected);
    assert.ok(UNIQUE_WITH_FOREIGN_PARTITIONS.includes("allowForeignPartitions: false"));
  });

  it("accepts a UNIQUE index when every partition stays local (allowForeignPartitions: false)", () => {
    const indexes = [...employeeIndexes, { name: "ux_emp", columns: ["id", "hire_date"], unique: true }];
    assert.deepEqual(validatePartitionedTableArgs({ ...employees, indexes, allowForeignPartitions: false }), []);
  });

  it("reports every problem at once", () => {
    const failures = validatePartitionedTableArgs({
      ...employees,
      name: "Employees",
      schema: "my schema",
      partitionKey: "hired_on",
      columns: [...employeeColumns, { name: "hire_date", type: "datetime" }],
    });
    assert.deepEqual(
      failures.map((f) => f.property),
      ["name", "schema", "columns[5].name", "columns[5].type", "partitionKey"],
    );
  });

  it("requires a connection", () => {
    const { connection: _missing, ...rest } = employees;
    assert.deepEqual(validatePartitionedTableArgs(rest), [
      { property: "connection", reason: "connection is required: pass the instance's connection (instance.connection)" },
    ]);
  });

  it("checks the connection's fields", () => {
    assert.deepEqual(validatePartitionedTableArgs({ ...employees, connection: { ...mainConnection, host: "", port: 0 } }), [
      { property: "connection.host", reason: "connection.host is required and must be a non-empty string" },
      { property: "connection.port", reason: "connection.port must be an integer port from 1 to 65535, got 0" },
    ]);
  });
});

describe("validateLocalPartitionArgs", () => {
  it("accepts emp_2025", () => {
    assert.deepEqual(validateLocalPartitionArgs(emp2025), []);
  });

  it("refuses inverted bounds", () => {
    assert.deepEqual(validateLocalPartitionArgs({ ...emp2025, from: "2026-01-01", to: "2025-01-01" }), [
      {
        property: "to",
        reason: 'bounds are inverted or empty: from "2026-01-01" must be before to "2025-01-01" (ranges are [from, to))',
      },
    ]);
  });

  it("refuses 2024-02-30", () => {
    assert.deepEqual(validateLocalPartitionArgs({ ...emp2025, from: "2024-02-01", to: "2024-02-30" }), [
      {
        property: "to",
        reason: 'to "2024-02-30" is not a range bound pgtier understands; use an ISO date ("2024-01-01"), an ISO timestamp or an integer',
      },
    ]);
  });

  it("refuses a hostile parent name", () => {
    assert.deepEqual(
      validateLocalPartitionArgs({ ...emp2025, parent: "employees; DROP TABLE y" }).map((f) => f.property),
      ["parent"],
    );
  });
});

describe("validateForeignPartitionArgs", () => {
  it("accepts emp_2024 on archive_server", () => {
    assert.deepEqual(validateForeignPartitionArgs(emp2024Foreign), []);
  });

  it("requires a server", () => {
    assert.deepEqual(validateForeignPartitionArgs({ ...emp2024Foreign, server: undefined }), [
      { property: "server", reason: "server is required" },
    ]);
  });

  it("refuses an unknown table option and schema_name/table_name set as options", () => {
    const failures = validateForeignPartitionArgs({
      ...emp2024Foreign,
      options: { fetchsize: "100", table_name: "emp_2024" },
    });
    assert.deepEqual(failures, [
      {
        property: "options.fetchsize",
        reason:
          "options.fetchsize: fetchsize is not a postgres_fdw option; known options are analyze_sampling, async_capable, batch_size, fetch_size, truncatable, updatable, use_remote_estimate",
      },
      { property: "options.table_name", reason: "options.table_name: set table_name with its own argument, not in options" },
    ]);
  });

  it("refuses a non-integer fetch_size and a non-boolean async_capable", () => {
    assert.deepEqual(validateForeignPartitionArgs({ ...emp2024Foreign, options: { fetch_size: "10k", async_capable: "maybe" } }), [
      { property: "options.fetch_size", reason: 'options.fetch_size must be a positive integer, got "10k"' },
      { property: "options.async_capable", reason: 'options.async_capable must be "true" or "false", got "maybe"' },
    ]);
  });
});

describe("validateArchiveTableArgs", () => {
  it("accepts the emp_2024 archive table", () => {
    assert.deepEqual(validateArchiveTableArgs(emp2024Archive), []);
  });

  it("refuses an empty range and a partition key that is not a column", () => {
    assert.deepEqual(validateArchiveTableArgs({ ...emp2024Archive, from: "2024-01-01", to: "2024-01-01", partitionKey: "hired" }), [
      { property: "partitionKey", reason: 'partitionKey "hired" is not one of the columns (id, name, hire_date, department, salary)' },
      {
        property: "to",
        reason: 'bounds are inverted or empty: from "2024-01-01" must be before to "2024-01-01" (ranges are [from, to))',
      },
    ]);
  });

  it("allows UNIQUE indexes (the archive table is a plain table)", () => {
    const indexes = [{ name: "ux", columns: ["id"], unique: true }];
    assert.deepEqual(validateArchiveTableArgs({ ...emp2024Archive, indexes }), []);
  });
});
