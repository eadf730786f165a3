/**
 * `pgtier restore`: a backup's rows into a stack whose tables `pulumi up`
 * made and left empty. Everything is checked before anything changes (the
 * files against their SHA-256, the backup's layout against the stack's, the
 * target tables empty, each foreign partition reading through its server);
 * then each file's rows are restored in one transaction, data only, on its
 * instance, in parallel; the restored tables are analyzed; and every
 * partition's count and checksum is read through the main instance (the
 * archived ones through postgres_fdw) and compared with the manifest.
 *
 * `pulumi up` creates what postgres_fdw needs (the extension, servers, user
 * mappings, foreign partitions), so the restore creates none of it: it
 * proves instead that each foreign partition reads through, before and
 * after. Owners, privileges and the schema are left as `pulumi up` made
 * them, so `pulumi preview` shows no change afterwards.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { withSession } from "../../components/db/client";
import { Session } from "../../components/db/session";
import { Operation, Progress } from "../../components/model/operation";
import { Connection } from "../../components/model/types";
import { failuresOf, settleBounded } from "../backup/bounded";
import {
  Figures,
  Manifest,
  MANIFEST_FILE,
  ManifestFile,
  ManifestLog,
  manifestPartitions,
  parseManifest,
  QualifiedName,
} from "../backup/manifest";
import { compareLayout, placePartitions, PlanError } from "../backup/plan";
import { buildLogRestoreList, buildRestoreList } from "../backup/toc";
import { causeOf } from "../db/probes";
import { fileDigest, readToc, restoreData } from "../db/dump-files";
import { hasRows, measureTables, readColumns, readSequences, tableExists } from "../db/table-figures";
import { readTieredCatalog, TieredCatalog } from "../db/tiered-catalog";
import { reasonOf } from "../diagnose/connections";
import { startTicker } from "../progress";
import { LogCheck, PartitionCheck, RestoreReport, SequenceCheck } from "../report/restore";
import { buildAnalyzeSql } from "../sql/backup";
import { buildCountSql } from "../sql/diagnostics";
import { StackInfo } from "../stack/stack-info";

/** What `pgtier restore` is asked to do. */
export interface RestoreOptions {
  /** The backup directory (holding manifest.json). */
  readonly from: string;
  /**
   * How many pg_restore run at once.
   * @default every file at once
   */
  readonly jobs?: number;
}

/** A file to restore: where, and the listing of what. */
interface RestoreJob {
  readonly file: ManifestFile;
  readonly label: string;
  readonly connection: Connection;
  readonly list: string;
}

/** Seconds since `start`, one decimal. */
function seconds(start: number): string {
  return `${((Date.now() - start) / 1000).toFixed(1)}s`;
}

/** The manifest of the backup in `dir`. */
function readManifest(dir: string): Manifest {
  const file = path.join(dir, MANIFEST_FILE);
  if (!fs.existsSync(file)) {
    throw new PlanError(
      `${dir} has no ${MANIFEST_FILE} — name a directory pgtier backup wrote (an interrupted backup writes none); nothing was changed`,
    );
  }
  return parseManifest(fs.readFileSync(file, "utf8"), file);
}

/** Each file present, of the size and SHA-256 the manifest gives. */
async function checkFiles(dir: string, manifest: Manifest, progress: Progress): Promise<string[]> {
  const problems: string[] = [];
  for (const f of manifest.files) {
    const file = path.join(dir, f.file);
    if (!fs.existsSync(file)) {
      problems.push(`${f.file} is missing from ${dir}`);
      continue;
    }
    progress(`checking ${f.file} against the manifest (SHA-256)`);
    const digest = await fileDigest(file);
    if (digest.bytes !== f.bytes || digest.sha256 !== f.sha256) {
      problems.push(
        `${f.file} is not the file the backup wrote (${digest.bytes} bytes, SHA-256 ${digest.sha256.slice(0, 12)}…; the manifest says ${f.bytes} bytes, ${f.sha256.slice(0, 12)}…)`,
      );
    }
  }
  return problems;
}

/**
 * The checks on the main instance, before anything changes: the backup's
 * layout against the stack's, the sequences, the local partitions empty,
 * each foreign partition reading through its server. Problems are added to
 * `problems`.
 */
async function checkOnMain(
  info: StackInfo,
  manifest: Manifest,
  table: QualifiedName,
  mainOp: Operation,
  problems: string[],
): Promise<{ catalog: TieredCatalog; notInBackup: readonly string[]; logTarget?: LogTarget }> {
  mainOp.progress(`reading the layout of ${table.schema}.${table.name} on the main instance at ${info.main.host}:${info.main.port}`);
  return withSession(mainOp, info.main, async (s) => {
    const catalog = await readTieredCatalog(s, table.schema, table.name, info.stackName);
    const comparison = compareLayout(
      manifest,
      table,
      await readColumns(s, table),
      placePartitions(info.stackName, catalog.partitions, info.archives),
    );
    problems.push(...comparison.problems);
    const sequences = await readSequences(s, table);
    for (const seq of manifest.files.flatMap((f) => f.sequences)) {
      const there = sequences.find((q) => q.schema === seq.schema && q.name === seq.name);
      if (!there) {
        problems.push(`sequence ${seq.schema}.${seq.name} is in the backup but ${table.name}'s columns own no such sequence in the stack`);
      } else if (there.isCalled && BigInt(there.lastValue) > BigInt(seq.lastValue)) {
        // Restoring the backup's value would hand out ids that rows written since already have.
        problems.push(
          `sequence ${seq.schema}.${seq.name} is at ${there.lastValue} in the stack, past the backup's ${seq.lastValue}: rows were written since pulumi up, and the restore would set it back`,
        );
      }
    }
    // Rows in partitions the backup has none for: the stack is in use, not empty.
    for (const name of comparison.notInBackup) {
      const p = catalog.partitions.find((x) => x.name === name);
      if (p && (await hasRows(s, p).catch(() => false))) {
        problems.push(`${name} holds rows, and the backup has none for it: the stack is in use`);
      }
    }
    for (const p of catalog.partitions.filter((x) => manifestPartitions(manifest).some((m) => m.partition === x.name))) {
      try {
        mainOp.progress(p.server ? `reading ${p.name} through ${p.server}` : `looking for rows in ${p.name}`);
        if ((await hasRows(s, p)) && !p.server) {
          problems.push(`${p.name} on the main instance holds rows already`);
        }
      } catch (err) {
        problems.push(
          `${p.name} does not read through ${p.server ?? "the main instance"} (${reasonOf(causeOf(err))}) — run pulumi up --stack ${info.stackName} (it creates the servers, user mappings and foreign partitions) and pgtier doctor --stack ${info.stackName}`,
        );
      }
    }
    return { catalog, notInBackup: comparison.notInBackup, logTarget: await logTargetOf(s, manifest) };
  });
}

/**
 * What each file restores, and the checks on the archives and in the files
 * before anything changes: each archive table empty, each dump holding the
 * rows it should. Problems are added to `problems`.
 */
async function planRestores(
  dir: string,
  info: StackInfo,
  manifest: Manifest,
  logTarget: LogTarget | undefined,
  problems: string[],
  progress: Progress,
): Promise<{ jobs: RestoreJob[]; logJob?: { job: RestoreJob; create: boolean } }> {
  const jobs: RestoreJob[] = [];
  let logJob: { job: RestoreJob; create: boolean } | undefined;
  for (const f of manifest.files) {
    const archive = f.instance === "archive" ? info.archives.find((a) => a.name === f.archive) : undefined;
    if (f.instance === "archive" && !archive) {
      problems.push(`${f.file} is of archive "${f.archive}", which stack ${info.stackName} does not have`);
      continue;
    }
    const label = archive ? `archive "${archive.name}"` : "main";
    const connection = archive ? archive.connection : info.main;
    const op: Operation = { label: `pgtier restore: ${label}`, progress };
    try {
      if (archive) {
        await withSession(op, connection, async (s) => {
          for (const p of f.partitions) {
            if (await hasRows(s, p.table)) {
              problems.push(`${p.table.schema}.${p.table.name} on archive "${archive.name}" (partition ${p.partition}) holds rows already`);
            }
          }
        });
      }
      const file = path.join(dir, f.file);
      if (fs.existsSync(file)) {
        const entries = await readToc(op, connection, file);
        const { list, missing } = buildRestoreList(
          entries,
          f.partitions.map((p) => p.table),
          f.sequences,
        );
        if (missing.length > 0) {
          problems.push(`${f.file} holds no data for ${missing.join(", ")}`);
        }
        jobs.push({ file: f, label, connection, list });
        if (f.decommissionLog && (logTarget === "create" || logTarget === "fill")) {
          const log = buildLogRestoreList(entries, f.decommissionLog, logTarget === "create");
          if (log.missing.length > 0) {
            problems.push(`${f.file} holds no definition or data for ${log.missing.join(", ")}`);
          }
          logJob = { job: { file: f, label, connection, list: log.list }, create: logTarget === "create" };
        }
      }
    } catch (err) {
      problems.push(err instanceof Error ? err.message : String(err));
    }
  }
  return { jobs, ...(logJob ? { logJob } : {}) };
}

/** Restores the backup in `options.from` into the stack and verifies it. */
export async function runRestore(info: StackInfo, options: RestoreOptions, progress: Progress): Promise<RestoreReport> {
  const dir = path.resolve(options.from);
  const manifest = readManifest(dir);
  progress(
    `restoring the backup of stack ${manifest.stack} taken ${manifest.createdAt} (${manifest.files.length} files) into stack ${info.stackName}`,
  );
  const problems = await checkFiles(dir, manifest, progress);
  const table: QualifiedName = { schema: info.schema, name: info.tableName };
  const mainOp: Operation = { label: "pgtier restore: main", progress };

  const { catalog, notInBackup, logTarget } = await checkOnMain(info, manifest, table, mainOp, problems);
  const { jobs, logJob } = await planRestores(dir, info, manifest, logTarget, problems, progress);
  if (problems.length > 0) {
    throw new PlanError(
      `restoring ${dir} into stack ${info.stackName} refused, nothing was changed:\n${problems.map((p) => `  - ${p}`).join("\n")}\n` +
        `A restore fills only the empty tables of a stack laid out as the backup was: bring one up with pulumi up (empty), or empty the tables named (TRUNCATE) if their rows may go.`,
    );
  }

  try {
    return await fillAndVerify(dir, info, manifest, { jobs, logJob, catalog, notInBackup, logTarget }, options, progress);
  } catch (err) {
    throw new RestoreStopped(
      `restoring ${dir} into stack ${info.stackName} stopped after it had begun writing rows: ${err instanceof Error ? err.message : String(err)}`,
      { cause: err },
    );
  }
}

/** A restore that failed after it began changing tables: some may hold restored rows (exit status 3). */
export class RestoreStopped extends Error {}

/** What the checks found, for the restore itself. */
interface Planned {
  readonly jobs: Awaited<ReturnType<typeof planRestores>>["jobs"];
  readonly logJob: Awaited<ReturnType<typeof planRestores>>["logJob"];
  readonly catalog: TieredCatalog;
  readonly notInBackup: readonly string[];
  readonly logTarget?: LogTarget;
}

/** Restores the files, analyzes, and verifies every partition through the main instance. */
async function fillAndVerify(
  dir: string,
  info: StackInfo,
  manifest: Manifest,
  { jobs, logJob, catalog, notInBackup, logTarget }: Planned,
  options: RestoreOptions,
  progress: Progress,
): Promise<RestoreReport> {
  const mainOp: Operation = { label: "pgtier restore: main", progress };
  await restoreFiles(dir, jobs, options.jobs ?? Math.max(1, jobs.length), progress);
  if (logJob) {
    const { job, create } = logJob;
    progress(`restoring the decommission log from ${job.file.file}${create ? " (the stack has none: its definition too)" : ""}`);
    await restoreData(
      { label: `pgtier restore: ${job.label}`, progress },
      job.connection,
      path.join(dir, job.file.file),
      job.list,
      !create,
    );
  }
  await analyzeRestored(jobs, progress);
  const report = await verify(info, manifest, catalog.partitions, mainOp);
  const log = manifest.files.find((f) => f.decommissionLog)?.decommissionLog;
  return {
    ...report,
    ...(log ? { decommissionLog: await checkLog(info, log, logTarget === "kept", mainOp) } : {}),
    from: dir,
    notInBackup,
  };
}

/** What becomes of the backup's decommission log (see {@link logTargetOf}). */
type LogTarget = "create" | "fill" | "kept";

/**
 * What becomes of the backup's decommission log: `create` it when the stack
 * has none, `fill` the empty one it has, or keep the stack's own when it
 * holds rows (its history is newer than the backup's).
 */
async function logTargetOf(s: Session, manifest: Manifest): Promise<LogTarget | undefined> {
  const log = manifest.files.find((f) => f.decommissionLog)?.decommissionLog;
  if (!log) {
    return undefined;
  }
  const table = { schema: log.schema, name: log.name };
  if (!(await tableExists(s, table))) {
    return "create";
  }
  return (await hasRows(s, table)) ? "kept" : "fill";
}

/** The decommission log after the restore: as many rows as the backup's, unless the stack's own was kept. */
async function checkLog(info: StackInfo, log: ManifestLog, kept: boolean, op: Operation): Promise<LogCheck> {
  const table = `${log.schema}.${log.name}`;
  if (kept) {
    return { table, expected: log.rows, outcome: "kept", ok: true };
  }
  const found = await withSession(op, info.main, async (s) => String((await s.first<{ n: string }>(buildCountSql(log)))?.n));
  return { table, expected: log.rows, found, outcome: "restored", ok: found === log.rows };
}

/** Every file's rows restored, each in one transaction on its instance, at most `limit` at once. */
async function restoreFiles(dir: string, jobs: readonly RestoreJob[], limit: number, progress: Progress): Promise<void> {
  const running = new Map<string, number>();
  const stopTicker = startTicker(progress, () =>
    running.size === 0 ? undefined : `still restoring: ${[...running].map(([file, start]) => `${file} (${seconds(start)})`).join(", ")}`,
  );
  const done: string[] = [];
  try {
    const results = await settleBounded(
      jobs.map((job) => async () => {
        const start = Date.now();
        const tables = job.file.partitions.map((p) => p.table.name).join(", ") || "no partition";
        progress(`restoring ${job.file.file} into ${job.label} (${job.connection.database}): ${tables}`);
        running.set(job.file.file, start);
        try {
          await restoreData({ label: `pgtier restore: ${job.label}`, progress }, job.connection, path.join(dir, job.file.file), job.list);
        } finally {
          running.delete(job.file.file);
        }
        done.push(job.file.file);
        progress(`restored ${job.file.file} in ${seconds(start)}`);
      }),
      limit,
    );
    const failed = failuresOf(results);
    if (failed.length > 0) {
      throw new Error(
        `${failed.join("; ")} — each file restores in one transaction, so a failed file changed nothing; restored: ${done.join(", ") || "none"}. Fix the cause, empty the restored tables (TRUNCATE) and run pgtier restore again`,
      );
    }
  } finally {
    stopTicker();
  }
}

/** ANALYZE of every restored table on its instance: a data-only restore leaves no statistics, and the planner (and postgres_fdw's remote estimates) need them. */
async function analyzeRestored(jobs: readonly RestoreJob[], progress: Progress): Promise<void> {
  for (const job of jobs) {
    const tables = job.file.partitions.map((p) => p.table);
    if (tables.length === 0) {
      continue;
    }
    progress(`analyzing ${tables.map((t) => t.name).join(", ")} on ${job.label}`);
    await withSession({ label: `pgtier restore: ${job.label}`, progress }, job.connection, async (s) => {
      for (const t of tables) {
        await s.run(buildAnalyzeSql(t));
      }
    });
  }
}

/**
 * Every partition's count and checksum read through the main instance (an
 * archived one through postgres_fdw: the path applications use) against the
 * manifest's, and each sequence at least where the backup had it.
 */
async function verify(
  info: StackInfo,
  manifest: Manifest,
  onMain: readonly { schema: string; name: string; server?: string }[],
  op: Operation,
): Promise<Omit<RestoreReport, "from" | "notInBackup" | "decommissionLog">> {
  return withSession(op, info.main, async (s) => {
    const partitions: PartitionCheck[] = [];
    for (const p of manifestPartitions(manifest)) {
      const main = onMain.find((x) => x.name === p.partition)!;
      op.progress(`verifying ${p.partition}${main.server ? ` through ${main.server}` : ""}`);
      const expected: Figures = { rows: p.rows, checksum: p.checksum };
      try {
        const [found] = await measureTables(s, [main], manifest.columns);
        partitions.push({
          partition: p.partition,
          tier: p.tier,
          ...(p.archive ? { archive: p.archive } : {}),
          ...(main.server ? { server: main.server } : {}),
          expected,
          found,
          ok: found.rows === expected.rows && found.checksum === expected.checksum,
        });
      } catch (err) {
        partitions.push({ partition: p.partition, tier: p.tier, expected, error: reasonOf(causeOf(err)), ok: false });
      }
    }
    const now = await readSequences(s, manifest.table);
    const sequences: SequenceCheck[] = manifest.files
      .flatMap((f) => f.sequences)
      .map((seq) => {
        const found = now.find((q) => q.schema === seq.schema && q.name === seq.name);
        // The backup read the value before pg_dump did; a sequence only grows, so the restored value is at least the one recorded.
        return {
          sequence: `${seq.schema}.${seq.name}`,
          expected: seq.lastValue,
          ...(found ? { found: found.lastValue } : {}),
          ok: found !== undefined && BigInt(found.lastValue) >= BigInt(seq.lastValue) && (found.isCalled || !seq.isCalled),
        };
      });
    return { stack: info.stackName, backupOf: manifest.stack, partitions, sequences };
  });
}
