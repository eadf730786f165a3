/**
 * The stack's instance settings: `pgtier:archives` (one entry per archive
 * instance, with the periods it holds) and `pgtier:main`. An entry is a
 * container pgtier runs, or, given `host`, an existing server.
 */

/** Where an existing server is and how pgtier logs in (`pgtier:main`, or an archive entry with `host`). */
export interface ServerConfig {
  /** Host pgtier connects to. */
  readonly host?: string;
  /** Its port (an archive container: the port on 127.0.0.1 to publish it on; 0 picks a free one once). Default 5432 for a server. */
  readonly port?: number;
  /** Database pgtier works in. Default appdb (main), archive_db (archives). */
  readonly database?: string;
  /** Admin role pgtier connects as. Default postgres. */
  readonly user?: string;
  /** The `pgtier:` config key holding that role's password as a secret. Default password (`pgtier:password`). */
  readonly passwordKey?: string;
  /** Host other instances reach it at, when not `host` (e.g. a name on a private network). */
  readonly internalHost?: string;
  /** Port other instances reach it at, when not `port`. */
  readonly internalPort?: number;
}

/** One entry of `pgtier:archives`. */
export interface ArchiveConfig extends ServerConfig {
  /** The instance's key: its container is `<namePrefix>-<name>`, its foreign server `<name>_server`. */
  readonly name: string;
  /** First date (ISO) of the periods it holds. */
  readonly from?: string;
  /** End (exclusive, ISO) of the periods it holds. */
  readonly to?: string;
}

/** Keys only an existing server takes. */
const SERVER_ONLY_KEYS = ["database", "user", "passwordKey", "internalHost", "internalPort"] as const;
/** Every key of `pgtier:main`. */
const MAIN_KEYS = ["host", "port", ...SERVER_ONLY_KEYS];
/** Every key of a `pgtier:archives` entry. */
const ARCHIVE_KEYS = ["name", "from", "to", ...MAIN_KEYS];

/** The problem of an existing main server with no `pgtier:archives`: the default archive would be a container. */
export const ARCHIVES_FOR_SERVER =
  'pgtier:main is an existing server, so set pgtier:archives with each archive\'s "host" too, e.g. [{"name": "archive", "host": "archive.db.internal"}] (the default archive is a container, which a server outside Docker cannot reach)';

/** The default port of a PostgreSQL server. */
export const POSTGRES_PORT = 5432;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Problems with one server's settings; `where` names them in messages (`pgtier:main`, `pgtier:archives[1]`). */
function serverProblems(where: string, entry: Record<string, unknown>, known: readonly string[]): string[] {
  const problems: string[] = [];
  for (const key of Object.keys(entry)) {
    if (!known.includes(key)) {
      problems.push(`${where} has an unknown key ${JSON.stringify(key)}; the keys are ${known.join(", ")}`);
    }
  }
  const text = (key: string) => {
    if (entry[key] !== undefined && (typeof entry[key] !== "string" || entry[key] === "")) {
      problems.push(`${where}.${key} must be a non-empty string, not ${JSON.stringify(entry[key])}`);
    }
  };
  const port = (key: string, zero: boolean) => {
    const v = entry[key];
    if (v !== undefined && !(Number.isInteger(v) && Number(v) >= (zero ? 0 : 1) && Number(v) <= 65535)) {
      problems.push(`${where}.${key} must be a port number (${zero ? 0 : 1} to 65535), not ${JSON.stringify(v)}`);
    }
  };
  const existing = entry.host !== undefined;
  ["host", ...SERVER_ONLY_KEYS.filter((k) => k !== "internalPort")].forEach(text);
  port("port", !existing);
  port("internalPort", false);
  if (!existing) {
    const serverOnly = SERVER_ONLY_KEYS.filter((k) => entry[k] !== undefined);
    if (serverOnly.length > 0) {
      problems.push(
        `${where} sets ${serverOnly.join(", ")}, which only an existing server takes; add its "host", or remove them to run a container`,
      );
    }
  }
  return problems;
}

/** Problems with `pgtier:main`: none when it is not set (pgtier runs the main instance in a container). */
export function mainConfigProblems(main: unknown): string[] {
  if (main === undefined) {
    return [];
  }
  if (!isObject(main) || typeof main.host !== "string") {
    return [
      `pgtier:main must be an object naming an existing server, e.g. {"host": "db.example.com", "port": 5432, "database": "appdb", "user": "postgres"}; leave it unset to run the main instance in a container`,
    ];
  }
  return serverProblems("pgtier:main", main, MAIN_KEYS);
}

/**
 * Every problem with the entries that the components cannot see: the list is
 * turned into one instance per name, so a name given twice would silently
 * lose an instance; and an existing main server cannot reach an archive
 * container by its name.
 */
export function archiveConfigProblems(entries: readonly ArchiveConfig[], mainIsServer = false): string[] {
  const problems: string[] = [];
  const first = new Map<string, number>();
  entries.forEach((entry, i) => {
    if (typeof entry?.name !== "string" || entry.name === "") {
      problems.push(`pgtier:archives[${i}] has no name; give each archive instance a name, e.g. {"name": "archive-a"}`);
      return;
    }
    const earlier = first.get(entry.name);
    if (earlier !== undefined) {
      problems.push(
        `pgtier:archives[${earlier}] and pgtier:archives[${i}] are both named ${JSON.stringify(entry.name)}; give each instance one entry, with one from/to range`,
      );
    }
    first.set(entry.name, earlier ?? i);
    problems.push(...serverProblems(`pgtier:archives[${i}]`, { ...entry }, ARCHIVE_KEYS));
    if (mainIsServer && entry.host === undefined) {
      problems.push(
        `pgtier:archives[${i}] (${entry.name}) would be a container, but pgtier:main is an existing server, which cannot reach a container by its name; give the archive's "host" too`,
      );
    }
  });
  return problems;
}
