/**
 * The SQL of the guide's Steps 1 to 3 (postgres-fdw-archiving-guide.md), as
 * a user following it by hand would run it in psql, comments and all. Each
 * step is one block, sent as one simple query.
 */
import assert from "node:assert/strict";

/** Step 1, on the main instance (`appdb`): the partitioned table, emp_2025 and its indexes, postgres_fdw, the server and the mapping. */
export const GUIDE_STEP1_MAIN = `-- Parent table with partitioning key
CREATE TABLE employees (
    id SERIAL,
    name TEXT NOT NULL,
    hire_date DATE NOT NULL,
    department TEXT,
    salary DECIMAL(10,2)
) PARTITION BY RANGE (hire_date);

-- Local partition for current year (2025)
CREATE TABLE emp_2025 PARTITION OF employees 
    FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');

-- Indexes for performance
CREATE INDEX idx_emp_2025_date ON emp_2025(hire_date);
CREATE INDEX idx_emp_2025_name ON emp_2025(name);
CREATE INDEX idx_emp_2025_dept ON emp_2025(department);

-- Enable postgres_fdw extension
CREATE EXTENSION postgres_fdw;

-- Define connection to archive instance
CREATE SERVER archive_server 
    FOREIGN DATA WRAPPER postgres_fdw 
    OPTIONS (
        host 'postgres_archive',     -- Docker container name
        dbname 'archive_db',          -- Target database
        port '5432',                  -- Internal container port
        fetch_size '10000',           -- Batch size for fetches
        use_remote_estimate 'true'    -- Use remote stats for planning
    );

-- Create user mapping for authentication
CREATE USER MAPPING FOR postgres 
    SERVER archive_server 
    OPTIONS (
        user 'postgres',
        password 'postgres123'
    );`;

/** Step 2, on the archive instance (`archive_db`): emp_2024 with its CHECK and indexes, and the four 2024 rows. */
export const GUIDE_STEP2_ARCHIVE = `-- Table with identical structure to main instance
CREATE TABLE emp_2024 (
    id SERIAL,
    name TEXT NOT NULL,
    hire_date DATE NOT NULL,
    department TEXT,
    salary DECIMAL(10,2),
    -- Constraint ensures data integrity
    CHECK (hire_date >= '2024-01-01' AND hire_date < '2025-01-01')
);

-- Create same indexes as main instance
CREATE INDEX idx_emp_2024_date ON emp_2024(hire_date);
CREATE INDEX idx_emp_2024_name ON emp_2024(name);
CREATE INDEX idx_emp_2024_dept ON emp_2024(department);

-- Insert sample archived data
INSERT INTO emp_2024 (name, hire_date, department, salary) VALUES
    ('Alice Johnson', '2024-03-15', 'Engineering', 95000.00),
    ('Bob Smith', '2024-06-22', 'Sales', 75000.00),
    ('Carol White', '2024-09-10', 'HR', 68000.00),
    ('David Brown', '2024-11-05', 'Engineering', 102000.00);`;

/** Step 3, on the main instance: emp_2024 attached as a foreign partition, and the three 2025 rows. */
export const GUIDE_STEP3_MAIN = `-- Attach archive table as foreign partition
CREATE FOREIGN TABLE emp_2024 PARTITION OF employees 
    FOR VALUES FROM ('2024-01-01') TO ('2025-01-01')
    SERVER archive_server
    OPTIONS (
        table_name 'emp_2024',
        fetch_size '10000'
    );

-- Insert current year data (goes to local partition)
INSERT INTO employees (name, hire_date, department, salary) VALUES
    ('Eve Davis', '2025-04-12', 'Engineering', 105000.00),
    ('Frank Miller', '2025-07-20', 'Product', 92000.00),
    ('Grace Lee', '2025-10-08', 'Engineering', 110000.00);`;

/** The archive's name on the network, as Step 1's server names it. */
export const GUIDE_ARCHIVE_HOST = "postgres_archive";

/** The guide's Step 4 pruning check, as EXPLAIN VERBOSE (without ANALYZE, so it reads no rows). */
export const GUIDE_2024_EXPLAIN =
  "EXPLAIN (VERBOSE, COSTS OFF) SELECT * FROM employees WHERE hire_date BETWEEN '2024-01-01' AND '2024-12-31'";

/** What the guide says that plan shows: only the foreign partition, with the WHERE clause sent to the archive. */
export function assertPrunedTo2024(plan: readonly { "QUERY PLAN": string }[]): void {
  const text = plan.map((r) => r["QUERY PLAN"]).join("\n");
  assert.match(text, /Foreign Scan on public\.emp_2024/);
  assert.match(
    text,
    /Remote SQL: SELECT .* FROM public\.emp_2024 WHERE \(\(hire_date >= '2024-01-01'(::date)?\)\) AND \(\(hire_date <= '2024-12-31'(::date)?\)\)/,
  );
  assert.doesNotMatch(text, /emp_2025/);
}
