/** The pgtier command as a user runs it: `node dist/cli/index.js <args>`, a child process with the project's Pulumi environment. */
import { execFile } from "node:child_process";
import * as path from "node:path";
import { cliEnv, ROOT } from "./stack";

/** The built command's entry. */
const CLI = path.join(ROOT, "dist", "cli", "index.js");

/** What one run of the command printed, and its exit status. */
export interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `node dist/cli/index.js <args>`; resolves with its output and exit status, whatever that is. */
export function pgtier(...args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [CLI, ...args],
      { cwd: ROOT, env: { ...process.env, ...cliEnv(), PGTIER_ROOT: ROOT }, maxBuffer: 10 * 1024 * 1024 },
      (err, stdout, stderr) => resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}
