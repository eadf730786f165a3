/**
 * What the pgtier command knows of a stack: where its instances are and how
 * to log in, read from the stack's outputs and config (pure: the values come
 * in, a frozen description goes out). The passwords stay in the connections
 * and are never printed.
 */
import { Connection } from "../../components/model/types";
import { Bag, DecodeError, isBag, Reader } from "../../components/model/reader";
import { foreignServerName } from "../../components/tiered-table";

/** One archive instance of the stack. */
export interface ArchiveInfo {
  /** The archive's key in `pgtier:archives` (`archive` by default). */
  readonly name: string;
  /** Its foreign server on the main instance, `<name>_server`. */
  readonly server: string;
  /** How this machine logs in to it (its admin role). */
  readonly connection: Connection;
}

/** When a partition last moved to an archive, as the stack's state records it. */
export interface RotationRecord {
  /** The partition that moved, e.g. `emp_2024`. */
  readonly partition: string;
  /** The archive it moved to: its name, or its foreign server when the stack names no such archive; empty when the state does not say. */
  readonly archive: string;
  /** Rows copied and verified. */
  readonly rows: string;
  /** When its resource was last changed (ISO timestamp). */
  readonly at: string;
}

/** The stack, as the command sees it. */
export interface StackInfo {
  /** The stack's name, as `--stack` gave it (fixes name it in pulumi commands). */
  readonly stackName: string;
  /** The tiered table, e.g. `employees`. */
  readonly tableName: string;
  /** Its schema. */
  readonly schema: string;
  /** The as-of date of the layout, when the stack has one. */
  readonly asOf?: string;
  /** The `timeline` output: one line per period. */
  readonly timeline: readonly string[];
  /** How this machine logs in to the main instance. */
  readonly main: Connection;
  /** Every archive instance in `archiveEndpoints`, by name. */
  readonly archives: readonly ArchiveInfo[];
  /** The last move of a partition to an archive, if the state records one. */
  readonly lastRotation?: RotationRecord;
}

/** One server entry of `pgtier:main` or `pgtier:archives` (the keys the command needs). */
interface ServerEntry {
  readonly name?: string;
  readonly host?: string;
  readonly database?: string;
  readonly user?: string;
  readonly passwordKey?: string;
}

/** A problem with the stack's outputs or config, naming the stack and what to do. */
export class StackInfoError extends Error {}

function parseJson(stackName: string, key: string, text: string | undefined): unknown {
  if (text === undefined) {
    return undefined;
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new StackInfoError(
      `stack ${stackName}: config ${key} is not JSON — fix it with pulumi config set ${key} '...' --stack ${stackName}`,
    );
  }
}

function serverEntry(value: unknown): ServerEntry {
  if (!isBag(value)) {
    return {};
  }
  const r = new Reader(value);
  return {
    name: r.optionalText("name"),
    host: r.optionalText("host"),
    database: r.optionalText("database"),
    user: r.optionalText("user"),
    passwordKey: r.optionalText("passwordKey"),
  };
}

/**
 * The stack's description from its outputs (`mainEndpoint`,
 * `archiveEndpoints`, `mainContainer`, `archiveContainers`, `tableName`,
 * `timeline`, `asOf`) and config (`pgtier:password`, `pgtier:main`,
 * `pgtier:archives`, and any `passwordKey` they name). Config keys are full
 * (`pgtier:password`), values plain text.
 */
export function stackInfoFrom(
  stackName: string,
  outputs: Readonly<Record<string, unknown>>,
  config: Readonly<Record<string, string>>,
  lastRotation?: RotationRecord,
): StackInfo {
  if (outputs.mainEndpoint === undefined) {
    throw new StackInfoError(
      `stack ${stackName} has no output mainEndpoint — it has not been deployed; run pulumi up --stack ${stackName} (or name another stack with --stack)`,
    );
  }
  const password = (key: string | undefined): string => {
    const full = `pgtier:${key ?? "password"}`;
    const value = config[full];
    if (value === undefined) {
      throw new StackInfoError(
        `stack ${stackName} has no config ${full} — set it with pulumi config set --secret ${full} '...' --stack ${stackName}`,
      );
    }
    return value;
  };
  try {
    const out = new Reader(outputs as Bag, "output ");
    const mainEntry = serverEntry(parseJson(stackName, "pgtier:main", config["pgtier:main"]));
    const archiveEntries = ((parseJson(stackName, "pgtier:archives", config["pgtier:archives"]) as unknown[] | undefined) ?? []).map(
      serverEntry,
    );
    const containers = out.has("archiveContainers") ? out.textList("archiveContainers") : [];
    const prefix = config["pgtier:namePrefix"] ?? `pgtier-${stackName}`;
    const mainEndpoint = out.object("mainEndpoint", (r) => ({ host: r.text("host"), port: r.number("port") }));
    const mainContainer = out.optionalText("mainContainer");
    const main: Connection = {
      ...mainEndpoint,
      user: mainEntry.user ?? "postgres",
      password: password(mainEntry.passwordKey),
      database: mainEntry.database ?? "appdb",
      ...(mainContainer ? { container: mainContainer } : {}),
    };
    const endpoints = out.object("archiveEndpoints", (r) => r);
    const archives = Object.keys(isBag(outputs.archiveEndpoints) ? outputs.archiveEndpoints : {})
      .sort()
      .map((name): ArchiveInfo => {
        const endpoint = endpoints.object(name, (r) => ({ host: r.text("host"), port: r.number("port") }));
        const entry = archiveEntries.find((a) => a.name === name) ?? {};
        // The stack program names an archive's container `<namePrefix>-<name>`; a name ending another's (`b`, `archive-b`) must not match it.
        const container = entry.host === undefined ? containers.find((c) => c === `${prefix}-${name}`) : undefined;
        return Object.freeze({
          name,
          server: foreignServerName(name),
          connection: Object.freeze({
            ...endpoint,
            user: entry.user ?? "postgres",
            password: password(entry.passwordKey),
            database: entry.database ?? "archive_db",
            ...(container ? { container } : {}),
          }),
        });
      });
    return Object.freeze({
      stackName,
      tableName: out.optionalText("tableName") ?? "employees",
      schema: "public",
      asOf: out.optionalText("asOf"),
      timeline: Object.freeze(out.has("timeline") ? [...out.textList("timeline")] : []),
      main: Object.freeze(main),
      archives: Object.freeze(archives),
      ...(lastRotation
        ? {
            lastRotation: {
              ...lastRotation,
              archive: archives.find((a) => a.server === lastRotation.archive)?.name ?? lastRotation.archive,
            },
          }
        : {}),
    });
  } catch (err) {
    if (err instanceof DecodeError) {
      throw new StackInfoError(
        `stack ${stackName}: ${err.message} — the stack's outputs are not pgtier's; is it a stack of this project? run pulumi up --stack ${stackName}`,
      );
    }
    throw err;
  }
}

/** One resource of an exported deployment, as far as the command reads it. */
export interface StateResource {
  readonly type: string;
  readonly modified?: string;
  readonly outputs?: Readonly<Record<string, unknown>>;
}

/**
 * The last move of a partition to an archive: the TieredPartition whose
 * outputs record archived rows (a move writes them) and that changed last.
 * A move back to the main instance records none, so it is not seen here.
 */
export function lastRotationOf(resources: readonly StateResource[]): RotationRecord | undefined {
  let last: RotationRecord | undefined;
  for (const r of resources) {
    const o = r.outputs ?? {};
    if (r.type !== "pgtier:index:TieredPartition" || typeof o.archivedRows !== "string" || !r.modified) {
      continue;
    }
    if (!last || r.modified > last.at) {
      // The archive target holds the connection too (its password a secret); only its foreign server is read.
      const server = isBag(o.archive) && typeof o.archive.server === "string" ? o.archive.server : "";
      last = { partition: String(o.name), archive: server, rows: o.archivedRows, at: r.modified };
    }
  }
  return last;
}
