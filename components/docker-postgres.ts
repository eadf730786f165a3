/** DockerPostgres: a PostgreSQL container with its own data volume, on a given network. */
import * as pulumi from "@pulumi/pulumi";
import { DockerVolume } from "./resources/docker";
import { PostgresInstance } from "./resources/postgres-instance";

/** Arguments of {@link DockerPostgres}. */
export interface DockerPostgresArgs {
  /** Image honouring the official postgres image's contract, e.g. "pgtier/postgres:15" or "postgres:16". */
  readonly image: pulumi.Input<string>;
  /** Container name, also the host name other instances use on the network. */
  readonly containerName: string;
  /** Docker network to join. */
  readonly network: pulumi.Input<string>;
  /**
   * Name of the data volume.
   * @default `${containerName}-data`
   */
  readonly volumeName?: string;
  /**
   * Port on 127.0.0.1 to publish PostgreSQL on.
   * @default 0 (a free port, picked when the container is created and kept across restarts)
   */
  readonly hostPort?: pulumi.Input<number>;
  /**
   * Publish on the host (127.0.0.1 only); unpublished, pgtier reaches the container at its address on `network` (Linux hosts).
   * @default true
   */
  readonly publish?: pulumi.Input<boolean>;
  /**
   * More networks to join, e.g. the main instance on the archives' internal network.
   * @default []
   */
  readonly extraNetworks?: pulumi.Input<pulumi.Input<string>[]>;
  /**
   * Superuser name.
   * @default "postgres"
   */
  readonly user?: pulumi.Input<string>;
  /** Superuser password; pass a Pulumi secret. */
  readonly password: pulumi.Input<string>;
  /** Database created on first start. */
  readonly database: pulumi.Input<string>;
  /**
   * Keep the data volume when the stack is destroyed or this component removed.
   * @default false
   */
  readonly retainVolume?: boolean;
}

/** A container-run PostgreSQL instance: a {@link DockerVolume} and a {@link PostgresInstance}. */
export class DockerPostgres extends pulumi.ComponentResource {
  /** The instance, for connections and foreign servers. */
  readonly instance: PostgresInstance;
  /** Its data volume. */
  readonly volume: DockerVolume;

  constructor(name: string, args: DockerPostgresArgs, opts?: pulumi.ComponentResourceOptions) {
    super("pgtier:index:DockerPostgres", name, {}, opts);
    this.volume = new DockerVolume(
      `${name}-data`,
      { name: args.volumeName ?? `${args.containerName}-data` },
      { parent: this, retainOnDelete: args.retainVolume ?? false },
    );
    this.instance = new PostgresInstance(
      name,
      {
        image: args.image,
        containerName: args.containerName,
        network: args.network,
        volume: this.volume.name,
        hostPort: args.publish === false ? undefined : (args.hostPort ?? 0),
        publish: args.publish,
        extraNetworks: args.extraNetworks,
        user: args.user ?? "postgres",
        password: pulumi.secret(args.password),
        database: args.database,
      },
      { parent: this },
    );
    this.registerOutputs({ endpoint: this.instance.endpoint });
  }
}
