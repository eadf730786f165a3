/** Types and helpers shared by pgtier's resource classes. */
import * as pulumi from "@pulumi/pulumi";
import { Connection } from "../model/types";
import { typeToken } from "../provider/token";

/** `T` with every field open to a value another resource supplies; each keeps its doc comment. */
export type InputsOf<T> = { readonly [K in keyof T]: pulumi.Input<T[K]> };

/** How a resource reaches a database, usually `instance.connection`; the fields are {@link Connection}'s. */
export type ConnectionArgs = InputsOf<Connection>;

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
