/**
 * The PostgreSQL container of a PostgresInstance: created from an image
 * honouring the official postgres image's contract, on a user-defined
 * network, with its data on a named volume and its port published on
 * 127.0.0.1 only.
 */
import { createServer } from "node:net";
import { PassThrough, Readable } from "node:stream";
import { finished } from "node:stream/promises";
import { Endpoint } from "../model/types";
import { dockerClient, explainDockerError, isNotFound, MANAGED_LABEL } from "./client";

/** The port PostgreSQL listens on inside the container. */
export const CONTAINER_PORT = 5432;
const DATA_DIR = "/var/lib/postgresql/data";

/** What a PostgreSQL container is made from. */
export interface PostgresContainer {
  /** Image honouring the official postgres image's environment contract. */
  readonly image: string;
  /** Container name, also its host name on the network. */
  readonly containerName: string;
  /** Docker network to join. */
  readonly network: string;
  /** Volume for the data directory. */
  readonly volume: string;
  /** Port on 127.0.0.1 to publish 5432 on; 0 or none lets Docker pick one. */
  readonly hostPort?: number;
  /** Extra environment. */
  readonly env?: Readonly<Record<string, string>>;
  /** Superuser created on first start. */
  readonly user: string;
  /** Its password. */
  readonly password: string;
  /** Database created on first start. */
  readonly database: string;
}

/** Where other containers on the network reach this one. */
export function internalEndpoint(c: Pick<PostgresContainer, "containerName">): Endpoint {
  return { host: c.containerName, port: CONTAINER_PORT };
}

/** The last lines the container logged, stdout and stderr demultiplexed. */
export async function containerLogs(name: string): Promise<string> {
  try {
    const docker = dockerClient();
    const raw = await docker.getContainer(name).logs({ stdout: true, stderr: true, tail: 20, follow: false });
    const out = new PassThrough();
    const lines: Buffer[] = [];
    out.on("data", (chunk: Buffer) => lines.push(chunk));
    const source = Readable.from([raw]);
    docker.modem.demuxStream(source, out, out);
    await finished(source);
    return Buffer.concat(lines).toString("utf8");
  } catch {
    return "(no logs)";
  }
}

/** Stops (PostgreSQL's fast shutdown) and removes a container; its volume stays. Already gone is fine. */
export async function removeContainer(name: string): Promise<void> {
  const container = dockerClient().getContainer(name);
  try {
    // SIGINT is PostgreSQL's fast shutdown: clean, without waiting for clients.
    await container.kill({ signal: "SIGINT" }).catch(() => undefined);
    await container.wait().catch(() => undefined);
    await container.remove({ force: true, v: false });
  } catch (err) {
    if (!isNotFound(err)) {
      throw err;
    }
  }
}

/** The container's state: its published endpoint (none while stopped) and whether it runs; undefined when it is gone. */
export async function inspectContainer(
  label: string,
  name: string,
): Promise<{ endpoint?: Endpoint; image: string; running: boolean; status: string } | undefined> {
  try {
    const info = await dockerClient().getContainer(name).inspect();
    const binding = info.NetworkSettings.Ports?.[`${CONTAINER_PORT}/tcp`]?.[0];
    const endpoint = binding ? { host: "127.0.0.1", port: Number(binding.HostPort) } : undefined;
    return { endpoint, image: info.Config.Image, running: info.State.Running && !info.State.Restarting, status: info.State.Status };
  } catch (err) {
    if (isNotFound(err)) {
      return undefined;
    }
    throw explainDockerError(label, `inspect container ${name}`, err);
  }
}

/** A container of ours left by an interrupted run is removed (its data is on the volume); anyone else's is refused. */
async function clearLeftover(label: string, name: string): Promise<void> {
  const existing = await dockerClient()
    .getContainer(name)
    .inspect()
    .catch((err) => (isNotFound(err) ? undefined : Promise.reject(err)));
  if (!existing) {
    return;
  }
  if (existing.Config.Labels?.[MANAGED_LABEL] !== "true") {
    throw new Error(
      `${label}: a container named ${JSON.stringify(name)} already exists and was not created by pgtier; choose another containerName or remove it (docker rm -f ${name})`,
    );
  }
  await removeContainer(name);
}

/** A port on 127.0.0.1 that nothing listens on now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Docker's refusal of a host port another process took between our look and its start. */
function isPortTaken(err: unknown): boolean {
  const message = err instanceof Error ? err.message : String(err);
  return /port is already allocated|address already in use/i.test(message);
}

/** Creates and starts the container with 5432 published on 127.0.0.1:`port`. */
async function startOn(c: PostgresContainer, port: number): Promise<void> {
  const name = c.containerName;
  const container = await dockerClient().createContainer({
    name,
    Image: c.image,
    Env: [
      `POSTGRES_USER=${c.user}`,
      `POSTGRES_PASSWORD=${c.password}`,
      `POSTGRES_DB=${c.database}`,
      `PGDATA=${DATA_DIR}`,
      ...Object.entries(c.env ?? {}).map(([k, v]) => `${k}=${v}`),
    ],
    Labels: { [MANAGED_LABEL]: "true" },
    ExposedPorts: { [`${CONTAINER_PORT}/tcp`]: {} },
    Healthcheck: {
      Test: ["CMD-SHELL", `pg_isready -U "$POSTGRES_USER" -d "$POSTGRES_DB" -h 127.0.0.1`],
      Interval: 2_000_000_000,
      Timeout: 5_000_000_000,
      Retries: 30,
    },
    HostConfig: {
      PortBindings: { [`${CONTAINER_PORT}/tcp`]: [{ HostIp: "127.0.0.1", HostPort: String(port) }] },
      Mounts: [{ Type: "volume", Source: c.volume, Target: DATA_DIR }],
      NetworkMode: c.network,
      // Back by itself after a dockerd restart or a reboot, unless someone stopped it.
      RestartPolicy: { Name: "unless-stopped" },
    },
    NetworkingConfig: { EndpointsConfig: { [c.network]: { Aliases: [name] } } },
  });
  await container.start();
}

/**
 * Creates and starts the container; returns the endpoint published on
 * 127.0.0.1. The host port is `hostPort`, else `preferred` (the one it had,
 * when it is created again), else a free one picked now. It is published
 * explicitly, so it stays the same across container and dockerd restarts and
 * reboots, and the state never goes stale.
 */
export async function startContainer(label: string, c: PostgresContainer, preferred?: number): Promise<Endpoint> {
  const fixed = c.hostPort ? c.hostPort : undefined;
  for (let attempt = 1; ; attempt++) {
    const port = fixed ?? (attempt === 1 && preferred ? preferred : await freePort());
    try {
      await clearLeftover(label, c.containerName);
      await startOn(c, port);
      return { host: "127.0.0.1", port };
    } catch (err) {
      if (err instanceof Error && err.message.startsWith(label)) {
        throw err;
      }
      await removeContainer(c.containerName).catch(() => undefined);
      if (fixed === undefined && attempt < 3 && isPortTaken(err)) {
        continue;
      }
      throw explainDockerError(
        label,
        `start container ${c.containerName} from image ${c.image} on port ${port} (build it with scripts/build-postgres-image.sh)`,
        err,
      );
    }
  }
}
