/**
 * End-to-end helpers: a throwaway stack of pgtier's own project, driven
 * through the real Pulumi CLI by the Automation API, with the file backend
 * and passphrase from scripts/env.sh.
 */
import * as path from "node:path";
import * as fs from "node:fs";
import * as os from "node:os";
import { randomBytes } from "node:crypto";
import { LocalWorkspace, Stack } from "@pulumi/pulumi/automation";
import { removeDockerObjectsNamed } from "./docker";

/** The repository root (this file runs from dist/test/support). */
export const ROOT = path.resolve(__dirname, "../../..");

/** Environment for the CLI: backend in the project, test passphrase, no update checks. */
export function cliEnv(): Record<string, string> {
  return {
    PULUMI_BACKEND_URL: process.env.PULUMI_BACKEND_URL ?? `file://${ROOT}/.pulumi-state`,
    PULUMI_CONFIG_PASSPHRASE: process.env.PULUMI_CONFIG_PASSPHRASE ?? "pgtier-dev",
    PULUMI_SKIP_UPDATE_CHECK: "true",
    PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
  };
}

/** A fresh stack name and the name prefix of its Docker objects. */
export function uniqueStackName(kind: string): { stackName: string; prefix: string } {
  const suffix = randomBytes(3).toString("hex");
  return { stackName: `e2e-${kind}-${suffix}`, prefix: `pgtier-e2e-${kind}-${suffix}` };
}

/**
 * Removes the empty `<stack>.json.attrs` files a SIGKILL of `pulumi` can
 * leave in the file backend (see scripts/repair-state.sh); with one there,
 * every command on the stack fails with "failed to load checkpoint: EOF".
 */
export function repairFileBackend(): void {
  const dir = decodeURIComponent(new URL(cliEnv().PULUMI_BACKEND_URL).pathname);
  const walk = (d: string): void => {
    for (const entry of fs.existsSync(d) ? fs.readdirSync(d, { withFileTypes: true }) : []) {
      const p = path.join(d, entry.name);
      if (entry.isDirectory()) {
        walk(p);
      } else if (entry.name.endsWith(".attrs") && fs.statSync(p).size === 0) {
        fs.rmSync(p);
      }
    }
  };
  walk(dir);
}

/** Creates a stack of the project with the given config (secret values marked). */
export async function createStack(stackName: string, config: Record<string, { value: string; secret?: boolean }>): Promise<Stack> {
  fs.mkdirSync(decodeURIComponent(new URL(cliEnv().PULUMI_BACKEND_URL).pathname), { recursive: true });
  const stack = await LocalWorkspace.createOrSelectStack({ stackName, workDir: ROOT }, { envVars: cliEnv() });
  await stack.setAllConfig(config);
  return stack;
}

/** Destroys a stack's resources and removes it and its config file, even after failures. */
export async function removeStack(stack: Stack | undefined): Promise<void> {
  if (!stack) {
    return;
  }
  try {
    repairFileBackend();
    await stack.destroy({ color: "never" });
  } finally {
    await stack.workspace.removeStack(stack.name, { force: true }).catch(() => undefined);
    fs.rmSync(path.join(ROOT, "stacks", `Pulumi.${stack.name}.yaml`), { force: true });
    fs.rmSync(backupDir(stack.name), { recursive: true, force: true });
  }
}

/** Every file of a stack's state in the file backend, concatenated (to look for plaintext secrets). */
export function stateText(stackName: string): string {
  const backend = new URL(cliEnv().PULUMI_BACKEND_URL);
  const dir = path.join(decodeURIComponent(backend.pathname), ".pulumi");
  const out: string[] = [];
  const walk = (d: string) => {
    for (const entry of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, entry.name);
      if (entry.isDirectory()) {
        walk(p);
      } else if (p.includes(stackName)) {
        out.push(fs.readFileSync(p, "utf8"));
      }
    }
  };
  walk(dir);
  return out.join("\n");
}

/** Where a test stack's final backups go (outside the repository). */
export function backupDir(stackName: string): string {
  return path.join(os.tmpdir(), "pgtier-backups", stackName);
}

/** A stack of the project for one test file: created in `before`, destroyed and removed in `after`. */
export interface StackFixture {
  readonly stackName: string;
  /** Prefix of its containers, volumes and network. */
  readonly prefix: string;
  /** The stack (after `before` ran). */
  stack(): Stack;
}

/** The archive names of a `pgtier:archives` value (JSON), or the default archive's. */
function archiveNames(archives: string | undefined): string[] {
  return archives ? (JSON.parse(archives) as { name: string }[]).map((a) => a.name) : ["archive"];
}

/**
 * Registers mocha hooks that create a stack with this password and a unique
 * name prefix, and remove it afterwards (its Docker objects by name when the
 * destroy fails).
 */
export function useStack(kind: string, password: string, extra: Record<string, string> = {}): StackFixture {
  const { stackName, prefix } = uniqueStackName(kind);
  let stack: Stack | undefined;
  before(async () => {
    const config: Record<string, { value: string; secret?: boolean }> = {
      "pgtier:password": { value: password, secret: true },
      "pgtier:namePrefix": { value: prefix },
      // The guide's layout (2024 archived, 2025 local), as in the dev stack.
      "pgtier:asOf": { value: "2025-06-15" },
      "pgtier:futurePeriods": { value: "0" },
      "pgtier:backupLocation": { value: backupDir(stackName) },
      "pgtier:keepVolumes": { value: "false" },
      // As in the dev stack: the guide's DML reaches every archive (its mapping logs in as the writer).
      "pgtier:writableArchives": { value: JSON.stringify(archiveNames(extra.archives)) },
    };
    for (const [key, value] of Object.entries(extra)) {
      config[`pgtier:${key}`] = { value };
    }
    stack = await createStack(stackName, config);
  });
  after(async () => {
    try {
      await removeStack(stack);
    } catch (err) {
      // Leave no container, volume, network or stack behind (a lock left by a
      // hung or killed update made the forced removal fail too); the
      // destroy's error still fails the run.
      const removed = (await removeDockerObjectsNamed(prefix)).join(", ") || "nothing";
      await stack?.cancel().catch(() => undefined);
      await stack?.workspace.removeStack(stackName, { force: true }).catch(() => undefined);
      const message = `destroying ${stackName} failed (removed by name afterwards: ${removed}): ${(err as Error).message}`;
      throw new Error(message, { cause: err });
    }
  });
  return {
    stackName,
    prefix,
    stack: () => {
      if (!stack) {
        throw new Error(`stack ${stackName} was not created`);
      }
      return stack;
    },
  };
}

/**
 * For a describe block whose tests are one scenario in order: once a test
 * fails, the later ones are skipped instead of failing on its leftovers.
 */
export function skipAfterFirstFailure(): void {
  let failed = false;
  afterEach(function () {
    failed ||= this.currentTest?.state === "failed";
  });
  beforeEach(function () {
    if (failed) {
      this.skip();
    }
  });
}
