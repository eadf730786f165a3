/**
 * DockerNetwork and DockerVolume: one named Docker object each. A network is a
 * user-defined bridge so instances reach each other by container name; a
 * volume holds one instance's data directory and outlives its container.
 */
import Docker from "dockerode";
import { dockerClient, explainDockerError, isNotFound, MANAGED_LABEL } from "../../docker/client";
import { Reader } from "../../model/reader";
import { validateDockerObjectArgs } from "../../validate/instance";
import { ResourceDefinition } from "../definition";

/** A named Docker object's inputs. */
export interface DockerObjectInputs {
  /** Docker name. */
  readonly name: string;
  /** A network that reaches nothing outside itself (Docker's `--internal`); networks only. */
  readonly internal?: boolean;
}

/** What a named Docker object type does with the engine, and what it outputs. */
interface NamedObjectApi<O extends object> {
  /** `network` or `volume`, for messages and docker commands. */
  readonly noun: "network" | "volume";
  /** Resource name. */
  readonly resource: string;
  /** Why removal can fail, as a hint. */
  readonly busyHint: string;
  /** The output a diff shows as changed when the object was removed by hand. */
  readonly output: Extract<keyof O, string>;
  inspect(docker: Docker, name: string): Promise<{ labels: Record<string, string>; outputs: O; internal?: boolean }>;
  create(docker: Docker, inputs: DockerObjectInputs, labels: Record<string, string>): Promise<O>;
  remove(docker: Docker, name: string): Promise<unknown>;
  decodeOutputs(r: Reader): O;
}

/** The object named `name`, or undefined when Docker has none. */
async function inspectIfPresent<O extends object>(api: NamedObjectApi<O>, label: string, name: string) {
  try {
    return await api.inspect(dockerClient(), name);
  } catch (err) {
    if (isNotFound(err)) {
      return undefined;
    }
    throw explainDockerError(label, `inspect ${api.noun} ${name}`, err);
  }
}

/** Creates the object, labelled as pgtier's. */
async function createObject<O extends object>(api: NamedObjectApi<O>, label: string, inputs: DockerObjectInputs): Promise<O> {
  try {
    return await api.create(dockerClient(), inputs, { [MANAGED_LABEL]: "true" });
  } catch (err) {
    throw explainDockerError(label, `create ${api.noun} ${inputs.name}`, err);
  }
}

function namedObject<O extends object>(api: NamedObjectApi<O>): ResourceDefinition<DockerObjectInputs, O> {
  const { noun } = api;
  return {
    name: api.resource,
    defaults: {},
    // Docker networks and volumes cannot be renamed, nor a network made internal.
    diff: { update: [], replace: ["name", "internal"], deleteBeforeReplace: true },
    validate: (news) => validateDockerObjectArgs(news, noun),
    decode: (r) => ({ name: r.text("name"), internal: r.optionalFlag("internal") }),
    decodeOutputs: (r) => api.decodeOutputs(r),

    async create(op, inputs) {
      const { name } = inputs;
      const existing = await inspectIfPresent(api, op.label, name);
      if (existing) {
        // One pgtier made earlier (a crash, or a volume retained on destroy) is adopted.
        if (existing.labels[MANAGED_LABEL] !== "true") {
          throw new Error(
            `${op.label}: a Docker ${noun} named ${JSON.stringify(name)} already exists and was not created by pgtier; choose another name, or remove it if it is not needed (docker ${noun} rm ${name})`,
          );
        }
        if (existing.internal !== undefined && existing.internal !== (inputs.internal ?? false)) {
          throw new Error(
            `${op.label}: the Docker ${noun} ${JSON.stringify(name)} pgtier made earlier is ${existing.internal ? "" : "not "}internal, and the program wants it ${inputs.internal ? "" : "not "}internal; remove it (docker ${noun} rm ${name}) and run pulumi up again`,
          );
        }
        return { id: name, outputs: existing.outputs };
      }
      return { id: name, outputs: await createObject(api, op.label, inputs) };
    },

    // Removed by hand: the next diff shows it, and the update creates it again.
    observe: async (op, id) => ((await inspectIfPresent(api, op.label, id)) ? [] : [api.output]),

    async read(op, id, inputs) {
      const found = await inspectIfPresent(api, op.label, id);
      return found && { ...inputs, ...found.outputs };
    },

    async update(op, id, _olds, news) {
      // Every input replaces: an update only creates again what was removed by hand.
      const found = await inspectIfPresent(api, op.label, id);
      return found ? found.outputs : createObject(api, op.label, news);
    },

    async delete(op, id) {
      try {
        await api.remove(dockerClient(), id);
      } catch (err) {
        if (!isNotFound(err)) {
          throw explainDockerError(op.label, `remove ${noun} ${id} (${api.busyHint})`, err);
        }
      }
    },
  };
}

export const dockerNetwork = namedObject<{ readonly networkId: string }>({
  resource: "DockerNetwork",
  noun: "network",
  output: "networkId",
  busyHint: "are containers still attached?",
  async inspect(docker, name) {
    const n = await docker.getNetwork(name).inspect();
    return { labels: n.Labels ?? {}, outputs: { networkId: n.Id }, internal: n.Internal === true };
  },
  async create(docker, { name, internal }, labels) {
    const n = await docker.createNetwork({ Name: name, Driver: "bridge", Internal: internal === true, Labels: labels });
    return { networkId: n.id };
  },
  remove: (docker, name) => docker.getNetwork(name).remove(),
  decodeOutputs: (r) => ({ networkId: r.text("networkId") }),
});

export const dockerVolume = namedObject<{ readonly mountpoint: string }>({
  resource: "DockerVolume",
  noun: "volume",
  output: "mountpoint",
  busyHint: "is a container still using it?",
  async inspect(docker, name) {
    const v = await docker.getVolume(name).inspect();
    return { labels: v.Labels ?? {}, outputs: { mountpoint: v.Mountpoint } };
  },
  async create(docker, { name }, labels) {
    await docker.createVolume({ Name: name, Labels: labels });
    return { mountpoint: (await docker.getVolume(name).inspect()).Mountpoint };
  },
  remove: (docker, name) => docker.getVolume(name).remove(),
  decodeOutputs: (r) => ({ mountpoint: r.text("mountpoint") }),
});
