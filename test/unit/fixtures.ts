/** Inputs shared by the unit tests: the guide's table and connections, as the engine would send them. */
import { TierPolicy } from "../../components/planner/plan-layout";
import { TIERED_PARTITION_DEFAULTS } from "../../components/provider/definitions/tiered-partition";

/** The main instance's connection, as `instance.connection` resolves. */
export const mainConnection = { host: "127.0.0.1", port: 15432, user: "postgres", password: "pw", database: "appdb" };

/** The archive instance's connection. */
export const archiveConnection = { host: "127.0.0.1", port: 15433, user: "postgres", password: "pw", database: "archive_db" };

import { employeeColumns, employeeIndexes } from "../support/fixtures";

export { employeeColumns, employeeIndexes };
export { secret } from "../support/provider";

/** emp_2025 as a LocalPartition's checked inputs (defaults filled in). */
export const emp2025Partition = {
  connection: mainConnection,
  name: "emp_2025",
  schema: "public",
  parent: "employees",
  parentSchema: "public",
  from: "2025-01-01",
  to: "2026-01-01",
  attached: true,
};

/** The dev stack's main instance as PostgresInstance inputs (password plain; wrap with `secret` where the engine would). */
export const mainInstanceInputs = {
  image: "pgtier/postgres:15",
  containerName: "pgtier-dev-main",
  network: "pgtier-dev",
  volume: "pgtier-dev-main-data",
  hostPort: 0,
  user: "postgres",
  password: "pw",
  database: "appdb",
};

/** The guide's yearly tiering policy: the current year local, one year ahead, seven years kept. */
export const guidePolicy: TierPolicy = {
  period: "year",
  firstPeriod: "2024-01-01",
  hotPeriods: 1,
  futurePeriods: 1,
  archives: [{ archive: "archive" }],
  retentionPeriods: 7,
  namePrefix: "emp_",
};

/** emp_2024 as an ArchiveTable's checked inputs. */
export const emp2024ArchiveInputs = {
  connection: archiveConnection,
  name: "emp_2024",
  schema: "public",
  columns: employeeColumns,
  partitionKey: "hire_date",
  from: "2024-01-01",
  to: "2025-01-01",
  indexes: employeeIndexes,
};

/** What the provider's check fills into a TieredPartition's inputs when they are not given. */
export const tieredDefaults = TIERED_PARTITION_DEFAULTS;
