/**
 * Helpers for the rotation end-to-end tests: SQL on a stack's instances, the
 * per-partition fingerprint (row count and checksum) a rotation must keep,
 * where each partition lives, the steps a preview lists, restoring a final
 * backup, and a writer that keeps inserting while `pulumi up` rotates.
 */
import { execFile } from "node:child_process";
import { setTimeout as sleep } from "node:timers/promises";
import { promisify } from "node:util";
import { Client } from "pg";

/** Where a stack output says an instance listens. */
export interface Endpoint {
  readonly host: string;
  readonly port: number;
}

/** One database of a stack's instance, as the superuser. */
export interface Database extends Endpoint {
  readonly database: string;
  readonly password: string;
}

/** The main instance's `appdb`, from the stack's `mainEndpoint` output. */
export function mainDb(endpoint: Endpoint, password: string): Database {
  return { host: endpoint.host, port: endpoint.port, database: "appdb", password };
}

/** An archive instance's `archive_db`, from one of the stack's `archiveEndpoints`. */
export function archiveDb(endpoint: Endpoint, password: string): Database {
  return { host: endpoint.host, port: endpoint.port, database: "archive_db", password };
}

/** Runs one statement on its own connection and returns the rows. */
export async function sql<T = Record<string, unknown>>(db: Database, text: string, params: unknown[] = []): Promise<T[]> {
  const client = new Client({ host: db.host, port: db.port, user: "postgres", password: db.password, database: db.database });
  await client.connect();
  try {
    return (await client.query(text, params)).rows as T[];
  } finally {
    await client.end();
  }
}

/** Row count and checksum of one partition's rows. */
export interface PartitionSum {
  readonly rows: number;
  readonly checksum: string;
}

/**
 * Count and checksum per partition of `employees`, read through the parent
 * on the main instance (so archived partitions are read through
 * postgres_fdw), restricted by `where` (test-supplied SQL).
 */
export async function partitionSums(main: Database, where = "true"): Promise<Record<string, PartitionSum>> {
  const rows = await sql<{ part: string; rows: number; checksum: string }>(
    main,
    `SELECT tableoid::regclass::text AS part, count(*)::int AS rows, sum(hashtextextended(e::text, 0))::text AS checksum
       FROM employees e WHERE ${where} GROUP BY 1 ORDER BY 1`,
  );
  return Object.fromEntries(rows.map((r) => [r.part, { rows: r.rows, checksum: r.checksum }]));
}

/** Count and checksum of one table, computed as {@link partitionSums} does (e.g. in a restored backup). */
export async function tableSum(db: Database, table: string): Promise<PartitionSum> {
  const [row] = await sql<{ rows: number; checksum: string }>(
    db,
    `SELECT count(*)::int AS rows, sum(hashtextextended(e::text, 0))::text AS checksum FROM ${table} e`,
  );
  return row;
}

/** Inserts `count` rows named `<tag>-<n>` through `employees`, hire dates spread over [from, to). */
export async function insertRows(
  main: Database,
  rows: { readonly from: string; readonly to: string; readonly count: number; readonly tag: string },
): Promise<void> {
  await sql(
    main,
    `INSERT INTO employees (name, hire_date, department, salary)
     SELECT $1 || '-' || g, $2::date + (g % ($3::date - $2::date)),
            (ARRAY['Engineering', 'Sales', 'HR', 'Ops'])[1 + g % 4], 30000 + (g % 997) * 100
       FROM generate_series(1, $4::int) g`,
    [rows.tag, rows.from, rows.to, rows.count],
  );
}

/** Each partition of `employees` on the main instance: `local`, or the foreign server it reads from. */
export async function placement(main: Database): Promise<Record<string, string>> {
  const rows = await sql<{ name: string; place: string }>(
    main,
    `SELECT c.relname AS name, coalesce(s.srvname, CASE c.relkind WHEN 'r' THEN 'local' ELSE c.relkind::text END) AS place
       FROM pg_inherits i
       JOIN pg_class p ON p.oid = i.inhparent
       JOIN pg_class c ON c.oid = i.inhrelid
       LEFT JOIN pg_foreign_table ft ON ft.ftrelid = c.oid
       LEFT JOIN pg_foreign_server s ON s.oid = ft.ftserver
      WHERE p.relname = 'employees'
      ORDER BY 1`,
  );
  return Object.fromEntries(rows.map((r) => [r.name, r.place]));
}

/** The partition tables (`emp_…`) an archive instance holds, by pg_tables. */
export async function archivedTables(archive: Database): Promise<string[]> {
  const rows = await sql<{ tablename: string }>(
    archive,
    `SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename LIKE 'emp\\_%' ORDER BY 1`,
  );
  return rows.map((r) => r.tablename);
}

/** Whether `id` is unique across `employees` (a rotation rerun must not copy a row twice). */
export async function duplicateIds(main: Database): Promise<number> {
  const [row] = await sql<{ n: number }>(main, "SELECT (count(*) - count(DISTINCT id))::int AS n FROM employees");
  return row.n;
}

/**
 * The resource steps a preview's (or an update's) output lists, as
 * `<op> <type> <name>` sorted, e.g. `update TieredPartition employees-emp_2025`;
 * unchanged resources are not listed.
 */
export function previewSteps(stdout: string): string[] {
  const steps = new Set<string>();
  // A step's line may follow the progress dots on the same line, and may read "updating" before "update".
  const line =
    /(?:^|\s)[-+~]+\s+[\w-]+:[\w-]+:(\w+)\s+(\S+)\s+(create-replacement|delete-replaced|create|update|delete|replace|discard|read|creating|updating|deleting|replacing)\b/;
  const verb: Record<string, string> = { creating: "create", updating: "update", deleting: "delete", replacing: "replace" };
  for (const text of stdout.split("\n")) {
    const m = line.exec(text);
    if (m) {
      steps.add(`${verb[m[3]] ?? m[3]} ${m[1]} ${m[2]}`);
    }
  }
  return [...steps].sort();
}

/**
 * Restores a pg_dump file into a new database `scratch` on `target` with the
 * host's pg_restore (password in the environment), and returns the table's
 * count and checksum there; the scratch database is dropped afterwards.
 */
export async function restoredSum(file: string, target: Database, scratch: string, table: string): Promise<PartitionSum> {
  await sql(target, `CREATE DATABASE ${scratch}`);
  try {
    await promisify(execFile)("pg_restore", ["--no-owner", `--dbname=${scratch}`, file], {
      env: { ...process.env, PGHOST: target.host, PGPORT: String(target.port), PGUSER: "postgres", PGPASSWORD: target.password },
    });
    return await tableSum({ ...target, database: scratch }, table);
  } finally {
    await sql(target, `DROP DATABASE IF EXISTS ${scratch} WITH (FORCE)`);
  }
}

/**
 * An application writing while a rotation runs: one connection inserting
 * rows named `<tag>-<n>` in autocommit (`rowsPerInsert` of them per
 * statement, named `<tag>-<n>-<k>`), hire dates cycling through `dates`.
 * Rows whose INSERT returned are `confirmed`; failed INSERTs are counted
 * with their messages and never retried under the same name.
 */
export class ConcurrentWriter {
  /** Names of the rows whose INSERT committed. */
  readonly confirmed: string[] = [];
  /** Messages of the INSERTs that failed. */
  readonly errors: string[] = [];
  /** Longest INSERT, in milliseconds (a writer waiting on the rotation's lock). */
  longestMs = 0;
  private stopping = false;
  private running?: Promise<void>;

  constructor(
    private readonly main: Database,
    private readonly tag: string,
    private readonly dates: readonly string[],
    private readonly rowsPerInsert = 1,
  ) {}

  /** Connects and starts inserting; resolves once the first row is in. */
  async start(): Promise<void> {
    const client = new Client({
      host: this.main.host,
      port: this.main.port,
      user: "postgres",
      password: this.main.password,
      database: "appdb",
    });
    await client.connect();
    await this.insert(client, 0);
    this.running = this.loop(client);
  }

  /** Stops after the INSERT in flight and closes the connection. */
  async stop(): Promise<void> {
    this.stopping = true;
    await this.running;
  }

  private async insert(client: Client, n: number): Promise<void> {
    const name = `${this.tag}-${n}`;
    const started = Date.now();
    const date = this.dates[n % this.dates.length];
    try {
      if (this.rowsPerInsert === 1) {
        await client.query("INSERT INTO employees (name, hire_date, department, salary) VALUES ($1, $2, 'Writer', $3)", [name, date, n]);
        this.confirmed.push(name);
      } else {
        await client.query(
          `INSERT INTO employees (name, hire_date, department, salary)
           SELECT $1 || '-' || k, $2, 'Writer', $3 FROM generate_series(1, $4::int) k`,
          [name, date, n, this.rowsPerInsert],
        );
        this.confirmed.push(...Array.from({ length: this.rowsPerInsert }, (_, k) => `${name}-${k + 1}`));
      }
    } catch (err) {
      this.errors.push((err as Error).message);
    }
    this.longestMs = Math.max(this.longestMs, Date.now() - started);
  }

  private async loop(client: Client): Promise<void> {
    try {
      for (let n = 1; !this.stopping; n++) {
        await this.insert(client, n);
        await sleep(3);
      }
    } finally {
      await client.end();
    }
  }
}

/** The FDW roles' privileges on an archive table, as information_schema lists them: role and its privileges, sorted. */
export function fdwGrantsOn(archive: Database, table: string): Promise<{ grantee: string; p: string }[]> {
  return sql<{ grantee: string; p: string }>(
    archive,
    `SELECT grantee, string_agg(privilege_type, ',' ORDER BY privilege_type) AS p FROM information_schema.role_table_grants
      WHERE table_name = $1 AND grantee LIKE '%\\_fdw\\_%' GROUP BY grantee ORDER BY grantee`,
    [table],
  );
}
