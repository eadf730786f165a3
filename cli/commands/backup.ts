/**
 * `pgtier backup`: every instance of the stack dumped in parallel, as the
 * guide's "Backup Strategy" does it: the main database in one custom-format
 * dump (schema, local partitions, sequences; no foreign table's rows), and
 * each archive table in a dump of its own, on its archive. Each partition's
 * row count and checksum is taken in the very snapshot its dump reads
 * (pg_dump --snapshot), and the manifest, written last, records them with
 * each file's size and SHA-256. Read-only on the stack.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { lockWaits } from "../../components/db/blockers";
import { withSession } from "../../components/db/client";
import { Operation, Progress } from "../../components/model/operation";
import { Connection } from "../../components/model/types";
import { quoteQualified } from "../../components/sql/quote";
import { failuresOf, Gate, settleBounded } from "../backup/bounded";
import {
  Manifest,
  MANIFEST_FILE,
  MANIFEST_FORMAT,
  ManifestFile,
  manifestPartitions,
  formatManifest,
  PartitionPlace,
  QualifiedName,
} from "../backup/manifest";
import { DumpPlan, placePartitions, PlanError, planBackup } from "../backup/plan";
import { buildRestoreList, dataEntriesOf } from "../backup/toc";
import { dumpDatabase, fileDigest, pgDumpVersion, readToc, sizeNow } from "../db/dump-files";
import { measureTables, readColumns, readDecommissionLog, readSequences } from "../db/table-figures";
import { readTieredCatalog } from "../db/tiered-catalog";
import { startTicker } from "../progress";
import { formatBytes } from "../report/timeline";
import { StackInfo } from "../stack/stack-info";

/** What `pgtier backup` is asked to do. */
export interface BackupOptions {
  /** The directory to write the dumps and the manifest to (created; refused when it holds a manifest). */
  readonly to: string;
  /**
   * How many pg_dump run at once.
   * @default every dump at once
   */
  readonly jobs?: number;
  /** pgtier's version, for the manifest. */
  readonly version: string;
}

/** The dumps of one instance, read in one snapshot. */
interface InstanceDumps {
  readonly label: string;
  readonly connection: Connection;
  readonly plans: readonly DumpPlan[];
}

/** Seconds since `start`, one decimal. */
function seconds(start: number): string {
  return `${((Date.now() - start) / 1000).toFixed(1)}s`;
}

/** Refuses a directory holding a backup already; creates it otherwise (private: the main dump holds user mappings' passwords). */
function prepareDirectory(dir: string): void {
  if (fs.existsSync(path.join(dir, MANIFEST_FILE))) {
    throw new PlanError(`${dir} holds a backup already (${MANIFEST_FILE}) — name a new directory with --to; nothing was written`);
  }
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  // mkdir leaves a directory that was there as it was: one others may read is refused.
  const mode = fs.statSync(dir).mode & 0o077;
  if (mode !== 0) {
    throw new PlanError(
      `${dir} may be read by other users (mode ${(fs.statSync(dir).mode & 0o777).toString(8)}), and the main dump holds the user mappings' passwords — ` +
        `chmod 700 ${dir}, or name a new directory with --to; nothing was written`,
    );
  }
}

/** Takes the backup; returns its manifest, written to `options.to` last. */
export async function runBackup(info: StackInfo, options: BackupOptions, progress: Progress): Promise<Manifest> {
  const startedAt = new Date();
  const dir = path.resolve(options.to);
  const pgDump = await pgDumpVersion();
  const table: QualifiedName = { schema: info.schema, name: info.tableName };
  progress(`reading the layout of ${table.schema}.${table.name} on the main instance at ${info.main.host}:${info.main.port}`);
  const { catalog, columns } = await withSession({ label: "the main instance", progress }, info.main, async (s) => ({
    catalog: await readTieredCatalog(s, table.schema, table.name, info.stackName),
    columns: await readColumns(s, table),
  }));
  const places = placePartitions(info.stackName, catalog.partitions, info.archives);
  const plans = planBackup(info.main.database, places);
  prepareDirectory(dir);

  const groups: InstanceDumps[] = [
    { label: "main", connection: info.main, plans: plans.filter((p) => p.instance === "main") },
    ...info.archives
      .map((a) => ({ label: `archive "${a.name}"`, connection: a.connection, plans: plans.filter((p) => p.archive === a.name) }))
      .filter((g) => g.plans.length > 0),
  ];
  const foreignOnMain = catalog.partitions.filter((p) => p.server).map((p) => ({ schema: p.schema, name: p.name }));
  const gate = new Gate(options.jobs ?? plans.length);
  const running = new Map<string, number>();
  const stopTicker = startTicker(progress, () =>
    running.size === 0
      ? undefined
      : `still dumping: ${[...running].map(([file, start]) => `${file} (${formatBytes(sizeNow(path.join(dir, file)))} so far, ${seconds(start)})`).join(", ")}`,
  );
  const files = new Map<string, ManifestFile>();
  let results: PromiseSettledResult<void>[];
  try {
    results = await settleBounded(
      groups.map((g) => () => dumpInstance(g, { dir, gate, running, files, foreignOnMain, columns, table, progress })),
      groups.length,
    );
  } finally {
    stopTicker();
  }
  const failed = failuresOf(results);
  if (failed.length === 0) {
    failed.push(...(await layoutChanged(info, table, places, progress)));
  }
  if (failed.length > 0) {
    throw new Error(
      `the backup in ${dir} is incomplete (no ${MANIFEST_FILE} was written): ${failed.join("; ")} — fix the cause and run pgtier backup again (into a new directory, or this one)`,
    );
  }
  const manifest: Manifest = {
    format: MANIFEST_FORMAT,
    stack: info.stackName,
    createdAt: startedAt.toISOString(),
    pgtierVersion: options.version,
    pgDump,
    table,
    columns,
    files: plans.map((p) => files.get(p.file)!),
  };
  // Written last and renamed into place: a directory with a manifest holds a whole backup.
  const temporary = path.join(dir, `.${MANIFEST_FILE}.tmp`);
  fs.writeFileSync(temporary, formatManifest(manifest), { mode: 0o600 });
  fs.renameSync(temporary, path.join(dir, MANIFEST_FILE));
  const rows = manifestPartitions(manifest).reduce((n, p) => n + BigInt(p.rows), 0n);
  progress(`wrote ${path.join(dir, MANIFEST_FILE)}: ${manifest.files.length} files, ${rows} rows, in ${seconds(startedAt.getTime())}`);
  return manifest;
}

/**
 * Each instance's dumps read a snapshot of their own: a partition that
 * moved between instances meanwhile (a rotation by pulumi up) could be in
 * two files or in none. The layout read again after the dumps must be the
 * one they were planned from.
 */
async function layoutChanged(
  info: StackInfo,
  table: QualifiedName,
  planned: readonly PartitionPlace[],
  progress: Progress,
): Promise<string[]> {
  progress(`reading the layout again: no partition may have moved during the backup`);
  const now = await withSession({ label: "the main instance", progress }, info.main, (s) =>
    readTieredCatalog(s, table.schema, table.name, info.stackName),
  );
  const places = placePartitions(info.stackName, now.partitions, info.archives);
  return JSON.stringify(places) === JSON.stringify(planned)
    ? []
    : [`the layout of ${table.schema}.${table.name} changed while the dumps ran (did pulumi up rotate a partition?)`];
}

/** What every instance's dumps share. */
interface DumpContext {
  readonly dir: string;
  readonly gate: Gate;
  /** Files being dumped now, and since when (for progress). */
  readonly running: Map<string, number>;
  /** Files written, by name. */
  readonly files: Map<string, ManifestFile>;
  /** The foreign partitions as the main instance names them (the main dump must hold no rows of theirs). */
  readonly foreignOnMain: readonly QualifiedName[];
  readonly columns: readonly string[];
  readonly table: QualifiedName;
  readonly progress: Progress;
}

/**
 * One instance's dumps: a REPEATABLE READ transaction exports its
 * snapshot, counts and checksums every table to dump in it, and stays open
 * while pg_dump reads the same snapshot; so each file holds exactly the
 * rows the manifest describes, whatever is written meanwhile.
 */
async function dumpInstance(g: InstanceDumps, ctx: DumpContext): Promise<void> {
  const op: Operation = { label: `pgtier backup: ${g.label}`, progress: ctx.progress };
  await withSession(op, g.connection, async (s) => {
    const snapshot = await s.openSnapshot();
    try {
      const tables = g.plans.flatMap((p) => p.partitions.map((x) => x.table));
      ctx.progress(`counting rows of ${tables.map((t) => t.name).join(", ") || "no partition"} on ${g.label} (snapshot ${snapshot})`);
      const figures = await measureTables(s, tables, ctx.columns);
      const onMain = g.plans.some((p) => p.instance === "main");
      const sequences = onMain ? await readSequences(s, ctx.table) : [];
      const decommissionLog = onMain ? await readDecommissionLog(s, ctx.table.schema) : undefined;
      let i = 0;
      const measured = g.plans.map((p) => ({ plan: p, partitions: p.partitions.map((x) => ({ ...x, ...figures[i++] })) }));
      const results = await Promise.allSettled(
        measured.map(({ plan, partitions }) =>
          ctx.gate.run(async () => {
            const file = path.join(ctx.dir, plan.file);
            const start = Date.now();
            const what =
              plan.instance === "main"
                ? `the whole database ${g.connection.database}`
                : `${partitions[0].table.schema}.${partitions[0].table.name}`;
            ctx.progress(`dumping ${what} on ${g.label} to ${plan.file}`);
            ctx.running.set(plan.file, start);
            try {
              await dumpDatabase(op, g.connection, file, {
                snapshot,
                lockWaitMs: lockWaits().timeoutMs * lockWaits().attempts,
                ...(plan.instance === "archive" ? { tables: partitions.map((x) => quoteQualified(x.table.schema, x.table.name)) } : {}),
              });
            } finally {
              ctx.running.delete(plan.file);
            }
            await checkContents(op, g.connection, file, plan, sequences, ctx.foreignOnMain);
            const digest = await fileDigest(file);
            ctx.files.set(plan.file, {
              file: plan.file,
              instance: plan.instance,
              ...(plan.archive !== undefined ? { archive: plan.archive } : {}),
              database: g.connection.database,
              partitions,
              sequences: plan.instance === "main" ? sequences : [],
              ...(plan.instance === "main" && decommissionLog ? { decommissionLog } : {}),
              ...digest,
            });
            const rows = partitions.map((x) => `${x.partition} ${x.rows} rows`).join(", ") || "no partition rows";
            ctx.progress(`wrote ${plan.file}: ${rows}, ${formatBytes(digest.bytes)}, in ${seconds(start)}`);
          }),
        ),
      );
      const failed = failuresOf(results);
      if (failed.length > 0) {
        throw new Error(failed.join("; "));
      }
    } finally {
      await s.end(false);
    }
  });
}

/**
 * Reads the dump's table of contents back: it must hold the rows of every
 * partition (and the value of every sequence) the manifest will say it
 * holds, and a main dump no row of a foreign partition.
 */
async function checkContents(
  op: Operation,
  c: Connection,
  file: string,
  plan: DumpPlan,
  sequences: readonly QualifiedName[],
  foreignOnMain: readonly QualifiedName[],
): Promise<void> {
  const toc = await readToc(op, c, file);
  const { missing } = buildRestoreList(
    toc,
    plan.partitions.map((p) => p.table),
    sequences,
  );
  if (missing.length > 0) {
    throw new Error(
      `${op.label}: ${path.basename(file)} holds no data for ${missing.join(", ")} — check the pg_dump version (pg_dump --version)`,
    );
  }
  const foreign = plan.instance === "main" ? dataEntriesOf(toc, foreignOnMain) : [];
  if (foreign.length > 0) {
    throw new Error(
      `${op.label}: ${path.basename(file)} holds rows of foreign partitions (${foreign.map((e) => e.name).join(", ")}); they belong in their archives' dumps and pgtier does not pass --include-foreign-data — is the pg_dump on PATH a wrapper that adds it?`,
    );
  }
}
