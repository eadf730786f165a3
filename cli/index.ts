#!/usr/bin/env node
/**
 * The pgtier command: `pgtier status`, `pgtier doctor`, `pgtier backup` and
 * `pgtier restore` for a stack of a pgtier project. It reads the stack's outputs and config through the
 * Automation API (the Pulumi CLI on PATH, with PULUMI_BACKEND_URL and
 * PULUMI_CONFIG_PASSPHRASE from the environment), then asks the instances.
 * Results go to stdout, progress to stderr. Exit status: 0 fine, 1 a doctor
 * check failed or restored rows differ from the backup, 2 the command itself
 * could not run (a restore refused before changing anything included), 3 a
 * restore that stopped after it had begun writing rows.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { Command, InvalidArgumentError } from "commander";
import { runBackup } from "./commands/backup";
import { runDoctor } from "./commands/doctor";
import { RestoreStopped, runRestore } from "./commands/restore";
import { runStatus } from "./commands/status";
import { anyFailed, formatVerdict } from "./diagnose/verdict";
import { stderrProgress } from "./progress";
import { formatBackup } from "./report/backup";
import { formatRestore, restoreMismatched } from "./report/restore";
import { formatStatus } from "./report/status";
import { projectRoot, readStack } from "./stack/read-stack";

/** Options every command takes. */
interface CommonOptions {
  readonly stack: string;
  readonly project?: string;
  readonly quiet?: boolean;
}

/** The package's version, from its package.json (dist/cli/index.js is two levels below it). */
function version(): string {
  try {
    return (JSON.parse(fs.readFileSync(path.resolve(__dirname, "../../package.json"), "utf8")) as { version: string }).version;
  } catch {
    return "unknown";
  }
}

/** `--jobs`: a whole number of at least 1. */
function jobsOption(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) {
    throw new InvalidArgumentError(`--jobs takes a whole number of at least 1, not ${JSON.stringify(value)}`);
  }
  return n;
}

/**
 * Runs a command's action; an error is one line on stderr and exit status
 * 2 (nothing changed), or 3 when a restore stopped after it began writing rows.
 */
function action<T extends CommonOptions>(name: string, run: (options: T) => Promise<number>): (options: T) => Promise<void> {
  return async (options) => {
    try {
      process.exitCode = await run(options);
    } catch (err) {
      process.stderr.write(`pgtier ${name}: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exitCode = err instanceof RestoreStopped ? 3 : 2;
    }
  };
}

const program = new Command()
  .name("pgtier")
  .description("Status, health checks, backup and restore of a pgtier stack: hot/cold PostgreSQL archiving with postgres_fdw")
  .version(version());

program
  .command("status")
  .description(
    "the layout timeline with live row counts and sizes per partition, FDW health per server, and the last rotation and decommission",
  )
  .requiredOption("-s, --stack <name>", "the stack to report on")
  .option("--project <dir>", "the Pulumi project's directory (default: PGTIER_ROOT, or the current directory when it has a Pulumi.yaml)")
  .option("--json", "print the report as JSON")
  .option("-q, --quiet", "no progress on stderr")
  .action(
    action<CommonOptions & { json?: boolean }>("status", async (options) => {
      const progress = stderrProgress(options.quiet);
      const info = await readStack(options.stack, progress, options.project ?? projectRoot());
      const report = await runStatus(info, progress);
      process.stdout.write(options.json ? `${JSON.stringify(report, null, 2)}\n` : `${formatStatus(report).join("\n")}\n`);
      return 0;
    }),
  );

program
  .command("doctor")
  .description(
    "the guide's troubleshooting cases as checks, each with its fix: archive unreachable, authentication failed, remote table missing, pg_hba rejecting, a missing CHECK constraint, stale statistics, and with --query a query that is not pruned or whose WHERE clause is not pushed down",
  )
  .requiredOption("-s, --stack <name>", "the stack to check")
  .option("--project <dir>", "the Pulumi project's directory (default: PGTIER_ROOT, or the current directory when it has a Pulumi.yaml)")
  .option("--query <sql>", "also check this query's plan (EXPLAIN VERBOSE): partition pruning and WHERE pushdown")
  .option("--json", "print the verdicts as JSON")
  .option("-q, --quiet", "no progress on stderr")
  .action(
    action<CommonOptions & { query?: string; json?: boolean }>("doctor", async (options) => {
      const progress = stderrProgress(options.quiet);
      const info = await readStack(options.stack, progress, options.project ?? projectRoot());
      const verdicts = await runDoctor(info, { query: options.query }, progress);
      if (options.json) {
        process.stdout.write(`${JSON.stringify(verdicts, null, 2)}\n`);
      } else {
        const count = (s: string) => verdicts.filter((v) => v.status === s).length;
        const summary = `${verdicts.length} checks: ${count("ok")} ok, ${count("fail")} failed, ${count("skip")} skipped`;
        process.stdout.write(`${[...verdicts.map(formatVerdict), "", summary].join("\n")}\n`);
      }
      return anyFailed(verdicts) ? 1 : 0;
    }),
  );

program
  .command("backup")
  .description(
    "pg_dump of every instance in parallel: the main database (without the foreign partitions' rows) and each archive table on its own, in custom format, with manifest.json: each partition's row count and checksum, taken in the snapshot its dump reads, and each file's size and SHA-256",
  )
  .requiredOption("-s, --stack <name>", "the stack to back up")
  .requiredOption("--to <dir>", "the directory to write the dumps and manifest.json to (created; refused when it holds a backup)")
  .option("-j, --jobs <n>", "how many pg_dump run at once (default: all)", jobsOption)
  .option("--project <dir>", "the Pulumi project's directory (default: PGTIER_ROOT, or the current directory when it has a Pulumi.yaml)")
  .option("--json", "print the manifest as JSON")
  .option("-q, --quiet", "no progress on stderr")
  .action(
    action<CommonOptions & { to: string; jobs?: number; json?: boolean }>("backup", async (options) => {
      const progress = stderrProgress(options.quiet);
      const info = await readStack(options.stack, progress, options.project ?? projectRoot());
      const manifest = await runBackup(info, { to: options.to, jobs: options.jobs, version: version() }, progress);
      process.stdout.write(
        options.json ? `${JSON.stringify(manifest, null, 2)}\n` : `${formatBackup(manifest, path.resolve(options.to)).join("\n")}\n`,
      );
      return 0;
    }),
  );

program
  .command("restore")
  .description(
    "a backup's rows into the empty tables of a stack (after pulumi up), in parallel, data only; refused before any change when the files, the layout or non-empty tables do not fit; then every partition's count and checksum, read through the main instance, compared with the manifest",
  )
  .requiredOption("-s, --stack <name>", "the stack to restore into")
  .requiredOption("--from <dir>", "the backup directory (holding manifest.json)")
  .option("-j, --jobs <n>", "how many pg_restore run at once (default: all)", jobsOption)
  .option("--project <dir>", "the Pulumi project's directory (default: PGTIER_ROOT, or the current directory when it has a Pulumi.yaml)")
  .option("--json", "print the verification as JSON")
  .option("-q, --quiet", "no progress on stderr")
  .action(
    action<CommonOptions & { from: string; jobs?: number; json?: boolean }>("restore", async (options) => {
      const progress = stderrProgress(options.quiet);
      const info = await readStack(options.stack, progress, options.project ?? projectRoot());
      const report = await runRestore(info, { from: options.from, jobs: options.jobs }, progress);
      process.stdout.write(options.json ? `${JSON.stringify(report, null, 2)}\n` : `${formatRestore(report).join("\n")}\n`);
      return restoreMismatched(report) ? 1 : 0;
    }),
  );

program.parseAsync(process.argv).catch((err: unknown) => {
  process.stderr.write(`pgtier: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 2;
});
