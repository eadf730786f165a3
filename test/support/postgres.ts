/**
 * Real PostgreSQL servers for the integration tests, run with testcontainers
 * from the locally built image, plus small helpers to reach them with `pg`.
 */
import { POSTGRES_IMAGE } from "./env";
// The import above must come first: it configures testcontainers through the environment.
import { Client } from "pg";
import { GenericContainer, getContainerRuntimeClient, Network, StartedNetwork, StartedTestContainer, WaitStrategy } from "testcontainers";
import { Connection } from "../../components/model/types";

/** The port PostgreSQL listens on inside the container. */
export const PG_PORT = 5432;

/** What a test container was started with. */
export interface Credentials {
  readonly user: string;
  readonly password: string;
  readonly database: string;
}

const credentialsOf = new WeakMap<StartedTestContainer, Credentials>();

type WaitArgs = Parameters<WaitStrategy["waitUntilReady"]>;

/**
 * Waits until a real login over TCP runs `SELECT 1`. The image's first start
 * runs initdb and the init scripts on a socket-only temporary server, which
 * logs "ready to accept connections" too, so neither log lines nor
 * `pg_isready` on the socket mean the published port works yet.
 */
export class PostgresReadyWaitStrategy implements WaitStrategy {
  private timeoutMs = 60_000;
  private timeoutSet = false;

  constructor(private readonly credentials: Credentials) {}

  async waitUntilReady(container: WaitArgs[0], boundPorts: WaitArgs[1]): Promise<void> {
    const host = (await getContainerRuntimeClient()).info.containerRuntime.host;
    const port = boundPorts.getBinding(PG_PORT);
    const deadline = Date.now() + this.timeoutMs;
    let last: unknown;
    while (Date.now() < deadline) {
      try {
        await query({ host, port, ...this.credentials }, "SELECT 1");
        return;
      } catch (err) {
        last = err;
      }
      const state = (await container.inspect()).State;
      if (!state.Running) {
        throw new Error(`PostgreSQL container exited (code ${state.ExitCode}) before accepting connections: ${(last as Error)?.message}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    throw new Error(`PostgreSQL at ${host}:${port} did not accept connections within ${this.timeoutMs} ms: ${(last as Error)?.message}`);
  }

  withStartupTimeout(startupTimeoutMs: number): this {
    this.timeoutMs = startupTimeoutMs;
    this.timeoutSet = true;
    return this;
  }

  isStartupTimeoutSet(): boolean {
    return this.timeoutSet;
  }

  getStartupTimeout(): number {
    return this.timeoutMs;
  }
}

/** Options of {@link startPostgres}. */
export interface StartOptions {
  /** @default "postgres" */
  readonly user?: string;
  /** @default "postgres123" (the guide's) */
  readonly password?: string;
  /** @default "appdb" */
  readonly database?: string;
  /** Network to join. @default the default bridge */
  readonly network?: StartedNetwork;
  /** Name other containers on `network` reach this one by. */
  readonly alias?: string;
}

/**
 * Starts one PostgreSQL container and returns once it accepts logins. The
 * data directory is a tmpfs: faster, and no anonymous volume is left behind.
 */
export async function startPostgres(options: StartOptions = {}): Promise<StartedTestContainer> {
  const credentials: Credentials = {
    user: options.user ?? "postgres",
    password: options.password ?? "postgres123",
    database: options.database ?? "appdb",
  };
  let container = new GenericContainer(POSTGRES_IMAGE)
    .withEnvironment({
      POSTGRES_USER: credentials.user,
      POSTGRES_PASSWORD: credentials.password,
      POSTGRES_DB: credentials.database,
      PGDATA: "/var/lib/postgresql/data",
      // As pgtier's containers have it: postgres_fdw's TLS connections look for a client certificate there.
      HOME: "/var/lib/postgresql",
    })
    .withTmpFs({ "/var/lib/postgresql/data": "rw" })
    // Durability is not under test; skipping fsync keeps DDL-heavy tests quick.
    .withCommand(["postgres", "-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off"])
    .withExposedPorts(PG_PORT)
    .withWaitStrategy(new PostgresReadyWaitStrategy(credentials))
    .withStartupTimeout(90_000);
  if (options.network) {
    container = container.withNetwork(options.network);
    if (options.alias) {
      container = container.withNetworkAliases(options.alias);
    }
  }
  const started = await container.start();
  credentialsOf.set(started, credentials);
  return started;
}

/**
 * Starts one instance per entry on `network`, at once; when any fails, the
 * others are stopped and the network removed before the failure is thrown.
 */
export async function startAllOn(network: StartedNetwork, entries: readonly StartOptions[]): Promise<StartedTestContainer[]> {
  const started = await Promise.allSettled(entries.map((options) => startPostgres({ ...options, network })));
  const containers = started.flatMap((r) => (r.status === "fulfilled" ? [r.value] : []));
  const failed = started.find((r): r is PromiseRejectedResult => r.status === "rejected");
  if (failed) {
    await Promise.allSettled(containers.map((c) => c.stop()));
    await network.stop().catch(() => undefined);
    throw failed.reason;
  }
  return containers;
}

/** A main and an archive instance on one network, as in the guide's docker-compose file. */
export interface PostgresPair {
  readonly network: StartedNetwork;
  readonly main: StartedTestContainer;
  readonly archive: StartedTestContainer;
  /** The archive's name on the network; the main instance reaches it at this host, port 5432. */
  readonly archiveAlias: string;
  /** Stops both containers and removes the network. */
  stop(): Promise<void>;
}

/** Starts the guide's two instances: main (`appdb`) and archive (`archive_db`, reachable as `archive`). */
export async function startPair(options: { mainPassword?: string; archivePassword?: string } = {}): Promise<PostgresPair> {
  const network = await new Network().start();
  const archiveAlias = "archive";
  const [main, archive] = await startAllOn(network, [
    { password: options.mainPassword, database: "appdb" },
    { alias: archiveAlias, password: options.archivePassword, database: "archive_db" },
  ]);
  return {
    network,
    main,
    archive,
    archiveAlias,
    async stop() {
      await Promise.allSettled([main.stop(), archive.stop()]);
      await network.stop();
    },
  };
}

/** How the host (this test process) connects to a container started by {@link startPostgres}. */
export function connectionOf(container: StartedTestContainer, database?: string): Connection {
  const credentials = credentialsOf.get(container);
  if (!credentials) {
    throw new Error(`container ${container.getId()} was not started by startPostgres`);
  }
  return {
    host: container.getHost(),
    port: container.getMappedPort(PG_PORT),
    user: credentials.user,
    password: credentials.password,
    database: database ?? credentials.database,
  };
}

/** Runs one statement on a fresh connection and returns its rows. */
export async function query<T = Record<string, unknown>>(conn: Connection, sql: string, params: unknown[] = []): Promise<T[]> {
  const client = new Client({
    host: conn.host,
    port: conn.port,
    user: conn.user,
    password: conn.password,
    database: conn.database,
    connectionTimeoutMillis: 5_000,
  });
  await client.connect();
  try {
    return (await client.query(sql, params)).rows as T[];
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Runs statements in order on one connection (for setup done "by hand", as a user would with psql). */
export async function execAll(conn: Connection, statements: readonly string[]): Promise<void> {
  for (const sql of statements) {
    await query(conn, sql);
  }
}

/** The URN the Pulumi engine would send for a pgtier resource `name` of `type`. */
export function urn(type: string, name: string): string {
  return `urn:pulumi:test::pgtier::pgtier:index:${type}::${name}`;
}
