/** The guide's `employees` table and sample rows (postgres-fdw-archiving-guide.md, Steps 1 to 3). */
import { ColumnSpec, IndexSpec } from "../../components/model/types";
import { EmployeeRow, employees, guideSampleRows } from "../../stacks/guide";

export { EmployeeRow };

/** `employees` columns: id SERIAL, name TEXT NOT NULL, hire_date DATE NOT NULL, department TEXT, salary DECIMAL(10,2). */
export const employeeColumns: ColumnSpec[] = employees.columns;

/** The guide's three indexes (on hire_date, name and department). */
export const employeeIndexes: IndexSpec[] = employees.indexes ?? [];

/** The guide's parent table DDL, for tests whose subject is something else. */
export const createEmployeesSql = `CREATE TABLE employees (
  id SERIAL,
  name TEXT NOT NULL,
  hire_date DATE NOT NULL,
  department TEXT,
  salary DECIMAL(10,2)
) PARTITION BY RANGE (hire_date)`;

/** The guide's sample rows: four hired in 2024, three in 2025. */
export const sampleRows: readonly EmployeeRow[] = guideSampleRows;

/** `INSERT INTO <table> (name, hire_date, department, salary)` with the rows as parameters. */
export function insertRowsSql(table: string, rows: readonly EmployeeRow[]): { sql: string; params: string[] } {
  const values = rows.map((_, i) => `($${i * 4 + 1}, $${i * 4 + 2}, $${i * 4 + 3}, $${i * 4 + 4})`).join(", ");
  return {
    sql: `INSERT INTO ${table} (name, hire_date, department, salary) VALUES ${values}`,
    params: rows.flatMap((r) => [r.name, r.hireDate, r.department, r.salary]),
  };
}
