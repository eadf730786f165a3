/** What Docker says about a PostgreSQL container now, and what to do when it is not running. */
import { Endpoint } from "../model/types";
import { dockerClient, explainDockerError, isNotFound } from "./client";

/** The port PostgreSQL listens on inside the container. */
export const CONTAINER_PORT = 5432;

/** A container as Docker has it. */
export interface ContainerState {
  /** The endpoint it publishes now (none while it does not run). */
  readonly endpoint?: Endpoint;
  readonly image: string;
  /** Running, neither restarting nor paused. */
  readonly running: boolean;
  /** Docker's status: running, restarting, paused, exited, created, dead. */
  readonly status: string;
  /** Whether its host port was given explicitly (pgtier's containers), rather than picked by Docker at each start. */
  readonly pinned: boolean;
}

/** The container, or undefined when Docker has none of that name. */
export async function inspectContainer(label: string, name: string): Promise<ContainerState | undefined> {
  try {
    const info = await dockerClient().getContainer(name).inspect();
    const binding = info.NetworkSettings.Ports?.[`${CONTAINER_PORT}/tcp`]?.[0];
    const requested = info.HostConfig.PortBindings?.[`${CONTAINER_PORT}/tcp`]?.[0]?.HostPort;
    const running = info.State.Running && !info.State.Restarting && !info.State.Paused;
    // Not published: reached at its address on its own network (from a Linux host), while it runs.
    const address = info.NetworkSettings.Networks?.[info.HostConfig.NetworkMode ?? ""]?.IPAddress;
    const unpublished = requested === undefined;
    return {
      endpoint: binding
        ? { host: "127.0.0.1", port: Number(binding.HostPort) }
        : unpublished && running && address
          ? { host: address, port: CONTAINER_PORT }
          : undefined,
      image: info.Config.Image,
      running,
      status: info.State.Status,
      pinned: unpublished || (!!requested && requested !== "0"),
    };
  } catch (err) {
    if (isNotFound(err)) {
      return undefined;
    }
    throw explainDockerError(label, `inspect container ${name}`, err);
  }
}

/** The error for a container that exists but does not run, with what to do about it. Nothing was changed when it is raised. */
export function notRunningError(label: string, name: string, status: string): Error {
  switch (status) {
    case "paused":
      return new Error(
        `${label}: container ${name} is paused; unpause it (docker unpause ${name}), then run pulumi again — nothing was changed`,
      );
    case "restarting":
      return new Error(
        `${label}: container ${name} keeps restarting (it exits, and its restart policy starts it again); see why with docker logs ${name}, fix it, then run pulumi again — nothing was changed`,
      );
    default:
      return new Error(
        `${label}: container ${name} is not running (${status}); start it (docker start ${name}), then run pulumi again — nothing was changed`,
      );
  }
}
