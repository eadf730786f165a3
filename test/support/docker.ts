/** Docker look-ups for tests: does a container, volume or network exist; removing what a stack kept. */
import Docker from "dockerode";

const docker = new Docker();

/** True when Docker knows an object of that kind and name. */
export async function dockerObjectExists(kind: "container" | "volume" | "network", name: string): Promise<boolean> {
  try {
    if (kind === "container") {
      await docker.getContainer(name).inspect();
    } else if (kind === "volume") {
      await docker.getVolume(name).inspect();
    } else {
      await docker.getNetwork(name).inspect();
    }
    return true;
  } catch (err) {
    if ((err as { statusCode?: number }).statusCode === 404) {
      return false;
    }
    throw err;
  }
}

/** Removes a volume (one a stack kept on purpose); nothing when it is not there. */
export async function removeVolume(name: string): Promise<void> {
  try {
    await docker.getVolume(name).remove();
  } catch (err) {
    if ((err as { statusCode?: number }).statusCode !== 404) {
      throw err;
    }
  }
}

/**
 * Force-removes every container, volume and network whose name starts with
 * `prefix`: the cleanup of last resort when a test stack's destroy failed.
 * Returns what it removed.
 */
export async function removeDockerObjectsNamed(prefix: string): Promise<string[]> {
  const removed: string[] = [];
  for (const c of await docker.listContainers({ all: true, filters: { name: [prefix] } })) {
    if (c.Names.some((n) => n.startsWith(`/${prefix}`))) {
      await docker.getContainer(c.Id).remove({ force: true });
      removed.push(`container ${c.Names[0].slice(1)}`);
    }
  }
  for (const v of (await docker.listVolumes({ filters: { name: [prefix] } })).Volumes ?? []) {
    if (v.Name.startsWith(prefix)) {
      await docker.getVolume(v.Name).remove();
      removed.push(`volume ${v.Name}`);
    }
  }
  for (const n of await docker.listNetworks({ filters: { name: [prefix] } })) {
    if (n.Name.startsWith(prefix)) {
      await docker.getNetwork(n.Id).remove();
      removed.push(`network ${n.Name}`);
    }
  }
  return removed;
}
