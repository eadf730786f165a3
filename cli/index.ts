#!/usr/bin/env node
/**
 * The pgtier command: `pgtier status` and `pgtier doctor` for a stack of a
 * pgtier project. It reads the stack's outputs and config through the
 * Automation API (the Pulumi CLI on PATH, with PULUMI_BACKEND_URL and
 * PULUMI_CONFIG_PASSPHRASE from the environment), then asks the instances.
 * Results go to stdout, progress to stderr. Exit status: 0 fine, 1 a doctor
 * check failed, 2 the command itself could not run.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { Command } from "commander";
import { runDoctor } from "./commands/doctor";
import { runStatus } from "./commands/status";
import { anyFailed, formatVerdict } from "./diagnose/verdict";
import { stderrProgress } from "./progress";
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

/** Runs a command's action; an error is one line on stderr and exit status 2. */
function action<T extends CommonOptions>(name: string, run: (options: T) => Promise<number>): (options: T) => Promise<void> {
  return async (options) => {
    try {
      process.exitCode = await run(options);
    } catch (err) {
      process.stderr.write(`pgtier ${name}: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exitCode = 2;
    }
  };
}

const program = new Command()
  .name("pgtier")
  .description("Status and health checks of a pgtier stack: hot/cold PostgreSQL archiving with postgres_fdw")
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

program.parseAsync(process.argv).catch((err: unknown) => {
  process.stderr.write(`pgtier: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 2;
});
