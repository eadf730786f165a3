/** Docker look-ups for tests: does a container, volume or network exist; removing what a stack kept. */
import { spawn } from "node:child_process";
import * as fs from "node:fs";
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

/** Restarts a container, as a reboot would; its restart policy brings it back by itself otherwise. */
export async function restartContainer(name: string): Promise<void> {
  await docker.getContainer(name).restart();
}

/** Stops a container, as a user would with docker stop. */
export async function stopContainer(name: string): Promise<void> {
  await docker.getContainer(name).stop();
}

/** Starts a stopped container. */
export async function startContainer(name: string): Promise<void> {
  await docker.getContainer(name).start();
}

/** Removes a container by hand (docker rm -f); its volume stays. */
export async function forceRemoveContainer(name: string): Promise<void> {
  await docker.getContainer(name).remove({ force: true });
}

/** Where scripts/setup.sh sends the output of the dockerd it starts. */
const DOCKERD_LOG = "/var/log/pgtier-dockerd.log";

/**
 * The pid of the Docker engine when it is the one scripts/setup.sh started
 * (dockerd, logging to /var/log/pgtier-dockerd.log): a test may then restart
 * it the same way. Undefined for an engine run by the system (systemd, a
 * remote DOCKER_HOST), which a test must leave alone.
 */
export function restartableDockerd(): number | undefined {
  try {
    const pid = Number(fs.readFileSync("/var/run/docker.pid", "utf8").trim());
    const comm = fs.readFileSync(`/proc/${pid}/comm`, "utf8").trim();
    return comm === "dockerd" && !process.env.DOCKER_HOST && fs.existsSync(DOCKERD_LOG) && process.getuid?.() === 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** Waits until `check` holds, every half second, for at most `seconds`. */
async function until(what: string, seconds: number, check: () => Promise<boolean> | boolean): Promise<void> {
  for (let waited = 0; waited < seconds * 1000; waited += 500) {
    if (await check()) {
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error(`${what} did not happen within ${seconds} s`);
}

/**
 * Stops the Docker engine setup.sh started and starts it again the same way,
 * as a reboot or a package upgrade would: containers stop with it, and come
 * back by their restart policy.
 */
export async function restartDockerd(pid: number): Promise<void> {
  process.kill(pid, "SIGTERM");
  await until("dockerd stopping", 60, () => !fs.existsSync(`/proc/${pid}`));
  const log = fs.openSync(DOCKERD_LOG, "a");
  spawn("dockerd", [], { detached: true, stdio: ["ignore", log, log] }).unref();
  fs.closeSync(log);
  await until("dockerd answering", 60, async () =>
    docker.ping().then(
      () => true,
      () => false,
    ),
  );
}
