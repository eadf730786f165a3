/** How a partition's rows move between tiers: the copy method and how long locks are waited for. */
import { Reader } from "./reader";
import { Connection, readConnection, TableName } from "./types";

/** The ways rows are copied to an archive instance. */
export const COPY_METHODS = ["pipe", "fdw"] as const;

/** How rows are copied: `pipe` (binary COPY through the runner) or `fdw` (INSERT through postgres_fdw). */
export type CopyMethod = (typeof COPY_METHODS)[number];

/** How one tier change copies and locks. */
export interface RotationSettings {
  /**
   * How rows are copied when archiving: `pipe` streams binary COPY through
   * the runner (fastest); `fdw` has the main instance INSERT through
   * postgres_fdw (for when the runner cannot reach the archive quickly).
   * Rows coming back from an archive, or moving between archives, are
   * always piped through the runner.
   * @default "pipe"
   */
  readonly copyMethod: CopyMethod;
  /**
   * Rows per remote INSERT with copyMethod `fdw`.
   * @default 10000
   */
  readonly batchSize: number;
  /**
   * Keep the local table, renamed `<name>_local`, after archiving instead of dropping it.
   * @default false
   */
  readonly keepLocal: boolean;
  /**
   * Keep the archive table, renamed `<name>_kept` on its archive instance,
   * after the partition's rows moved away from it (back to the main
   * instance, or to another archive) instead of dropping it.
   * @default false
   */
  readonly keepArchive: boolean;
  /**
   * How long a tier change waits for a lock, in milliseconds, before it
   * retries: when it starts capturing writes, and at the cutover (reads
   * and writes of the table queue behind the cutover for at most this long).
   * @default 2000
   */
  readonly lockTimeoutMs: number;
  /**
   * Attempts to take each of those locks before giving up with nothing changed.
   * @default 10
   */
  readonly attempts: number;
}

/** The defaults of {@link RotationSettings}: the values documented there. */
export const ROTATION_DEFAULTS: RotationSettings = Object.freeze({
  copyMethod: "pipe",
  batchSize: 10000,
  keepLocal: false,
  keepArchive: false,
  lockTimeoutMs: 2000,
  attempts: 10,
});

/** Rotation settings, read from a bag that holds them (defaults already filled in). */
export function readRotationSettings(r: Reader): RotationSettings {
  return {
    copyMethod: r.oneOf("copyMethod", COPY_METHODS),
    batchSize: r.number("batchSize"),
    keepLocal: r.flag("keepLocal"),
    keepArchive: r.flag("keepArchive"),
    lockTimeoutMs: r.number("lockTimeoutMs"),
    attempts: r.number("attempts"),
  };
}

/** The tiers a partition can be in: `local` on the main instance, `archive` on an archive instance. */
export const TIERS = ["local", "archive"] as const;

/** A partition's tier. */
export type Tier = (typeof TIERS)[number];

/** Where an archived partition's rows live: an archive instance, and the foreign server that reaches it from the main instance. */
export interface ArchiveTarget {
  /** The archive instance's database, as pgtier reaches it. */
  readonly connection: Connection;
  /** Foreign server on the main instance pointing at the archive instance. */
  readonly server: string;
  /**
   * Schema of the archive table on the archive instance.
   * @default "public"
   */
  readonly schema?: string;
  /**
   * Privileges on the archive table, per role: granted when pgtier creates
   * the table or moves rows into it (before the cutover, so the roles
   * postgres_fdw logs in as can read it from the first query), revoked
   * from roles no longer listed.
   * @default [] (only the archive's admin role can read the table)
   */
  readonly grants?: readonly TableGrant[];
}

/** What one role may do with an archive table. */
export interface TableGrant {
  /** The role, on the archive instance. */
  readonly role: string;
  /** Table privileges, upper case, e.g. `["SELECT"]`. */
  readonly privileges: readonly string[];
}

/** An archive target, read from its bag. */
export function readArchiveTarget(r: Reader): ArchiveTarget {
  return {
    connection: r.object("connection", readConnection),
    server: r.text("server"),
    schema: r.optionalText("schema"),
    ...(r.has("grants") ? { grants: r.list("grants", (g) => ({ role: g.text("role"), privileges: g.textList("privileges") })) } : {}),
  };
}

/** The grants of an archive target, and revokes for the roles an older target granted that it no longer lists. */
export function grantsFor(news: ArchiveTarget, olds?: ArchiveTarget): readonly TableGrant[] {
  const kept = news.grants ?? [];
  const dropped = (olds?.grants ?? []).filter((g) => !kept.some((k) => k.role === g.role)).map((g) => ({ role: g.role, privileges: [] }));
  return [...kept, ...dropped];
}

/** The archive table of partition `name`: the same name, in the target's schema. */
export function archiveTableOf(name: string, target: ArchiveTarget): Required<TableName> {
  return { schema: target.schema ?? "public", name };
}

/** A foreign partition's table options: where its rows are (schema_name, table_name), plus postgres_fdw's own. */
export function foreignTableOptions(options: Readonly<Record<string, string>>, archiveTable: Required<TableName>): Record<string, string> {
  return { ...options, schema_name: archiveTable.schema, table_name: archiveTable.name };
}
