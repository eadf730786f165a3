/**
 * PostgresInstance: a PostgreSQL server pgtier can reach. Either a Docker
 * container it runs (image, network, volume, port published on 127.0.0.1
 * only), or an existing server given by host and port (a managed database).
 */
import { buildAlterRolePasswordSql } from "../../sql/fdw";
import { diffSpecs } from "../../diff/specs";
import { dockerClient, explainDockerError, isNotFound } from "../../docker/client";
import { runStatement, withClient } from "../../db/client";
import { Connection } from "../../model/types";
import { validatePostgresInstanceArgs } from "../../validate/instance";
import { Props, ResourceHandler } from "../handler";
import { MANAGED_LABEL } from "./docker-objects";

/** The port PostgreSQL listens on inside the container. */
const CONTAINER_PORT = 5432;
const DATA_DIR = "/var/lib/postgresql/data";
/** How long a new container may take to accept connections (first start runs initdb). */
const READY_TIMEOUT_MS = 120_000;

/** The connection pgtier itself uses for an instance's outputs. */
function connectionOf(props: Props): Connection {
  const endpoint = props.endpoint as { host: string; port: number };
  return {
    host: endpoint.host,
    port: endpoint.port,
    user: props.user as string,
    password: props.password as string,
    database: props.database as string,
  };
}

/** Waits until the server accepts a real login and query. */
async function waitUntilReady(label: string, c: Connection, logs: () => Promise<string>): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      await withClient(label, c, (client) => client.query("SELECT 1"));
      return;
    } catch (err) {
      last = err;
      await new Promise((r) => setTimeout(r, 500));
    }
  }
  throw new Error(
    `${label}: PostgreSQL did not accept connections within ${READY_TIMEOUT_MS / 1000}s (${(last as Error)?.message}); last container log lines:\n${await logs()}`,
  );
}

async function publishedPort(label: string, containerName: string): Promise<number> {
  const info = await dockerClient().getContainer(containerName).inspect();
  const binding = info.NetworkSettings.Ports?.[`${CONTAINER_PORT}/tcp`]?.[0];
  if (!binding) {
    throw new Error(`${label}: container ${containerName} publishes no port for ${CONTAINER_PORT}/tcp`);
  }
  return Number(binding.HostPort);
}

async function containerLogs(containerName: string): Promise<string> {
  try {
    const buf = (await dockerClient().getContainer(containerName).logs({ stdout: true, stderr: true, tail: 20 })) as unknown as Buffer;
    // Docker multiplexes stdout/stderr with 8-byte frame headers; drop them.
    return buf.toString("utf8").replace(/[\x00-\x08]/g, "");
  } catch {
    return "(no logs)";
  }
}

async function removeContainer(name: string): Promise<void> {
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

async function createContainer(label: string, inputs: Props): Promise<Props> {
  const name = inputs.containerName as string;
  const docker = dockerClient();
  const env = Object.entries((inputs.env as Record<string, string> | undefined) ?? {}).map(([k, v]) => `${k}=${v}`);
  try {
    // A container of ours left by an interrupted run is replaced; its data is on the volume.
    const existing = await docker
      .getContainer(name)
      .inspect()
      .catch((err) => (isNotFound(err) ? undefined : Promise.reject(err)));
    if (existing) {
      if (existing.Config.Labels?.[MANAGED_LABEL] !== "true") {
        throw new Error(
          `${label}: a container named ${JSON.stringify(name)} already exists and was not created by pgtier; choose another containerName or remove it (docker rm -f ${name})`,
        );
      }
      await removeContainer(name);
    }
    const container = await docker.createContainer({
      name,
      Image: inputs.image as string,
      Env: [
        `POSTGRES_USER=${inputs.user}`,
        `POSTGRES_PASSWORD=${inputs.password}`,
        `POSTGRES_DB=${inputs.database}`,
        `PGDATA=${DATA_DIR}`,
        ...env,
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
        PortBindings: {
          [`${CONTAINER_PORT}/tcp`]: [{ HostIp: "127.0.0.1", HostPort: inputs.hostPort ? String(inputs.hostPort) : "" }],
        },
        Mounts: [{ Type: "volume", Source: inputs.volume as string, Target: DATA_DIR }],
        NetworkMode: inputs.network as string,
        RestartPolicy: { Name: "unless-stopped" },
      },
      NetworkingConfig: { EndpointsConfig: { [inputs.network as string]: { Aliases: [name] } } },
    });
    await container.start();
  } catch (err) {
    if (err instanceof Error && err.message.startsWith(label)) {
      throw err;
    }
    await removeContainer(name).catch(() => undefined);
    throw explainDockerError(
      label,
      `start container ${name} from image ${inputs.image} (build it with scripts/build-postgres-image.sh)`,
      err,
    );
  }
  const port = await publishedPort(label, name);
  const outs: Props = {
    ...inputs,
    endpoint: { host: "127.0.0.1", port },
    internalEndpoint: { host: name, port: CONTAINER_PORT },
  };
  try {
    await waitUntilReady(label, connectionOf(outs), () => containerLogs(name));
  } catch (err) {
    // Nothing half-created: a container that never became ready is removed.
    await removeContainer(name).catch(() => undefined);
    throw err;
  }
  return outs;
}

export const postgresInstance: ResourceHandler = {
  spec: diffSpecs.PostgresInstance,
  validate: (news) => validatePostgresInstanceArgs(news),

  async create(label, inputs) {
    if (inputs.image !== undefined) {
      const outs = await createContainer(label, inputs);
      return { id: inputs.containerName as string, outs };
    }
    const endpoint = { host: inputs.host as string, port: inputs.port as number };
    const outs = { ...inputs, endpoint, internalEndpoint: endpoint };
    await withClient(label, connectionOf(outs), (client) => client.query("SELECT 1"));
    return { id: `${endpoint.host}:${endpoint.port}`, outs };
  },

  async read(label, id, props) {
    if (props.image === undefined) {
      return { id, props };
    }
    try {
      const info = await dockerClient().getContainer(id).inspect();
      const binding = info.NetworkSettings.Ports?.[`${CONTAINER_PORT}/tcp`]?.[0];
      const endpoint = binding ? { host: "127.0.0.1", port: Number(binding.HostPort) } : props.endpoint;
      return { id, props: { ...props, image: info.Config.Image, endpoint, running: info.State.Running } };
    } catch (err) {
      if (isNotFound(err)) {
        return undefined;
      }
      throw explainDockerError(label, `inspect container ${id}`, err);
    }
  },

  async update(label, _id, olds, news) {
    const outs: Props = { ...olds, ...news };
    if (news.image === undefined) {
      outs.endpoint = outs.internalEndpoint = { host: news.host, port: news.port };
    }
    if (olds.password !== news.password) {
      // Log in with the old password, set the new one; the data directory keeps it.
      await withClient(label, connectionOf(olds), (client) =>
        runStatement(label, client, buildAlterRolePasswordSql(news.user as string, news.password as string)),
      );
    }
    await withClient(label, connectionOf(outs), (client) => client.query("SELECT 1"));
    return outs;
  },

  async delete(label, id, props) {
    if (props.image === undefined) {
      return; // an existing server is not pgtier's to remove
    }
    try {
      await removeContainer(id);
    } catch (err) {
      throw explainDockerError(label, `remove container ${id}`, err);
    }
  },
};
