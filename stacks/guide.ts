/** The guide's `employees` table and its 2024/2025 layout (postgres-fdw-archiving-guide.md, Steps 1 to 3). */
import { PartitionPlacement, TableSpec } from "../components";

/** `employees`, partitioned by `hire_date`, with the guide's three indexes. */
export const employees: TableSpec = {
  name: "employees",
  columns: [
    { name: "id", type: "serial" },
    { name: "name", type: "text", nullable: false },
    { name: "hire_date", type: "date", nullable: false },
    { name: "department", type: "text" },
    { name: "salary", type: "decimal(10,2)" },
  ],
  partitionKey: "hire_date",
  indexes: [
    { name: "idx_emp_date", columns: ["hire_date"] },
    { name: "idx_emp_name", columns: ["name"] },
    { name: "idx_emp_dept", columns: ["department"] },
  ],
};

/** 2024 on the archive instance, 2025 local. */
export const guidePartitions: PartitionPlacement[] = [
  { name: "emp_2024", from: "2024-01-01", to: "2025-01-01", tier: "archive", archive: "archive" },
  { name: "emp_2025", from: "2025-01-01", to: "2026-01-01", tier: "local" },
];

/** One employee row of the guide's sample data. */
export interface EmployeeRow {
  readonly name: string;
  readonly hireDate: string;
  readonly department: string;
  readonly salary: string;
}

/** The guide's sample rows: four hired in 2024 (archived), three in 2025 (local). */
export const guideSampleRows: readonly EmployeeRow[] = [
  { name: "Alice Johnson", hireDate: "2024-03-15", department: "Engineering", salary: "95000.00" },
  { name: "Bob Smith", hireDate: "2024-06-22", department: "Sales", salary: "75000.00" },
  { name: "Carol White", hireDate: "2024-09-10", department: "HR", salary: "68000.00" },
  { name: "David Brown", hireDate: "2024-11-05", department: "Engineering", salary: "102000.00" },
  { name: "Eve Davis", hireDate: "2025-04-12", department: "Engineering", salary: "105000.00" },
  { name: "Frank Miller", hireDate: "2025-07-20", department: "Product", salary: "92000.00" },
  { name: "Grace Lee", hireDate: "2025-10-08", department: "Engineering", salary: "110000.00" },
];

/** The guide's Step 4 cross-instance query (averages rounded to cents, as the guide prints them). */
export const guideYearQuery = `SELECT EXTRACT(YEAR FROM hire_date) AS year,
       COUNT(*) AS employee_count,
       ROUND(AVG(salary), 2) AS avg_salary,
       MIN(salary) AS min_salary,
       MAX(salary) AS max_salary
  FROM employees
 GROUP BY EXTRACT(YEAR FROM hire_date)
 ORDER BY year`;
