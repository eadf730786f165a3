/** Validators for Docker objects and PostgreSQL instances. */
import { CheckFailure, checkIdentifier, checkPasswordCharacters, checkPort, checkString, checkStringMap, isUnknown } from "./common";

const DOCKER_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/;

/** Checks a Docker object name (network, volume, container). */
export function checkDockerName(property: string, value: unknown, failures: CheckFailure[]): void {
  if (isUnknown(value)) {
    return;
  }
  if (typeof value !== "string" || !DOCKER_NAME.test(value) || value.length > 128) {
    failures.push({
      property,
      reason: `${property} ${JSON.stringify(value)} is not a valid Docker name; use letters, digits, '_', '.' and '-', starting with a letter or digit`,
    });
  }
}

/** Validates `DockerNetwork` / `DockerVolume` inputs. */
export function validateDockerObjectArgs(news: Record<string, unknown>, noun: "network" | "volume" = "network"): CheckFailure[] {
  const failures: CheckFailure[] = [];
  checkDockerName("name", news.name, failures);
  if (news.internal !== undefined && !isUnknown(news.internal) && (noun !== "network" || typeof news.internal !== "boolean")) {
    failures.push({
      property: "internal",
      reason: noun === "network" ? "internal must be true or false" : "only a network can be internal",
    });
  }
  return failures;
}

/** Validates `PostgresInstance` inputs: either a Docker container or an existing server. */
export function validatePostgresInstanceArgs(news: Record<string, unknown>): CheckFailure[] {
  const failures: CheckFailure[] = [];
  const docker = news.image !== undefined;
  const existing = news.host !== undefined;
  if (docker === existing) {
    failures.push({
      property: docker ? "host" : "image",
      reason: "give either image (pgtier runs a Docker container) or host (an existing server), not both and not neither",
    });
  }
  if (docker) {
    checkString("image", news.image, failures);
    checkDockerName("containerName", news.containerName, failures);
    checkDockerName("network", news.network, failures);
    checkDockerName("volume", news.volume, failures);
    if (news.hostPort !== undefined) {
      checkPort("hostPort", news.hostPort, failures, true);
    }
    if (news.publish === false && typeof news.hostPort === "number" && news.hostPort !== 0) {
      failures.push({
        property: "hostPort",
        reason: `hostPort ${news.hostPort} is given but publish is false; leave hostPort out, or publish the instance`,
      });
    }
    if (news.extraNetworks !== undefined && !isUnknown(news.extraNetworks)) {
      if (!Array.isArray(news.extraNetworks)) {
        failures.push({ property: "extraNetworks", reason: "extraNetworks must be a list of Docker network names" });
      } else {
        news.extraNetworks.forEach((n, i) => checkDockerName(`extraNetworks[${i}]`, n, failures));
      }
    }
    checkStringMap("env", news.env, failures);
  }
  if (existing) {
    checkString("host", news.host, failures);
    checkPort("port", news.port, failures);
    if (news.internalHost !== undefined) {
      checkString("internalHost", news.internalHost, failures);
    }
    if (news.internalPort !== undefined) {
      checkPort("internalPort", news.internalPort, failures);
    }
  } else if (news.internalHost !== undefined || news.internalPort !== undefined) {
    failures.push({
      property: news.internalHost !== undefined ? "internalHost" : "internalPort",
      reason:
        "internalHost and internalPort are for an existing server (given host); other instances reach a container by its name on the network",
    });
  }
  checkIdentifier("user", news.user, failures);
  checkIdentifier("database", news.database, failures);
  if (!isUnknown(news.password) && (typeof news.password !== "string" || news.password.length === 0)) {
    failures.push({ property: "password", reason: "password is required: set it as a Pulumi secret (pulumi config set --secret ...)" });
  }
  checkPasswordCharacters("password", news.password, failures);
  return failures;
}
