/**
 * Reads a stack's outputs, config and state through the Automation API
 * (the Pulumi CLI on PATH, with the backend and passphrase of the
 * environment), from the project at `workDir`.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { LocalWorkspace } from "@pulumi/pulumi/automation";
import { Progress } from "../../components/model/operation";
import { lastRotationOf, StackInfo, stackInfoFrom, StateResource } from "./stack-info";

/**
 * The Pulumi project the command reads stacks from when `--project` is not
 * given: `PGTIER_ROOT`, else the working directory when it holds a
 * Pulumi.yaml, else the package this file is in (dist/cli/stack).
 */
export function projectRoot(): string {
  if (process.env.PGTIER_ROOT) {
    return process.env.PGTIER_ROOT;
  }
  return fs.existsSync(path.join(process.cwd(), "Pulumi.yaml")) ? process.cwd() : path.resolve(__dirname, "../../..");
}

/**
 * The stack `stackName` of the project at `workDir`, as the command sees it.
 * Every read names the stack (`--stack`): nothing selects it, so the
 * project's current stack stays what the user selected.
 */
export async function readStack(stackName: string, progress: Progress, workDir = projectRoot()): Promise<StackInfo> {
  progress(`reading stack ${stackName}'s outputs and config`);
  const ws = await LocalWorkspace.create({ workDir, envVars: passThroughEnv() });
  const outputs = await ws.stackOutputs(stackName).catch((err: unknown) => {
    throw new Error(
      `stack ${stackName} could not be read in ${workDir} (${firstLine(err)}) — check the name (pulumi stack ls), the backend (PULUMI_BACKEND_URL), the passphrase (PULUMI_CONFIG_PASSPHRASE) and that pulumi is on PATH (source scripts/env.sh)`,
      { cause: err },
    );
  });
  const [config, deployment] = await Promise.all([ws.getAllConfig(stackName), ws.exportStack(stackName)]).catch((err: unknown) => {
    throw new Error(
      `stack ${stackName}: reading its outputs and config failed (${firstLine(err)}) — is PULUMI_CONFIG_PASSPHRASE the stack's passphrase?`,
      { cause: err },
    );
  });
  const values = Object.fromEntries(Object.entries(outputs).map(([k, v]) => [k, v.value as unknown]));
  const configValues = Object.fromEntries(Object.entries(config).map(([k, v]) => [k, v.value]));
  const resources = ((deployment.deployment as { resources?: StateResource[] } | undefined)?.resources ?? []) as StateResource[];
  return stackInfoFrom(stackName, values, configValues, lastRotationOf(resources));
}

/** The environment for the Pulumi CLI: this process's, as strings. */
function passThroughEnv(): Record<string, string> {
  return Object.fromEntries(Object.entries(process.env).filter((e): e is [string, string] => e[1] !== undefined));
}

/** The first line of an error's message (the Automation API puts the CLI's whole output in it). */
function firstLine(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  const lines = text
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l.length > 0 && !/^(code|stdout|stderr|err\?):?/.test(l));
  return lines.find((l) => /error/i.test(l)) ?? lines[0] ?? text;
}
