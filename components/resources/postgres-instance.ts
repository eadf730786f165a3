/** PostgresInstance: a PostgreSQL server, run as a container or given by address. */
import * as pulumi from "@pulumi/pulumi";
import { Endpoint } from "../model/types";
import { ConnectionArgs, pgtierType, registerArgs } from "./common";

/** Arguments of {@link PostgresInstance}: give `image` (a container) or `host` (an existing server). */
export interface PostgresInstanceArgs {
  /**
   * Image to run, honouring the official `postgres` image's environment contract.
   * @default - none: give either image or host
   */
  readonly image?: pulumi.Input<string>;
  /** Container name, also its host name on the network. Required with `image`. */
  readonly containerName?: pulumi.Input<string>;
  /** Docker network to join (a {@link DockerNetwork}'s name). Required with `image`. */
  readonly network?: pulumi.Input<string>;
  /** Volume for the data directory (a {@link DockerVolume}'s name). Required with `image`. */
  readonly volume?: pulumi.Input<string>;
  /**
   * Port on 127.0.0.1 to publish 5432 on.
   * @default 0 (a free port, picked when the container is created and kept across restarts)
   */
  readonly hostPort?: pulumi.Input<number>;
  /**
   * Publish the container on the host (on 127.0.0.1 only). Unpublished,
   * pgtier reaches it at its address on its network, which a Linux host can
   * (Docker Desktop cannot: publish it there).
   * @default true
   */
  readonly publish?: pulumi.Input<boolean>;
  /**
   * More Docker networks to join (the main instance on the archives'
   * internal network). Changing them re-creates the container on its volume.
   * @default []
   */
  readonly extraNetworks?: pulumi.Input<pulumi.Input<string>[]>;
  /**
   * Extra environment for the container, e.g. POSTGRES_INITDB_ARGS.
   * @default {}
   */
  readonly env?: pulumi.Input<Record<string, pulumi.Input<string>>>;
  /** Host of an existing server (managed database). Required without `image`. */
  readonly host?: pulumi.Input<string>;
  /** Port of an existing server. Required with `host`. */
  readonly port?: pulumi.Input<number>;
  /**
   * Host other instances reach an existing server at (a foreign server's
   * `host`), when it differs from where pgtier connects, e.g. a name on a
   * private network.
   * @default host
   */
  readonly internalHost?: pulumi.Input<string>;
  /**
   * Port other instances reach an existing server at.
   * @default port
   */
  readonly internalPort?: pulumi.Input<number>;
  /** Superuser (container) or admin role (existing server) pgtier connects as. */
  readonly user: pulumi.Input<string>;
  /** That role's password; pass a Pulumi secret. Changing it runs ALTER ROLE in place. */
  readonly password: pulumi.Input<string>;
  /** Database pgtier works in; a container creates it on first start. */
  readonly database: pulumi.Input<string>;
}

/**
 * A PostgreSQL server. As a container it joins a user-defined network, keeps
 * its data on a named volume, publishes its port on 127.0.0.1 only (a port
 * picked once and kept across restarts), and is created only once it
 * accepts connections, so dependents can run at once. A container removed by
 * hand is created again by the next `pulumi up`, on the same volume and port.
 */
export class PostgresInstance extends pulumi.CustomResource {
  /** Where pgtier (on this machine) connects. */
  declare readonly endpoint: pulumi.Output<Endpoint>;
  /** Where other instances connect (the container name and 5432 on the network), for foreign servers. */
  declare readonly internalEndpoint: pulumi.Output<Endpoint>;
  /** The role pgtier connects as. */
  declare readonly user: pulumi.Output<string>;
  /** Its password (secret). */
  declare readonly password: pulumi.Output<string>;
  /** The database. */
  declare readonly database: pulumi.Output<string>;
  /** The container's name; unset for an existing server. */
  declare readonly containerName: pulumi.Output<string | undefined>;

  constructor(name: string, args: PostgresInstanceArgs, opts?: pulumi.CustomResourceOptions) {
    super(pgtierType("PostgresInstance"), name, registerArgs(args, ["endpoint", "internalEndpoint"]), {
      ...opts,
      additionalSecretOutputs: ["password"],
    });
  }

  /**
   * The connection for resources in this instance's database (password
   * stays secret). For a container it names the container too, so each
   * connection finds the port it publishes now.
   */
  get connection(): pulumi.Output<ConnectionArgs> {
    return pulumi
      .all([this.endpoint, this.user, this.password, this.database, this.containerName])
      .apply(([endpoint, user, password, database, container]) => ({
        host: endpoint.host,
        port: endpoint.port,
        user,
        password,
        database,
        ...(container ? { container } : {}),
      }));
  }
}
