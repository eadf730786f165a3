/**
 * DockerNetwork and DockerVolume: one named Docker object each. A network is a
 * user-defined bridge so instances reach each other by container name; a
 * volume holds one instance's data directory and outlives its container.
 */
import Docker from "dockerode";
import { diffSpecs } from "../../diff/specs";
import { dockerClient, explainDockerError, isNotFound } from "../../docker/client";
import { validateDockerObjectArgs } from "../../validate/instance";
import { Props, ResourceHandler } from "../handler";

/** Label put on every Docker object pgtier creates. */
export const MANAGED_LABEL = "dev.pgtier.managed";

interface NamedObjectApi {
  /** `network` or `volume`, for messages and docker commands. */
  readonly noun: "network" | "volume";
  inspect(docker: Docker, name: string): Promise<{ Labels?: Record<string, string> | null; extra: Props }>;
  create(docker: Docker, name: string, labels: Record<string, string>): Promise<Props>;
  remove(docker: Docker, name: string): Promise<unknown>;
  /** Why removal can fail, as a hint. */
  readonly busyHint: string;
}

function namedObjectHandler(api: NamedObjectApi, spec: typeof diffSpecs.DockerNetwork): ResourceHandler {
  const { noun } = api;
  return {
    spec,
    validate: (news) => validateDockerObjectArgs(news),

    async create(label, inputs) {
      const name = inputs.name as string;
      const docker = dockerClient();
      let existing: Awaited<ReturnType<NamedObjectApi["inspect"]>> | undefined;
      try {
        existing = await api.inspect(docker, name);
      } catch (err) {
        if (!isNotFound(err)) {
          throw explainDockerError(label, `inspect ${noun} ${name}`, err);
        }
      }
      if (existing) {
        // One pgtier made earlier (a crash, or a volume retained on destroy) is adopted.
        if (existing.Labels?.[MANAGED_LABEL] !== "true") {
          throw new Error(
            `${label}: a Docker ${noun} named ${JSON.stringify(name)} already exists and was not created by pgtier; choose another name, or remove it if it is not needed (docker ${noun} rm ${name})`,
          );
        }
        return { id: name, outs: { ...inputs, ...existing.extra } };
      }
      try {
        return { id: name, outs: { ...inputs, ...(await api.create(docker, name, { [MANAGED_LABEL]: "true" })) } };
      } catch (err) {
        throw explainDockerError(label, `create ${noun} ${name}`, err);
      }
    },

    async read(label, id, props) {
      try {
        const found = await api.inspect(dockerClient(), id);
        return { id, props: { ...props, ...found.extra } };
      } catch (err) {
        if (isNotFound(err)) {
          return undefined;
        }
        throw explainDockerError(label, `inspect ${noun} ${id}`, err);
      }
    },

    async update(_label, _id, _olds, news) {
      return news;
    },

    async delete(label, id) {
      try {
        await api.remove(dockerClient(), id);
      } catch (err) {
        if (!isNotFound(err)) {
          throw explainDockerError(label, `remove ${noun} ${id} (${api.busyHint})`, err);
        }
      }
    },
  };
}

export const dockerNetwork = namedObjectHandler(
  {
    noun: "network",
    busyHint: "are containers still attached?",
    async inspect(docker, name) {
      const n = await docker.getNetwork(name).inspect();
      return { Labels: n.Labels, extra: { networkId: n.Id } };
    },
    async create(docker, name, labels) {
      const n = await docker.createNetwork({ Name: name, Driver: "bridge", Labels: labels });
      return { networkId: n.id };
    },
    remove: (docker, name) => docker.getNetwork(name).remove(),
  },
  diffSpecs.DockerNetwork,
);

export const dockerVolume = namedObjectHandler(
  {
    noun: "volume",
    busyHint: "is a container still using it?",
    async inspect(docker, name) {
      const v = await docker.getVolume(name).inspect();
      return { Labels: v.Labels, extra: { mountpoint: v.Mountpoint } };
    },
    async create(docker, name, labels) {
      await docker.createVolume({ Name: name, Labels: labels });
      return { mountpoint: (await docker.getVolume(name).inspect()).Mountpoint };
    },
    remove: (docker, name) => docker.getVolume(name).remove(),
  },
  diffSpecs.DockerVolume,
);
