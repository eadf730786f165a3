/**
 * A mock Pulumi engine for component-graph tests: records every resource
 * registration, and answers a PostgresInstance with the endpoints the real
 * provider would compute.
 */
import * as pulumi from "@pulumi/pulumi";

/** One resource the mock engine was asked to register. */
export interface Registration {
  readonly type: string;
  readonly name: string;
  readonly inputs: Record<string, unknown>;
}

/** Everything registered since the mocks were installed (tests may empty it). */
export const registered: Registration[] = [];

/** What the provider would return for a PostgresInstance: where to reach it from here and from the network. */
function instanceOutputs(inputs: Record<string, unknown>): Record<string, unknown> {
  return {
    ...inputs,
    endpoint: { host: "127.0.0.1", port: inputs.hostPort },
    internalEndpoint: { host: inputs.containerName, port: 5432 },
  };
}

/** Installs the mock engine for project pgtier, stack dev, and empties {@link registered}. */
export async function installMockEngine(): Promise<void> {
  registered.length = 0;
  await pulumi.runtime.setMocks(
    {
      newResource: (args) => {
        registered.push({ type: args.type, name: args.name, inputs: args.inputs });
        const state =
          args.type === "pgtier:index:PostgresInstance"
            ? instanceOutputs(args.inputs)
            : args.type === "pgtier:index:PasswordFile"
              ? { ...args.inputs, path: "/var/lib/postgresql/data/pgtier.pgpass" }
              : args.inputs;
        return { id: args.custom ? `${args.name}-id` : undefined, state };
      },
      call: (args) => args.inputs,
    },
    "pgtier",
    "dev",
  );
}

/** The value of an output, once known. */
export function settled<T>(output: pulumi.Output<T>): Promise<T> {
  return new Promise((resolve) => output.apply(resolve));
}

/** Waits until the mock engine has seen no new registration for a moment: registration is asynchronous. */
export async function quiet(): Promise<void> {
  let seen = -1;
  while (seen !== registered.length) {
    seen = registered.length;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
