/** DockerNetwork and DockerVolume: the Docker objects instances run on. */
import * as pulumi from "@pulumi/pulumi";
import { pgtierType, registerArgs } from "./common";

/** Arguments of {@link DockerNetwork} and {@link DockerVolume}. */
export interface DockerObjectArgs {
  /** Docker name of the network or volume. */
  readonly name: pulumi.Input<string>;
}

/** Arguments of {@link DockerNetwork}. */
export interface DockerNetworkArgs extends DockerObjectArgs {
  /**
   * An internal network (Docker's `--internal`): its containers reach each
   * other and nothing outside it, and nothing outside reaches them but
   * through a container on it too (the host itself still can, by address,
   * on Linux). Changing it replaces the network.
   * @default false
   */
  readonly internal?: pulumi.Input<boolean>;
}

/** A user-defined bridge network; containers on it reach each other by container name. */
export class DockerNetwork extends pulumi.CustomResource {
  /** The network's name. */
  declare readonly name: pulumi.Output<string>;
  /** Docker's id of the network. */
  declare readonly networkId: pulumi.Output<string>;

  constructor(name: string, args: DockerNetworkArgs, opts?: pulumi.CustomResourceOptions) {
    super(pgtierType("DockerNetwork"), name, registerArgs(args, ["networkId"]), opts);
  }
}

/**
 * A named volume for one instance's data directory. It outlives container
 * replacements; `pulumi destroy` removes it unless the resource has
 * `retainOnDelete: true`.
 */
export class DockerVolume extends pulumi.CustomResource {
  /** The volume's name. */
  declare readonly name: pulumi.Output<string>;
  /** Where Docker keeps the volume on the host. */
  declare readonly mountpoint: pulumi.Output<string>;

  constructor(name: string, args: DockerObjectArgs, opts?: pulumi.CustomResourceOptions) {
    super(pgtierType("DockerVolume"), name, registerArgs(args, ["mountpoint"]), opts);
  }
}
