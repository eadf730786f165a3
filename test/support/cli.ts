/**
 * The Pulumi CLI as a child process, for the crash tests: an `up` killed
 * with SIGKILL at a chosen moment, and the `cancel` that releases the file
 * backend's lock afterwards. The Automation API cannot do this: it waits for
 * the CLI and never hands out its process.
 */
import { execFile, spawn } from "node:child_process";
import * as fs from "node:fs";
import { promisify } from "node:util";
import { cliEnv, repairFileBackend, ROOT } from "./stack";

/** What a killed `pulumi up` printed, and whether the marker was seen before it finished. */
export interface KilledRun {
  readonly output: string;
  readonly killed: boolean;
}

/**
 * Every process below `pid`, from /proc (Linux). The CLI starts its language
 * host in a process group of its own, so killing the CLI's group alone
 * leaves it running, idle and orphaned.
 */
function descendants(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) {
      continue;
    }
    try {
      // Fields after the command name, which is parenthesised and may hold spaces: state, ppid, ...
      const stat = fs.readFileSync(`/proc/${entry}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
    } catch {
      // The process ended while we looked.
    }
  }
  const out: number[] = [];
  for (let todo = [pid]; todo.length > 0;) {
    const next = children.get(todo.pop()!) ?? [];
    out.push(...next);
    todo.push(...next);
  }
  return out;
}

/** SIGKILL, ignoring a process that is already gone. */
function kill(pid: number): void {
  try {
    process.kill(pid, "SIGKILL");
  } catch {
    // Already gone.
  }
}

/**
 * Runs `pulumi up` and kills it with everything it started (the CLI, the
 * language host, the program and the provider plugins, at once) as soon as
 * `marker` shows in its output.
 */
export function upKilledAt(stackName: string, marker: RegExp): Promise<KilledRun> {
  const child = spawn("pulumi", ["up", "--stack", stackName, "--yes", "--skip-preview", "--color", "never"], {
    cwd: ROOT,
    env: { ...process.env, ...cliEnv() },
    detached: true,
  });
  let output = "";
  let killed = false;
  const onData = (chunk: Buffer) => {
    output += chunk.toString();
    if (!killed && marker.test(output)) {
      killed = true;
      const tree = descendants(child.pid!);
      kill(-child.pid!);
      tree.forEach(kill);
    }
  };
  child.stdout.on("data", onData);
  child.stderr.on("data", onData);
  return new Promise((resolve) => child.on("exit", () => resolve({ output, killed })));
}

/** `pulumi cancel`: releases the lock a killed update left in the file backend. */
export async function cancelUpdate(stackName: string): Promise<void> {
  repairFileBackend();
  await promisify(execFile)("pulumi", ["cancel", "--stack", stackName, "--yes"], { cwd: ROOT, env: { ...process.env, ...cliEnv() } });
}
