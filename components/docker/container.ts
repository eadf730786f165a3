/**
 * The PostgreSQL container of a PostgresInstance: created from an image
 * honouring the official postgres image's contract, on a user-defined
 * network, with its data on a named volume and its port published on
 * 127.0.0.1 only.
 */
import { PassThrough, Readable } from "node:stream";
import { finished } from "node:stream/promises";
import { Endpoint } from "../model/types";
import { dockerClient, explainDockerError, isNotFound, MANAGED_LABEL } from "./client";
import { CONTAINER_PORT, inspectContainer } from "./container-state";
import { freePort } from "./ports";

export { CONTAINER_PORT, ContainerState, inspectContainer, notRunningError } from "./container-state";

const DATA_DIR = "/var/lib/postgresql/data";
/** The postgres user's home in the official image and in pgtier's. */
const POSTGRES_HOME = "/var/lib/postgresql";

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
  /** Port on 127.0.0.1 to publish 5432 on; 0 or none: a free one, picked when the container is created. */
  readonly hostPort?: number;
  /** Publish on the host at all; unpublished, the runner reaches it at its address on `network` (Linux). Default true. */
  readonly publish?: boolean;
  /** More networks to join, e.g. the main instance on the archives' internal network. */
  readonly extraNetworks?: readonly string[];
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

/** Docker's refusal of a host port another process took between our look and its start. */
function isPortTaken(err: unknown): boolean {
  const message = err instanceof Error ? err.message : String(err);
  return /port is already allocated|address already in use/i.test(message);
}

/** Creates and starts the container, with 5432 published on 127.0.0.1:`port` unless it is not to be published. */
async function startOn(c: PostgresContainer, port: number | undefined): Promise<void> {
  const name = c.containerName;
  const docker = dockerClient();
  const container = await docker.createContainer({
    name,
    Image: c.image,
    Env: [
      `POSTGRES_USER=${c.user}`,
      `POSTGRES_PASSWORD=${c.password}`,
      `POSTGRES_DB=${c.database}`,
      `PGDATA=${DATA_DIR}`,
      // The server's own home: libpq in postgres_fdw looks for a client certificate under ~/.postgresql, and a
      // home it may not read (root's, which setpriv leaves) fails every TLS connection to an archive.
      `HOME=${POSTGRES_HOME}`,
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
      PortBindings: port === undefined ? {} : { [`${CONTAINER_PORT}/tcp`]: [{ HostIp: "127.0.0.1", HostPort: String(port) }] },
      Mounts: [{ Type: "volume", Source: c.volume, Target: DATA_DIR }],
      NetworkMode: c.network,
      // Back by itself after a dockerd restart or a reboot, unless someone stopped it.
      RestartPolicy: { Name: "unless-stopped" },
    },
    NetworkingConfig: { EndpointsConfig: { [c.network]: { Aliases: [name] } } },
  });
  // Docker's API 1.41 joins one network at create; the others before the start.
  for (const network of c.extraNetworks ?? []) {
    await docker.getNetwork(network).connect({ Container: name, EndpointConfig: { Aliases: [name] } });
  }
  await container.start();
}

/** Why a container did not start, with what to do about it. */
function startFailure(label: string, c: PostgresContainer, port: number, err: unknown): Error {
  const message = err instanceof Error ? err.message : String(err);
  if (isPortTaken(err)) {
    return new Error(
      `${label}: container ${c.containerName} cannot publish PostgreSQL on 127.0.0.1:${port}: another process holds that port; free it, or give the instance another hostPort (pgtier:mainPort / the archive's port)`,
    );
  }
  const hint = /no such image/i.test(message) ? " (build it with scripts/build-postgres-image.sh)" : "";
  return explainDockerError(label, `start container ${c.containerName} from image ${c.image}${hint}`, err);
}

/**
 * Creates and starts the container; returns the endpoint published on
 * 127.0.0.1. The host port is `hostPort`, else `preferred` (the one it had,
 * when it is created again), else a free one picked now. It is published
 * explicitly, so it stays the same across container and dockerd restarts and
 * reboots, and the state never goes stale.
 */
export async function startContainer(label: string, c: PostgresContainer, preferred?: number): Promise<Endpoint> {
  await clearLeftover(label, c.containerName);
  if (c.publish === false) {
    try {
      await startOn(c, undefined);
    } catch (err) {
      await removeContainer(c.containerName).catch(() => undefined);
      throw startFailure(label, c, 0, err);
    }
    const found = await inspectContainer(label, c.containerName);
    if (!found?.endpoint) {
      throw new Error(
        `${label}: container ${c.containerName} started but has no address on network ${c.network}; see docker inspect ${c.containerName}`,
      );
    }
    return found.endpoint;
  }
  const fixed = c.hostPort ? c.hostPort : undefined;
  for (let attempt = 1; ; attempt++) {
    const port = fixed ?? (attempt === 1 && preferred ? preferred : await freePort());
    try {
      await startOn(c, port);
      return { host: "127.0.0.1", port };
    } catch (err) {
      await removeContainer(c.containerName).catch(() => undefined);
      // Another process took the port picked for it: pick again (never a port the program gave).
      if (fixed === undefined && attempt < 3 && isPortTaken(err)) {
        continue;
      }
      throw startFailure(label, c, port, err);
    }
  }
}
