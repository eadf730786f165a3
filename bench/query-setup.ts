/**
 * The query benchmark's instances and data: a main instance and two archive
 * instances in containers on one Docker network, the guide's `employees`
 * partitioned by year (older years in archive tables, the current year
 * local), and per configuration a database on the main instance wired as
 * pgtier wires it: postgres_fdw, a foreign server and user mapping per
 * archive, the parent, the local partition and the foreign partitions, in
 * statements from pgtier's own SQL builders.
 */
import { connectionOf, startAllOn } from "../test/support/postgres";
// The import above must come first: it configures testcontainers through the environment.
import { Client } from "pg";
import { Network, StartedNetwork, StartedTestContainer } from "testcontainers";
import { foreignTableOptions } from "../components/model/rotation";
import { TableName } from "../components/model/types";
import {
  buildCreateDatabaseSql,
  buildCreateExtensionSql,
  buildCreateForeignPartitionSql,
  buildCreateServerSql,
  buildCreateUserMappingSql,
} from "../components/sql/fdw";
import { quoteIdent, quoteLiteral, quoteQualified } from "../components/sql/quote";
import { buildAnalyzeSql } from "../components/sql/rotation";
import { buildCreateArchiveTableSql, buildCreateLocalPartitionSql, buildCreatePartitionedTableSql } from "../components/sql/tables";
import { foreignServerName } from "../components/tiered-table";
import { employees } from "../stacks/guide";
import { QueryConfig } from "./configs";

/** One year of `employees`: where its rows live. */
export interface YearPlacement {
  readonly year: number;
  /** The archive instance's key, or undefined for a local partition. */
  readonly archive?: string;
}

/** 2021-2022 on archive a, 2023-2024 on archive b, 2025 (the guide's current year) local. */
export const YEARS: readonly YearPlacement[] = [
  { year: 2021, archive: "archive_a" },
  { year: 2022, archive: "archive_a" },
  { year: 2023, archive: "archive_b" },
  { year: 2024, archive: "archive_b" },
  { year: 2025 },
];

const PARENT: Required<TableName> = { schema: "public", name: employees.name };

/** A partition's name, as the guide names them. */
export function partitionName(year: number): string {
  return `emp_${year}`;
}

function boundsOf(year: number): { from: string; to: string } {
  return { from: `${year}-01-01`, to: `${year + 1}-01-01` };
}

/**
 * `INSERT ... SELECT` of `count` generated employees hired in `year`, ids
 * from `firstId`. Salaries are distinct (7919 is prime to 10^7, so ids below
 * 10^7 give distinct values), so "top earners" has one right answer.
 */
function buildGenerateRowsSql(table: TableName, year: number, firstId: number, count: number): string {
  const departments = ["Engineering", "Sales", "HR", "Product", "Marketing", "Finance", "Support", "Legal"];
  const days = `(${quoteLiteral(`${year + 1}-01-01`)}::date - ${quoteLiteral(`${year}-01-01`)}::date)`;
  return `INSERT INTO ${quoteQualified(table.schema, table.name)} (id, name, hire_date, department, salary)
    SELECT g, 'Employee ' || g, ${quoteLiteral(`${year}-01-01`)}::date + (g % ${days}),
           (ARRAY[${departments.map(quoteLiteral).join(", ")}])[1 + g % ${departments.length}],
           30000 + ((g::bigint * 7919) % 10000000) / 100.0
      FROM generate_series(${firstId}, ${firstId + count - 1}) AS g`;
}

/**
 * A local table on the main instance to join the partitions with:
 * `promotions` of every 50th employee, all years, a tenth of them in 2025.
 */
function buildPromotionsSql(employeeCount: number): string[] {
  return [
    "CREATE TABLE promotions (employee_id integer NOT NULL, promoted_on date NOT NULL)",
    `INSERT INTO promotions SELECT g, date '2025-01-01' - (g % 3650) FROM generate_series(1, ${employeeCount}, 50) AS g`,
    "CREATE INDEX ON promotions (employee_id)",
    "ANALYZE promotions",
  ];
}

async function connect(container: StartedTestContainer, database?: string): Promise<Client> {
  const client = new Client(connectionOf(container, database));
  // An instance that goes away (Docker restarted, say) ends an idle client with
  // an 'error' event, which would end the process before the containers are
  // removed; the next query on the client fails instead, and the run cleans up.
  client.on("error", () => undefined);
  await client.connect();
  return client;
}

async function runAll(client: Client, statements: readonly string[]): Promise<void> {
  for (const sql of statements) {
    await client.query(sql);
  }
}

/** The archive table of `year` as pgtier creates it (bounds CHECK, the parent's indexes), loaded, indexed and analyzed as a rotation leaves it. */
async function fillArchiveTable(archive: Client, year: number, firstId: number, count: number): Promise<void> {
  const table = { schema: "public", name: partitionName(year) };
  const [create, ...indexes] = buildCreateArchiveTableSql(
    table,
    employees.columns,
    employees.partitionKey,
    boundsOf(year),
    employees.indexes ?? [],
  );
  await runAll(archive, [create, buildGenerateRowsSql(table, year, firstId, count), ...indexes, buildAnalyzeSql(table)]);
}

/** `ALTER DATABASE name SET setting = 'value'`. */
export function buildAlterDatabaseSetSql(database: string, setting: string, value: string): string {
  return `ALTER DATABASE ${quoteIdent(database)} SET ${quoteIdent(setting)} = ${quoteLiteral(value)}`;
}

/** The running instances, a client per configuration, and how to stop them all. */
export class QueryBench {
  private readonly clients = new Map<string, Client>();

  private constructor(
    private readonly network: StartedNetwork,
    readonly main: StartedTestContainer,
    /** Archive instances by key; other containers reach each at its key with `-` for `_`. */
    readonly archives: Readonly<Record<string, StartedTestContainer>>,
    /** Rows per year. */
    readonly rowsPerYear: number,
  ) {}

  /**
   * Starts the instances and fills one archive table per archived year.
   * Whatever started is stopped again if anything fails.
   */
  static async start(rowsPerYear: number): Promise<QueryBench> {
    const network = await new Network().start();
    const keys = [...new Set(YEARS.flatMap((y) => (y.archive ? [y.archive] : [])))];
    const [main, ...archived] = await startAllOn(network, [
      { database: "appdb" },
      ...keys.map((key) => ({ alias: hostOf(key), database: "archive_db" })),
    ]);
    const b = new QueryBench(network, main, Object.fromEntries(keys.map((key, i) => [key, archived[i]])), rowsPerYear);
    try {
      // The archives load side by side.
      await Promise.all(keys.map((key) => b.fillArchive(key)));
      return b;
    } catch (err) {
      await b.stop();
      throw err;
    }
  }

  private async fillArchive(key: string): Promise<void> {
    const archive = await connect(this.archives[key]);
    try {
      for (const [i, y] of YEARS.entries()) {
        if (y.archive === key) {
          await fillArchiveTable(archive, y.year, i * this.rowsPerYear + 1, this.rowsPerYear);
        }
      }
    } finally {
      await archive.end();
    }
  }

  /**
   * A database for `config` on the main instance, wired as pgtier wires a
   * TieredTable's: servers with the configuration's options, mappings, the
   * parent, the local year (filled) and a foreign partition per archived
   * year. The configuration's client is opened last, so its session has the
   * database's settings.
   */
  async addConfig(config: QueryConfig): Promise<void> {
    const admin = await connect(this.main);
    try {
      await admin.query(buildCreateDatabaseSql(config.name));
      for (const [setting, value] of Object.entries(config.databaseSettings)) {
        await admin.query(buildAlterDatabaseSetSql(config.name, setting, value));
      }
    } finally {
      await admin.end();
    }
    const db = await connect(this.main, config.name);
    try {
      await db.query(buildCreateExtensionSql("postgres_fdw"));
      for (const key of Object.keys(this.archives)) {
        const where = { host: hostOf(key), port: "5432", dbname: "archive_db" };
        await db.query(buildCreateServerSql(foreignServerName(key), { ...config.serverOptions, ...where }));
        await db.query(buildCreateUserMappingSql("CURRENT_USER", foreignServerName(key), { user: "postgres", password: "postgres123" }));
      }
      await runAll(db, buildCreatePartitionedTableSql(PARENT, employees.columns, employees.partitionKey, employees.indexes ?? []));
      for (const [i, y] of YEARS.entries()) {
        const partition = { schema: "public", name: partitionName(y.year) };
        if (y.archive) {
          const options = foreignTableOptions({}, partition);
          await runAll(db, buildCreateForeignPartitionSql(PARENT, partition, boundsOf(y.year), foreignServerName(y.archive), options));
          if (config.analyzeForeign) {
            await db.query(buildAnalyzeSql(partition));
          }
        } else {
          await runAll(db, buildCreateLocalPartitionSql(PARENT, partition, boundsOf(y.year)));
          await db.query(buildGenerateRowsSql(partition, y.year, i * this.rowsPerYear + 1, this.rowsPerYear));
          await db.query(buildAnalyzeSql(partition));
        }
      }
      await runAll(db, buildPromotionsSql(YEARS.length * this.rowsPerYear));
    } finally {
      await db.end();
    }
    this.clients.set(config.name, await connect(this.main, config.name));
  }

  /** The client on the database of configuration `name`. */
  client(name: string): Client {
    const client = this.clients.get(name);
    if (!client) {
      throw new Error(`no database for configuration ${name}; add it with addConfig first`);
    }
    return client;
  }

  /** Closes the clients, removes the containers and the network. */
  async stop(): Promise<void> {
    await Promise.allSettled([...this.clients.values()].map((c) => c.end()));
    await Promise.allSettled([this.main, ...Object.values(this.archives)].map((c) => c.stop()));
    await this.network.stop().catch(() => undefined);
  }
}

/** The host name an archive instance has on the network. */
function hostOf(key: string): string {
  return key.replace(/_/g, "-");
}
