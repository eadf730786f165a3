/** The guide's `employees` table and sample rows (postgres-fdw-archiving-guide.md, Steps 1 to 3). */
import { ColumnSpec, IndexSpec } from "../../components/model/types";

/** `employees` columns: id SERIAL, name TEXT NOT NULL, hire_date DATE NOT NULL, department TEXT, salary DECIMAL(10,2). */
export const employeeColumns: ColumnSpec[] = [
  { name: "id", type: "serial" },
  { name: "name", type: "text", nullable: false },
  { name: "hire_date", type: "date", nullable: false },
  { name: "department", type: "text" },
  { name: "salary", type: "decimal(10,2)" },
];

/** The guide's three indexes (on hire_date, name and department). */
export const employeeIndexes: IndexSpec[] = [
  { name: "idx_emp_date", columns: ["hire_date"] },
  { name: "idx_emp_name", columns: ["name"] },
  { name: "idx_emp_dept", columns: ["department"] },
];

/** The guide's parent table DDL, for tests whose subject is something else. */
export const createEmployeesSql = `CREATE TABLE employees (
  id SERIAL,
  name TEXT NOT NULL,
  hire_date DATE NOT NULL,
  department TEXT,
  salary DECIMAL(10,2)
) PARTITION BY RANGE (hire_date)`;

/** One row of sample data. */
export interface EmployeeRow {
  readonly name: string;
  readonly hireDate: string;
  readonly department: string;
  readonly salary: string;
}

/** The guide's sample rows: four hired in 2024, three in 2025. */
export const sampleRows: readonly EmployeeRow[] = [
  { name: "Alice Johnson", hireDate: "2024-03-15", department: "Engineering", salary: "95000.00" },
  { name: "Bob Smith", hireDate: "2024-06-22", department: "Sales", salary: "75000.00" },
  { name: "Carol White", hireDate: "2024-09-10", department: "HR", salary: "68000.00" },
  { name: "David Brown", hireDate: "2024-11-05", department: "Engineering", salary: "102000.00" },
  { name: "Eve Davis", hireDate: "2025-04-12", department: "Engineering", salary: "105000.00" },
  { name: "Frank Miller", hireDate: "2025-07-20", department: "Product", salary: "92000.00" },
  { name: "Grace Lee", hireDate: "2025-10-08", department: "Engineering", salary: "110000.00" },
];

/** `INSERT INTO <table> (name, hire_date, department, salary)` with the rows as parameters. */
export function insertRowsSql(table: string, rows: readonly EmployeeRow[]): { sql: string; params: string[] } {
  const values = rows.map((_, i) => `($${i * 4 + 1}, $${i * 4 + 2}, $${i * 4 + 3}, $${i * 4 + 4})`).join(", ");
  return {
    sql: `INSERT INTO ${table} (name, hire_date, department, salary) VALUES ${values}`,
    params: rows.flatMap((r) => [r.name, r.hireDate, r.department, r.salary]),
  };
}
