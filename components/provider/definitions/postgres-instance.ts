/**
 * PostgresInstance: a PostgreSQL server pgtier can reach. Either a Docker
 * container it runs (image, network, volume, port published on 127.0.0.1
 * only), or an existing server given by host and port (a managed database).
 */
import { waitForLogin, withSession } from "../../db/client";
import {
  containerLogs,
  ContainerState,
  inspectContainer,
  internalEndpoint,
  notRunningError,
  PostgresContainer,
  removeContainer,
  startContainer,
} from "../../docker/container";
import { explainDockerError } from "../../docker/client";
import { Reader } from "../../model/reader";
import { Connection, Endpoint, readEndpoint } from "../../model/types";
import { buildAlterRolePasswordSql } from "../../sql/fdw";
import { validatePostgresInstanceArgs } from "../../validate/instance";
import { Operation, ResourceDefinition } from "../definition";

/** How long a new container may take to accept connections (first start runs initdb). */
const READY_TIMEOUT_MS = 120_000;

/** An existing server pgtier connects to. */
export interface ExistingServer {
  readonly host: string;
  readonly port: number;
  /** Admin role pgtier connects as. */
  readonly user: string;
  readonly password: string;
  readonly database: string;
  /** Host other instances reach it at, when not `host`. */
  readonly internalHost?: string;
  /** Port other instances reach it at, when not `port`. */
  readonly internalPort?: number;
}

/** A container (given `image`) or an existing server (given `host`). */
export type PostgresInstanceInputs = PostgresContainer | ExistingServer;

/** Where the instance is reached. */
export interface PostgresInstanceOutputs {
  /** Where pgtier (on this machine) connects. */
  readonly endpoint: Endpoint;
  /** Where other instances connect, for foreign servers. */
  readonly internalEndpoint: Endpoint;
  /** Whether the container ran when last read. */
  readonly running?: boolean;
}

function readInstanceInputs(r: Reader): PostgresInstanceInputs {
  const credentials = { user: r.text("user"), password: r.text("password"), database: r.text("database") };
  if (!r.has("image")) {
    return {
      host: r.text("host"),
      port: r.number("port"),
      internalHost: r.optionalText("internalHost"),
      internalPort: r.optionalNumber("internalPort"),
      ...credentials,
    };
  }
  return {
    image: r.text("image"),
    containerName: r.text("containerName"),
    network: r.text("network"),
    volume: r.text("volume"),
    hostPort: r.optionalNumber("hostPort"),
    publish: r.optionalFlag("publish"),
    extraNetworks: r.has("extraNetworks") ? r.textList("extraNetworks") : undefined,
    env: r.optionalTextMap("env"),
    ...credentials,
  };
}

/** The connection pgtier uses, at `endpoint`; for a container, its name, so each connection finds the port it publishes now. */
function connectionAt(i: PostgresInstanceInputs, endpoint: Endpoint): Connection {
  return { ...endpoint, user: i.user, password: i.password, database: i.database, ...("image" in i ? { container: i.containerName } : {}) };
}

/** An existing server is reached at its host and port, and by other instances there too unless told otherwise. */
function serverOutputs(s: ExistingServer): PostgresInstanceOutputs {
  return {
    endpoint: { host: s.host, port: s.port },
    internalEndpoint: { host: s.internalHost ?? s.host, port: s.internalPort ?? s.port },
  };
}

/** The container's last log lines, for an error about it. */
function logsOf(c: PostgresContainer): () => Promise<string> {
  return async () => `last container log lines:\n${await containerLogs(c.containerName)}`;
}

/**
 * Starts the container (on `preferred` port, when it is created again) and
 * waits until it accepts logins; a container that never does is removed.
 */
async function createContainer(op: Operation, c: PostgresContainer, preferred?: number): Promise<PostgresInstanceOutputs> {
  const endpoint = await startContainer(op.label, c, preferred);
  try {
    await waitForLogin(op, connectionAt(c, endpoint), READY_TIMEOUT_MS, logsOf(c));
  } catch (err) {
    // Nothing half-created: a container that never became ready is removed.
    await removeContainer(c.containerName).catch(() => undefined);
    throw err;
  }
  return { endpoint, internalEndpoint: internalEndpoint(c), running: true };
}

/**
 * The container as Docker has it now, for a diff; only Docker is asked,
 * never PostgreSQL. Gone: the update creates it again on its volume and
 * port. Publishing another port, or a port Docker picks at each start (a
 * container of an older pgtier): the update pins it. A container that does
 * not run is an error naming it and the fix. When Docker cannot be reached,
 * nothing is observed: the operations that need it say so.
 */
async function observeContainer(op: Operation, id: string, c: PostgresInstanceOutputs): Promise<string[]> {
  let found: ContainerState | undefined;
  try {
    found = await inspectContainer(op.label, id);
  } catch {
    return [];
  }
  if (!found) {
    return ["running"];
  }
  if (!found.running) {
    throw notRunningError(op.label, id, found.status);
  }
  // An unpublished container is reached at its address, which Docker may change on a restart.
  const moved = found.endpoint?.port !== c.endpoint.port || found.endpoint?.host !== c.endpoint.host;
  return moved || !found.pinned ? ["endpoint"] : [];
}

/**
 * A container's outputs after an update. Gone: created again, on its volume
 * and (when free) its port, with the password its data directory has.
 * Publishing a port Docker picks at each start (an older pgtier's): created
 * again on the port it has now, pinned. Otherwise as Docker has it.
 */
async function updateContainer(
  op: Operation,
  id: string,
  olds: { readonly endpoint: Endpoint; readonly password: string },
  news: PostgresContainer,
): Promise<PostgresInstanceOutputs> {
  const found = await inspectContainer(op.label, id);
  if (found?.pinned) {
    return { endpoint: found.endpoint ?? olds.endpoint, internalEndpoint: internalEndpoint(news), running: found.running };
  }
  const port = found?.endpoint?.port ?? olds.endpoint.port;
  if (found) {
    await removeContainer(id);
  }
  const outputs = await createContainer(op, { ...news, password: olds.password }, port);
  op.progress(
    `container ${id} ${found ? "now keeps" : "was gone; created again on volume " + news.volume + ", on"} port ${outputs.endpoint.port}` +
      (outputs.endpoint.port !== port ? ` (port ${port} was taken)` : ""),
  );
  return outputs;
}

export const postgresInstance: ResourceDefinition<PostgresInstanceInputs, PostgresInstanceOutputs> = {
  name: "PostgresInstance",
  defaults: {},
  // A container is recreated for any change of how it runs; its data stays on
  // the named volume. The password is changed in place with ALTER ROLE, since
  // the entrypoint only applies POSTGRES_PASSWORD to an empty data directory.
  diff: {
    update: ["password", "host", "port", "internalHost", "internalPort"],
    replace: ["image", "containerName", "network", "volume", "hostPort", "publish", "extraNetworks", "user", "database", "env"],
    deleteBeforeReplace: true,
  },
  validate: (news) => validatePostgresInstanceArgs(news),
  decode: readInstanceInputs,
  decodeOutputs: (r) => ({
    endpoint: r.object("endpoint", readEndpoint),
    internalEndpoint: r.object("internalEndpoint", readEndpoint),
    running: r.optionalFlag("running"),
  }),

  previewOutputs: (i) => ("image" in i ? undefined : serverOutputs(i)),

  async create(op, i) {
    if ("image" in i) {
      return { id: i.containerName, outputs: await createContainer(op, i) };
    }
    const outputs = serverOutputs(i);
    await withSession(op, connectionAt(i, outputs.endpoint), (s) => s.run("SELECT 1"));
    return { id: `${i.host}:${i.port}`, outputs };
  },

  async read(op, id, i, stored) {
    if (!("image" in i)) {
      return { ...i, ...serverOutputs(i) };
    }
    const found = await inspectContainer(op.label, id);
    // A stopped container publishes no port: the stored endpoint stays.
    const endpoint = found?.endpoint ?? stored?.endpoint;
    if (!found || !endpoint) {
      return undefined;
    }
    return { ...i, image: found.image, endpoint, internalEndpoint: internalEndpoint(i), running: found.running };
  },

  observe: (op, id, i) => ("image" in i ? observeContainer(op, id, i) : Promise.resolve([])),

  async update(op, id, olds, news) {
    const outputs = "image" in news ? await updateContainer(op, id, olds, news) : serverOutputs(news);
    if (olds.password !== news.password) {
      // Log in with the old password, set the new one; the data directory keeps it.
      await withSession(op, connectionAt(olds, outputs.endpoint), (s) => s.run(buildAlterRolePasswordSql(news.user, news.password)));
    }
    await withSession(op, connectionAt(news, outputs.endpoint), (s) => s.run("SELECT 1"));
    return outputs;
  },

  async delete(op, id, i) {
    if (!("image" in i)) {
      return; // an existing server is not pgtier's to remove
    }
    try {
      await removeContainer(id);
    } catch (err) {
      throw explainDockerError(op.label, `remove container ${id}`, err);
    }
  },
};
