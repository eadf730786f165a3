/**
 * PostgresInstance: a PostgreSQL server pgtier can reach. Either a Docker
 * container it runs (image, network, volume, port published on 127.0.0.1
 * only), or an existing server given by host and port (a managed database).
 */
import { waitForLogin, withSession } from "../../db/client";
import {
  containerLogs,
  inspectContainer,
  internalEndpoint,
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
    return { host: r.text("host"), port: r.number("port"), ...credentials };
  }
  return {
    image: r.text("image"),
    containerName: r.text("containerName"),
    network: r.text("network"),
    volume: r.text("volume"),
    hostPort: r.optionalNumber("hostPort"),
    env: r.optionalTextMap("env"),
    ...credentials,
  };
}

/** The connection pgtier uses, at `endpoint`. */
function connectionAt(i: PostgresInstanceInputs, endpoint: Endpoint): Connection {
  return { ...endpoint, user: i.user, password: i.password, database: i.database };
}

/** Starts the container and waits until it accepts logins; a container that never does is removed. */
async function createContainer(op: Operation, c: PostgresContainer): Promise<PostgresInstanceOutputs> {
  const endpoint = await startContainer(op.label, c);
  try {
    const logs = async () => `last container log lines:\n${await containerLogs(c.containerName)}`;
    await waitForLogin(op.label, connectionAt(c, endpoint), READY_TIMEOUT_MS, logs);
  } catch (err) {
    // Nothing half-created: a container that never became ready is removed.
    await removeContainer(c.containerName).catch(() => undefined);
    throw err;
  }
  return { endpoint, internalEndpoint: internalEndpoint(c) };
}

export const postgresInstance: ResourceDefinition<PostgresInstanceInputs, PostgresInstanceOutputs> = {
  name: "PostgresInstance",
  defaults: {},
  // A container is recreated for any change of how it runs; its data stays on
  // the named volume. The password is changed in place with ALTER ROLE, since
  // the entrypoint only applies POSTGRES_PASSWORD to an empty data directory.
  diff: {
    update: ["password", "host", "port"],
    replace: ["image", "containerName", "network", "volume", "hostPort", "user", "database", "env"],
    deleteBeforeReplace: true,
  },
  validate: (news) => validatePostgresInstanceArgs(news),
  decode: readInstanceInputs,
  decodeOutputs: (r) => ({
    endpoint: r.object("endpoint", readEndpoint),
    internalEndpoint: r.object("internalEndpoint", readEndpoint),
    running: r.optionalFlag("running"),
  }),

  async create(op, i) {
    if ("image" in i) {
      return { id: i.containerName, outputs: await createContainer(op, i) };
    }
    const endpoint = { host: i.host, port: i.port };
    await withSession(op.label, connectionAt(i, endpoint), (s) => s.run("SELECT 1"));
    return { id: `${i.host}:${i.port}`, outputs: { endpoint, internalEndpoint: endpoint } };
  },

  async read(op, id, i, stored) {
    if (!("image" in i)) {
      const endpoint = { host: i.host, port: i.port };
      return { ...i, endpoint, internalEndpoint: endpoint };
    }
    const found = await inspectContainer(op.label, id);
    // A stopped container publishes no port: the stored endpoint stays.
    const endpoint = found?.endpoint ?? stored?.endpoint;
    if (!found || !endpoint) {
      return undefined;
    }
    return { ...i, image: found.image, endpoint, internalEndpoint: internalEndpoint(i), running: found.running };
  },

  async update(op, _id, olds, news) {
    const endpoint = "image" in news ? olds.endpoint : { host: news.host, port: news.port };
    if (olds.password !== news.password) {
      // Log in with the old password, set the new one; the data directory keeps it.
      await withSession(op.label, connectionAt(olds, olds.endpoint), (s) => s.run(buildAlterRolePasswordSql(news.user, news.password)));
    }
    await withSession(op.label, connectionAt(news, endpoint), (s) => s.run("SELECT 1"));
    return { endpoint, internalEndpoint: "image" in news ? olds.internalEndpoint : endpoint, running: olds.running };
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
