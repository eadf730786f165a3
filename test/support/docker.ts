/** Docker look-ups for tests: does a container, volume or network exist. */
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
