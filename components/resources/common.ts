/** Types and helpers shared by pgtier's resource classes. */
import * as pulumi from "@pulumi/pulumi";
import { Connection } from "../model/types";
import { typeToken } from "../provider/token";

/** `T` with every field open to a value another resource supplies; each keeps its doc comment. */
export type InputsOf<T> = { readonly [K in keyof T]: pulumi.Input<T[K]> };

/** How a resource reaches a database, usually `instance.connection`; the fields are {@link Connection}'s. */
export type ConnectionArgs = InputsOf<Connection>;

/** Whether a resource takes over an object of its name that is already there but differs from the program. */
export interface AdoptionArgs {
  /**
   * Take over an object that already exists (one built by hand, say) and
   * bring it to the program in place: options set with ALTER, indexes
   * created (a parent's index attaches the partitions' matching ones),
   * columns added. A difference that would mean dropping and creating it
   * again (a name, a partition key, bounds) is refused before anything
   * changes. Without it, an object found that differs is refused; one that
   * matches is taken over either way.
   * @default false
   */
  readonly adopt?: pulumi.Input<boolean>;
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
