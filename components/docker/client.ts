/** The Docker Engine client pgtier's Docker resources share. */
import Docker from "dockerode";

/** A client for the engine at DOCKER_HOST, or the local socket. */
export function dockerClient(): Docker {
  return new Docker();
}

/** True when a Docker API error means "no such object". */
export function isNotFound(err: unknown): boolean {
  return (err as { statusCode?: number }).statusCode === 404;
}

/** Turns a Docker API failure into a message naming the resource and the fix. */
export function explainDockerError(label: string, action: string, err: unknown): Error {
  const e = err as { code?: string; statusCode?: number; json?: { message?: string }; message?: string };
  if (e.code === "ENOENT" || e.code === "ECONNREFUSED" || e.code === "EACCES") {
    return new Error(
      `${label}: cannot reach the Docker engine to ${action} (${e.code}) — is dockerd running? run scripts/setup.sh, or set DOCKER_HOST`,
    );
  }
  return new Error(`${label}: Docker could not ${action}: ${e.json?.message ?? e.message ?? String(err)}`);
}

/** Label put on every Docker object pgtier creates. */
export const MANAGED_LABEL = "dev.pgtier.managed";
