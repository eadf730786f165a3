/**
 * The policy pack's decisions, as pure functions of plain values: no
 * `@pulumi/policy` import, so the unit tests run them without the engine.
 * `index.ts` reads the resources (leaving values unknown at preview as
 * {@link UNKNOWN}) and reports what these return.
 */

/** A value the engine does not know yet (an output of a resource not created yet, at preview). */
export const UNKNOWN = Symbol("unknown");

/** A value as the pack sees it: known, or not yet. */
export type Maybe<T> = T | typeof UNKNOWN;

/** Whether a value is known (and set). */
function given<T>(value: Maybe<T> | undefined): value is T {
  return value !== undefined && value !== UNKNOWN;
}

/** The sslmodes that refuse a connection without TLS. */
export const SECURE_SSLMODES = ["require", "verify-full"] as const;

/** Bounds of a numeric server option; either may be left out. */
export interface Bounds {
  readonly min: number;
  readonly max: number;
}

/** The pack's settings, as `--policy-pack-config` gives them, with defaults. */
export interface PackSettings {
  /** Shortest retention a stack may set. */
  readonly minRetentionYears: number;
  /** Bounds of a foreign server's fetch_size. */
  readonly fetchSize: Bounds;
  /** Bounds of a foreign server's batch_size. */
  readonly batchSize: Bounds;
}

/** The defaults of {@link PackSettings}: what the docs and the pack's config schema say. */
export const PACK_DEFAULTS: PackSettings = Object.freeze({
  minRetentionYears: 7,
  fetchSize: Object.freeze({ min: 100, max: 100000 }),
  batchSize: Object.freeze({ min: 1, max: 10000 }),
});

/** A ForeignServer's options, as far as they are known. */
export interface ServerView {
  /** The resource's name in the program, e.g. `employees-archive-server`. */
  readonly resource: string;
  /** Its `options` input (postgres_fdw and libpq options, values as strings). */
  readonly options: Maybe<Readonly<Record<string, Maybe<unknown>>>> | undefined;
}

/** Policy 1: a foreign server's connection to the archive must use TLS. */
export function sslmodeProblem(server: ServerView): string | undefined {
  if (server.options === UNKNOWN) {
    return undefined;
  }
  const mode = server.options?.sslmode;
  if (mode === UNKNOWN || (typeof mode === "string" && (SECURE_SSLMODES as readonly string[]).includes(mode))) {
    return undefined;
  }
  const now =
    mode === undefined
      ? "no sslmode (libpq's default, prefer, falls back to an unencrypted connection)"
      : `sslmode ${JSON.stringify(mode)}`;
  return (
    `ForeignServer "${server.resource}" has ${now}: archived rows and the mapping's password would cross the network unencrypted; ` +
    `set options.sslmode to "require" or "verify-full" (stack config pgtier:sslmode), with an archive instance that serves TLS`
  );
}

/** Policy 5: fetch_size and batch_size within bounds; absent means postgres_fdw's default (100 and 1), which is fine. */
export function serverSizeProblems(server: ServerView, settings: Pick<PackSettings, "fetchSize" | "batchSize">): string[] {
  if (server.options === UNKNOWN || server.options === undefined) {
    return [];
  }
  const problems: string[] = [];
  const options = server.options;
  const check = (option: "fetch_size" | "batch_size", bounds: Bounds, why: string) => {
    const value = options[option];
    if (!given(value)) {
      return;
    }
    const n = typeof value === "number" ? value : /^\s*\d+\s*$/.test(String(value)) ? Number(value) : NaN;
    if (!Number.isInteger(n) || n < bounds.min || n > bounds.max) {
      problems.push(
        `ForeignServer "${server.resource}" has ${option} ${JSON.stringify(value)}, outside ${bounds.min}..${bounds.max} (${why}); ` +
          `set options.${option} within those bounds, or leave it out for postgres_fdw's default`,
      );
    }
  };
  check(
    "fetch_size",
    settings.fetchSize,
    "rows fetched per round trip: too few makes archive scans slow, too many holds large batches in memory",
  );
  check("batch_size", settings.batchSize, "rows per remote INSERT: too many makes one statement huge");
  return problems;
}

/** A UserMapping, as far as it is known. */
export interface MappingView {
  readonly resource: string;
  readonly urn: string;
  /** The role it logs in as on the archive instance. */
  readonly remoteUser: Maybe<unknown> | undefined;
}

/** A PostgresInstance's admin role. */
export interface InstanceView {
  readonly resource: string;
  /** The superuser (container) or admin role (existing server) pgtier connects as. */
  readonly user: Maybe<unknown> | undefined;
}

/** A Role, as far as it is known. */
export interface RoleView {
  readonly resource: string;
  readonly name: Maybe<unknown> | undefined;
  /** @default false */
  readonly superuser: Maybe<unknown> | undefined;
}

/** The role PostgreSQL's images and installers create as the bootstrap superuser. */
export const BOOTSTRAP_SUPERUSER = "postgres";

/**
 * Policy 2: a user mapping never logs in as a superuser or an admin role:
 * any local role that can use the mapping would act on the archive with
 * those rights. Returns the problems by the mapping's URN.
 */
export function mappingRoleProblems(
  mappings: readonly MappingView[],
  instances: readonly InstanceView[],
  roles: readonly RoleView[],
): { urn: string; message: string }[] {
  const problems: { urn: string; message: string }[] = [];
  for (const m of mappings) {
    if (!given(m.remoteUser) || typeof m.remoteUser !== "string") {
      continue;
    }
    const user = m.remoteUser;
    const reasons: string[] = [];
    if (user === BOOTSTRAP_SUPERUSER) {
      reasons.push(`"${BOOTSTRAP_SUPERUSER}" is the bootstrap superuser`);
    }
    for (const i of instances) {
      if (i.user === user && user !== BOOTSTRAP_SUPERUSER) {
        reasons.push(`it is the admin role of PostgresInstance "${i.resource}"`);
      }
    }
    for (const r of roles) {
      if (r.name === user && r.superuser === true) {
        reasons.push(`Role "${r.resource}" makes it a superuser`);
      }
    }
    if (reasons.length > 0) {
      problems.push({
        urn: m.urn,
        message:
          `UserMapping "${m.resource}" logs in to the archive as ${JSON.stringify(user)}, and ${reasons.join("; ")}: every local role using the mapping would act on the archive with those rights; ` +
          `map it to a role that can only read and write the archive tables (a pgtier:index:Role with superuser false, or one made by hand) and give its name as remoteUser`,
      });
    }
  }
  return problems;
}

/** How many periods of each kind make a year. */
export const PERIODS_PER_YEAR: Readonly<Record<string, number>> = Object.freeze({ year: 1, quarter: 4, month: 12 });

/** The stack config keys (namespace pgtier) the retention policy reads, as the engine passes them to the pack. */
export interface RetentionConfig {
  /** `pgtier:retentionPeriods`, unset when partitions are kept forever. */
  readonly retentionPeriods?: string;
  /** `pgtier:period` (default year). */
  readonly period?: string;
}

/**
 * Policy 4: retention is not below the minimum. Retention is a count of
 * periods (`pgtier:retentionPeriods`), so the minimum, in years, is
 * converted with `pgtier:period`. Unset retention keeps everything: fine.
 */
export function retentionProblem(config: RetentionConfig, minRetentionYears: number): string | undefined {
  if (config.retentionPeriods === undefined || config.retentionPeriods === "") {
    return undefined;
  }
  const period = config.period ?? "year";
  const perYear = PERIODS_PER_YEAR[period];
  const periods = Number(config.retentionPeriods);
  if (perYear === undefined || !Number.isFinite(periods)) {
    // The stack program refuses such a config with its own message.
    return undefined;
  }
  const years = periods / perYear;
  if (years >= minRetentionYears) {
    return undefined;
  }
  const needed = Math.ceil(minRetentionYears * perYear);
  return (
    `pgtier:retentionPeriods is ${periods} (${period}s), which keeps ${+years.toFixed(2)} years of data, less than the minimum of ${minRetentionYears} years: ` +
    `older partitions would be decommissioned (backed up and dropped) too early; set pgtier:retentionPeriods to at least ${needed}, or leave it unset to keep every period`
  );
}

/** A TieredPartition's backup settings, as far as they are known. */
export interface PartitionView {
  readonly resource: string;
  /** Its `backup` input. */
  readonly backup: Maybe<Readonly<Record<string, Maybe<unknown>>>> | undefined;
}

/** Policy 4: a partition can only be decommissioned with a backup location to take its final backup to. */
export function backupProblem(p: PartitionView): string | undefined {
  if (p.backup === UNKNOWN) {
    return undefined;
  }
  const location = p.backup?.location;
  if (location === UNKNOWN || (typeof location === "string" && location !== "")) {
    return undefined;
  }
  return (
    `TieredPartition "${p.resource}" has no backup location: decommissioning it (past retention, or removed from the program) takes a final backup first, and would be refused; ` +
    `set backup.location (stack config pgtier:backupLocation) to a directory for the final pg_dump files`
  );
}

/** A PostgresInstance's published endpoint, as far as it is known. */
export interface PublishedView {
  readonly resource: string;
  /** Whether pgtier runs it as a container (its `image` input is set). */
  readonly container: boolean;
  /** Its `endpoint` output: the address the container's port is published on. */
  readonly endpoint: Maybe<Readonly<Record<string, Maybe<unknown>>>> | undefined;
  /** Its `publish` input: false for a container not published at all (its endpoint is then its address on its network). */
  readonly published?: boolean;
}

/** The loopback addresses a port may be published on. */
export const LOOPBACK_HOSTS = ["127.0.0.1", "localhost", "::1"] as const;

/**
 * Policy 6: a container's PostgreSQL is published on the loopback address
 * only. An existing server is not published by pgtier, so it is not checked.
 */
export function publishedProblem(i: PublishedView): string | undefined {
  if (!i.container || i.published === false || i.endpoint === UNKNOWN || i.endpoint === undefined) {
    return undefined;
  }
  const host = i.endpoint.host;
  if (!given(host) || (LOOPBACK_HOSTS as readonly string[]).includes(String(host))) {
    return undefined;
  }
  const port = given(i.endpoint.port) ? `:${String(i.endpoint.port)}` : "";
  return (
    `PostgresInstance "${i.resource}" publishes PostgreSQL on ${String(host)}${port}, beyond 127.0.0.1: anyone who reaches that address can try its superuser's password; ` +
    `publish it on 127.0.0.1 only (pgtier's containers do; the port is the instance's hostPort, stack config pgtier:mainPort, pgtier:archivePort or an archive's "port")`
  );
}

/** The stack config keys that hold a password: `pgtier:password`, each `passwordKey` that `pgtier:main` and `pgtier:archives` name, and any key named like a password. */
export function passwordKeys(values: Readonly<Record<string, string>>): string[] {
  const keys = new Set(Object.keys(values).filter((k) => /password$/i.test(k.slice(k.indexOf(":") + 1))));
  const named = (entry: unknown) => {
    const key = (entry as { passwordKey?: unknown } | null)?.passwordKey;
    if (typeof key === "string") {
      keys.add(`pgtier:${key}`);
    }
  };
  for (const [key, many] of [
    ["pgtier:main", false],
    ["pgtier:archives", true],
  ] as const) {
    try {
      const parsed: unknown = values[key] === undefined ? undefined : JSON.parse(values[key]);
      (many && Array.isArray(parsed) ? parsed : [parsed]).forEach(named);
    } catch {
      // Not JSON: the stack program refuses it with its own message.
    }
  }
  return [...keys].filter((k) => values[k] !== undefined).sort();
}

/**
 * Policy 3, for the stack's config: every password is a secret, so the
 * config file holds it encrypted and Pulumi masks it in every output.
 */
export function plaintextPasswordProblems(values: Readonly<Record<string, string>>, secretKeys: readonly string[]): string[] {
  return passwordKeys(values)
    .filter((k) => !secretKeys.includes(k))
    .map(
      (k) =>
        `stack config ${k} holds a password in plain text (in the stack's config file and in every output that shows it); ` +
        `make it a secret: pulumi config set --secret ${k} <password>`,
    );
}

/** The pack's settings from one policy's config, falling back to the defaults. */
export function packSettings(config: Partial<Record<keyof PackSettings, unknown>>): PackSettings {
  const bounds = (value: unknown, fallback: Bounds): Bounds => {
    const b = (value ?? {}) as Partial<Bounds>;
    return { min: typeof b.min === "number" ? b.min : fallback.min, max: typeof b.max === "number" ? b.max : fallback.max };
  };
  return {
    minRetentionYears: typeof config.minRetentionYears === "number" ? config.minRetentionYears : PACK_DEFAULTS.minRetentionYears,
    fetchSize: bounds(config.fetchSize, PACK_DEFAULTS.fetchSize),
    batchSize: bounds(config.batchSize, PACK_DEFAULTS.batchSize),
  };
}
