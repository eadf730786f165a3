/**
 * What the TieredPartition integration tests share: the guide's two
 * instances wired with postgres_fdw and the `employees` parent, generated
 * employees in bulk, the checksum a user would compare by hand, and a way to
 * drive the handler with a progress sink the test can read.
 */
import { Connection } from "../../components/model/types";
import { PgtierProvider } from "../../components/provider/provider";
import { labelFromUrn } from "../../components/provider/urn";
import { DEFAULT_SERVER_OPTIONS } from "../../components/wiring";
import { employeeColumns, employeeIndexes } from "./fixtures";
import { connectionOf, execAll, PostgresPair, query, startPair } from "./postgres";
import { Props, ResourceUnderTest, secret } from "./provider";

/** The foreign server every test partition is archived through. */
export const ARCHIVE_SERVER = "archive_server";

/** Passwords of the pair, different so a mix-up shows as an authentication error. */
const MAIN_PASSWORD = "main-Pa55";
const ARCHIVE_PASSWORD = "archive-Pa55";

/**
 * The guide's Steps 1 and 2 through the provider: a main and an archive
 * instance, postgres_fdw, the foreign server and user mapping, and the
 * partitioned `employees` parent (no partitions).
 */
export async function startTieredPair(provider: PgtierProvider): Promise<PostgresPair> {
  const pair = await startPair({ mainPassword: MAIN_PASSWORD, archivePassword: ARCHIVE_PASSWORD });
  try {
    const main = connectionOf(pair.main);
    await new ResourceUnderTest(provider, "Extension", "fdw").create({ connection: main, name: "postgres_fdw" });
    await new ResourceUnderTest(provider, "ForeignServer", "archive").create({
      connection: main,
      name: ARCHIVE_SERVER,
      host: pair.archiveAlias,
      port: 5432,
      dbname: "archive_db",
      // What a TieredTable gives its servers, so every test scans the archive as deployments do.
      options: { ...DEFAULT_SERVER_OPTIONS },
    });
    await new ResourceUnderTest(provider, "UserMapping", "archive").create({
      connection: main,
      server: ARCHIVE_SERVER,
      remoteUser: "postgres",
      password: secret(ARCHIVE_PASSWORD),
    });
    await new ResourceUnderTest(provider, "PartitionedTable", "employees").create({
      connection: main,
      name: "employees",
      columns: employeeColumns,
      partitionKey: "hire_date",
      indexes: employeeIndexes,
    });
  } catch (err) {
    await pair.stop();
    throw err;
  }
  return pair;
}

/**
 * Registers mocha hooks for a describe block: the pair of
 * {@link startTieredPair} before its tests, its tables reset after each
 * ({@link resetTables}), both containers stopped at the end. Returns the pair
 * once started.
 */
export function useTieredPair(provider: PgtierProvider): () => PostgresPair {
  let pair: PostgresPair | undefined;
  before(async () => {
    pair = await startTieredPair(provider);
  });
  after(async () => {
    await pair?.stop();
  });
  afterEach(async () => {
    if (pair) {
      await resetTables(pair);
    }
  });
  return () => {
    if (!pair) {
      throw new Error("the tiered pair was not started");
    }
    return pair;
  };
}

/** Drops every table and foreign table in public but `employees` (with what depends on them). */
const DROP_OTHER_TABLES = `DO $$
DECLARE r record;
BEGIN
  FOR r IN SELECT c.oid::regclass AS t, c.relkind FROM pg_class c
            WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'f') AND c.relname <> 'employees'
  LOOP
    EXECUTE format('DROP %s IF EXISTS %s CASCADE', CASE WHEN r.relkind = 'f' THEN 'FOREIGN TABLE' ELSE 'TABLE' END, r.t);
  END LOOP;
END $$`;

/**
 * Back to the state {@link startTieredPair} left: every table but the
 * parent dropped on the main instance (partitions, kept `_local` tables,
 * the audit table) and its ids restarted, every table and scratch
 * database on the archive.
 */
export async function resetTables(pair: PostgresPair): Promise<void> {
  const main = connectionOf(pair.main);
  // Partitions first, each by its kind (DROP TABLE refuses a foreign table).
  const partitions = await query<{ t: string; relkind: string }>(
    main,
    `SELECT c.oid::regclass::text AS t, c.relkind::text AS relkind FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
      WHERE i.inhparent = 'public.employees'::regclass`,
  );
  await execAll(
    main,
    partitions.map((p) => `DROP ${p.relkind === "f" ? "FOREIGN TABLE" : "TABLE"} ${p.t}`),
  );
  // Ids from 1 again, so a test's rows are the same whichever ran before it.
  await execAll(main, [DROP_OTHER_TABLES, "ALTER SEQUENCE public.employees_id_seq RESTART"]);
  const archive = connectionOf(pair.archive);
  await execAll(archive, [DROP_OTHER_TABLES]);
  const scratch = await query<{ datname: string }>(
    archive,
    "SELECT datname FROM pg_database WHERE datname LIKE 'restored%' OR datname LIKE 'pgtier_verify_%'",
  );
  await execAll(
    archive,
    scratch.map((d) => `DROP DATABASE "${d.datname}"`),
  );
}

/**
 * Inserts `count` generated employees hired in `year` through `table`
 * (the parent by default, so they are routed as an application's would be).
 * Every tenth has no department, so NULLs are copied and checksummed too.
 */
export async function loadEmployees(
  conn: Connection,
  year: number,
  count: number,
  table = "employees",
  prefix = "employee",
): Promise<void> {
  await query(
    conn,
    `INSERT INTO ${table} (name, hire_date, department, salary)
     SELECT $3 || ' ' || g, make_date($1, 1, 1) + (g % 365),
            CASE WHEN g % 10 = 0 THEN NULL ELSE (ARRAY['Engineering', 'Sales', 'HR', 'Product'])[1 + g % 4] END,
            round((40000 + (g * 37) % 90000 + (g % 100) / 100.0)::numeric, 2)
       FROM generate_series(1, $2::int) AS g`,
    [year, count, prefix],
  );
}

/** Count and content checksum of a table, the way the rotation docs tell a user to compare both sides. */
export interface RowsAndChecksum {
  readonly rows: number;
  readonly checksum: string;
}

/** `count(*)` and `sum(hashtextextended(ROW(id, name, hire_date, department, salary)::text, 0))` of `table`. */
export async function rowsAndChecksum(conn: Connection, table: string, where = "true"): Promise<RowsAndChecksum> {
  const rows = await query<RowsAndChecksum>(
    conn,
    `SELECT count(*)::int AS rows,
            coalesce(sum(hashtextextended(ROW(id, name, hire_date, department, salary)::text, 0)), 0)::text AS checksum
       FROM ${table} WHERE ${where}`,
  );
  return rows[0];
}

/** TieredPartition inputs for one year of `employees`, before defaults. */
export function yearInputs(pair: PostgresPair, year: number, tier: "local" | "archive", extra: Props = {}): Props {
  return {
    connection: connectionOf(pair.main),
    name: `emp_${year}`,
    parent: "employees",
    from: `${year}-01-01`,
    to: `${year + 1}-01-01`,
    columns: employeeColumns,
    partitionKey: "hire_date",
    indexes: employeeIndexes,
    tier,
    ...(tier === "archive" ? { archive: archiveTarget(pair) } : {}),
    ...extra,
  };
}

/** Where archived partitions go: the archive instance through {@link ARCHIVE_SERVER}. */
export function archiveTarget(pair: PostgresPair): Props {
  return { connection: connectionOf(pair.archive), server: ARCHIVE_SERVER };
}

/**
 * A TieredPartition driven as the engine would (check with defaults, then
 * create, update or delete through the provider), with every progress line
 * the provider reports on it kept in {@link progress}.
 */
export class TieredPartitionUnderTest {
  readonly resource: ResourceUnderTest;
  /** `TieredPartition "emp-2024"`, the prefix of every error. */
  readonly label: string;
  /** Progress lines of the last update or delete. */
  progress: string[] = [];

  constructor(name: string) {
    // A provider that reports this resource's progress here instead of to an engine.
    const provider = new PgtierProvider({ progress: () => (line) => this.progress.push(line) });
    this.resource = new ResourceUnderTest(provider, "TieredPartition", name);
    this.label = labelFromUrn(this.resource.urn);
  }

  /** check and create through the provider. */
  create(news: Props): Promise<{ id: string; outs: Props; inputs: Props }> {
    return this.resource.create(news);
  }

  /** check (with the olds) and update; returns the new outputs. */
  async update(id: string, olds: Props, news: Props): Promise<Props> {
    this.progress = [];
    return this.resource.update(id, olds, news);
  }

  /** delete (a decommission). */
  async delete(id: string, props: Props): Promise<void> {
    this.progress = [];
    await this.resource.delete(id, props);
  }

  /** read (refresh) through the provider. */
  read(id: string, props: Props): Promise<{ id: string; props: Props } | undefined> {
    return this.resource.read(id, props);
  }
}
