/**
 * Which dumps a backup takes, and whether a backup fits the stack it is
 * restored into. Pure: the main instance's catalog and the stack's archives
 * in, frozen plans and lists of problems out.
 *
 * A backup is one dump of the main database (its schema, the local
 * partitions' rows and the sequences; pg_dump never dumps a foreign table's
 * rows) and one dump per archive table, on its archive, as the guide's
 * "Backup Strategy" lays it out.
 */
import { deepFreeze } from "../../components/model/reader";
import { Bounds } from "../../components/model/types";
import { Manifest, manifestPartitions, PartitionPlace, QualifiedName } from "./manifest";

/** A partition of the tiered table as the main instance's catalog has it (see cli/db/tiered-catalog.ts). */
export interface CatalogPartition {
  readonly schema: string;
  readonly name: string;
  readonly bounds?: Bounds;
  /** The foreign server, for a foreign partition. */
  readonly server?: string;
  /** The table it reads on the archive, for a foreign partition. */
  readonly remote?: QualifiedName;
}

/** An archive of the stack: its name and its foreign server on main. */
export interface StackArchive {
  readonly name: string;
  readonly server: string;
}

/** One pg_dump to run. */
export interface DumpPlan {
  /** File name in the backup directory. */
  readonly file: string;
  /** `main`, or `archive` (then `archive` names which). */
  readonly instance: "main" | "archive";
  readonly archive?: string;
  /** The partitions whose rows the file holds. */
  readonly partitions: readonly PartitionPlace[];
}

/** A problem that keeps a backup or restore from starting; nothing was changed. */
export class PlanError extends Error {}

/** A file name made of the characters every file system takes. */
export function safeFileName(text: string): string {
  return text.replace(/[^A-Za-z0-9_.-]/g, "_");
}

/**
 * Where each partition's rows are: on the main instance for a local
 * partition, in the remote table on the archive whose foreign server it
 * reads for a foreign one. Throws one {@link PlanError} naming every
 * foreign partition whose server is not one of the stack's archives.
 */
export function placePartitions(
  stackName: string,
  partitions: readonly CatalogPartition[],
  archives: readonly StackArchive[],
): PartitionPlace[] {
  const problems: string[] = [];
  const places = partitions.map((p): PartitionPlace => {
    const base = { partition: p.name, ...(p.bounds ? { bounds: p.bounds } : {}) };
    if (!p.server) {
      return { ...base, tier: "local", table: { schema: p.schema, name: p.name } };
    }
    const archive = archives.find((a) => a.server === p.server);
    if (!archive) {
      problems.push(
        `${p.name} reads through foreign server ${p.server}, which is none of the stack's archives (${archives.map((a) => a.server).join(", ") || "none"})`,
      );
    }
    return {
      ...base,
      tier: "archive",
      archive: archive?.name ?? "",
      server: p.server,
      table: p.remote ?? { schema: p.schema, name: p.name },
    };
  });
  if (problems.length > 0) {
    throw new PlanError(
      `stack ${stackName}: ${problems.join("; ")} — run pulumi up --stack ${stackName} so the main instance's foreign partitions match the stack, then try again; nothing was changed`,
    );
  }
  return places;
}

/**
 * The dumps of a backup: the main database (`main.<database>.dump`), then
 * one file per archive table (`<archive>.<schema>.<table>.dump`).
 */
export function planBackup(mainDatabase: string, places: readonly PartitionPlace[]): readonly DumpPlan[] {
  const local = places.filter((p) => p.tier === "local");
  const archived = places.filter((p) => p.tier === "archive");
  return deepFreeze([
    { file: safeFileName(`main.${mainDatabase}.dump`), instance: "main" as const, partitions: local },
    ...archived.map((p) => ({
      file: safeFileName(`${p.archive}.${p.table.schema}.${p.table.name}.dump`),
      instance: "archive" as const,
      archive: p.archive,
      partitions: [p],
    })),
  ]);
}

function describeBounds(b: Bounds | undefined): string {
  return b ? `[${b.from}, ${b.to})` : "DEFAULT";
}

function describePlace(p: PartitionPlace): string {
  return p.tier === "local" ? "local on main" : `on archive "${p.archive}" as ${p.table.schema}.${p.table.name}`;
}

/** What comparing a backup with a stack found. */
export interface LayoutComparison {
  /** Differences that make the restore refuse. */
  readonly problems: readonly string[];
  /** Partitions of the stack the backup has no rows for (they stay empty). */
  readonly notInBackup: readonly string[];
}

/**
 * Whether the backup's partitions are where the stack has them now: the
 * same table, columns, partitions with the same bounds, each on the same
 * tier and archive and reading the same remote table. A partition of the
 * stack the backup lacks is no problem (it stays empty), only named.
 */
export function compareLayout(
  manifest: Manifest,
  table: QualifiedName,
  columns: readonly string[],
  places: readonly PartitionPlace[],
): LayoutComparison {
  const problems: string[] = [];
  if (manifest.table.schema !== table.schema || manifest.table.name !== table.name) {
    problems.push(`the backup is of table ${manifest.table.schema}.${manifest.table.name}, the stack's is ${table.schema}.${table.name}`);
  }
  if (manifest.columns.join(",") !== columns.join(",")) {
    problems.push(`the backup's columns are (${manifest.columns.join(", ")}), the stack's table has (${columns.join(", ")})`);
  }
  for (const p of manifestPartitions(manifest)) {
    const now = places.find((q) => q.partition === p.partition);
    if (!now) {
      problems.push(`partition ${p.partition} ${describeBounds(p.bounds)} is in the backup but not in the stack`);
      continue;
    }
    if (describeBounds(now.bounds) !== describeBounds(p.bounds)) {
      problems.push(`partition ${p.partition} is ${describeBounds(p.bounds)} in the backup but ${describeBounds(now.bounds)} in the stack`);
    }
    if (describePlace(now) !== describePlace(p) || now.server !== p.server) {
      problems.push(`partition ${p.partition} was ${describePlace(p)} in the backup but is ${describePlace(now)} in the stack`);
    }
  }
  const inBackup = new Set(manifestPartitions(manifest).map((p) => p.partition));
  return deepFreeze({ problems, notInBackup: places.filter((p) => !inBackup.has(p.partition)).map((p) => p.partition) });
}
