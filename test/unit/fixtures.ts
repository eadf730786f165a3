/** Inputs shared by the unit tests: the guide's table and connections, as the engine would send them. */
import { ColumnSpec, IndexSpec } from "../../components/model/types";

/** The main instance's connection, as `instance.connection` resolves. */
export const mainConnection = { host: "127.0.0.1", port: 15432, user: "postgres", password: "pw", database: "appdb" };

/** The archive instance's connection. */
export const archiveConnection = { host: "127.0.0.1", port: 15433, user: "postgres", password: "pw", database: "archive_db" };

/** The guide's `employees` columns (Step 1). */
export const employeeColumns: ColumnSpec[] = [
  { name: "id", type: "serial" },
  { name: "name", type: "text", nullable: false },
  { name: "hire_date", type: "date", nullable: false },
  { name: "department", type: "text" },
  { name: "salary", type: "decimal(10,2)" },
];

/** The guide's three indexes. */
export const employeeIndexes: IndexSpec[] = [
  { name: "idx_emp_date", columns: ["hire_date"] },
  { name: "idx_emp_name", columns: ["name"] },
  { name: "idx_emp_dept", columns: ["department"] },
];

/** The engine's wire form of a secret. */
export function secret(value: unknown): Record<string, unknown> {
  return { "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", value };
}
