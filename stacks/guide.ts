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
