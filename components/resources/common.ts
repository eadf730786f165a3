/** Types and helpers shared by pgtier's resource classes. */
import * as pulumi from "@pulumi/pulumi";
import { typeToken } from "../provider/token";

/** How a resource reaches a database; usually `instance.connection`. */
export interface ConnectionArgs {
  /** Host as seen from where `pulumi` runs. */
  readonly host: pulumi.Input<string>;
  /** TCP port. */
  readonly port: pulumi.Input<number>;
  /** Role to connect as. */
  readonly user: pulumi.Input<string>;
  /** That role's password; keep it a Pulumi secret. */
  readonly password: pulumi.Input<string>;
  /** Database to connect to. */
  readonly database: pulumi.Input<string>;
}

/** A host and port. */
export interface Endpoint {
  readonly host: string;
  readonly port: number;
}

/**
 * Registers a pgtier custom resource: `args` are its inputs, `outputs` the
 * names of the properties only the provider sets. Secrets stay secrets: the
 * engine marks an output secret wherever the matching input was.
 */
export function registerArgs(args: object, outputs: readonly string[]): pulumi.Inputs {
  const inputs: pulumi.Inputs = { ...(args as pulumi.Inputs) };
  for (const name of outputs) {
    inputs[name] = undefined;
  }
  return inputs;
}

/** The type token of a pgtier resource. */
export const pgtierType = typeToken;
