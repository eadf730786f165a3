/** Docker look-ups and clean-up for the integration tests of pgtier's Docker resources. */
import Docker from "dockerode";

/** The engine at DOCKER_HOST or the local socket, as pgtier's provider uses. */
export const docker = new Docker();

/** Name prefix of every Docker object the integration tests create through the provider. */
export const TEST_PREFIX = "pgtier-it";

function isNotFound(err: unknown): boolean {
  return (err as { statusCode?: number }).statusCode === 404;
}

/** Inspects a container, or undefined when there is none of that name. */
export async function inspectContainer(name: string): Promise<Docker.ContainerInspectInfo | undefined> {
  try {
    return await docker.getContainer(name).inspect();
  } catch (err) {
    if (isNotFound(err)) {
      return undefined;
    }
    throw err;
  }
}

/** Inspects a volume, or undefined when there is none of that name. */
export async function inspectVolume(name: string): Promise<Docker.VolumeInspectInfo | undefined> {
  try {
    return await docker.getVolume(name).inspect();
  } catch (err) {
    if (isNotFound(err)) {
      return undefined;
    }
    throw err;
  }
}

/** Inspects a network, or undefined when there is none of that name. */
export async function inspectNetwork(name: string): Promise<Docker.NetworkInspectInfo | undefined> {
  try {
    return (await docker.getNetwork(name).inspect()) as Docker.NetworkInspectInfo;
  } catch (err) {
    if (isNotFound(err)) {
      return undefined;
    }
    throw err;
  }
}

/** `docker rm -f name`: removes a container whatever its state (its named volumes stay). */
export async function forceRemoveContainer(name: string): Promise<void> {
  await docker
    .getContainer(name)
    .remove({ force: true })
    .catch((err) => (isNotFound(err) ? undefined : Promise.reject(err)));
}

/**
 * Removes whatever a test left behind, containers first (they hold volumes
 * and networks). Never fails: it runs in `after` hooks, after failures too.
 */
export async function removeLeftovers(objects: { containers?: string[]; volumes?: string[]; networks?: string[] }): Promise<void> {
  for (const name of objects.containers ?? []) {
    await forceRemoveContainer(name).catch(() => undefined);
  }
  for (const name of objects.volumes ?? []) {
    await docker
      .getVolume(name)
      .remove()
      .catch(() => undefined);
  }
  for (const name of objects.networks ?? []) {
    await docker
      .getNetwork(name)
      .remove()
      .catch(() => undefined);
  }
}
