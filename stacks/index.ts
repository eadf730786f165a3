/**
 * The stack program: reads the stack's config (stacks/Pulumi.<stack>.yaml)
 * and builds the guide's topology: a main and an archive instance on one
 * Docker network, and `employees` with 2024 archived and 2025 local.
 *
 * Config (namespace pgtier):
 *   image        PostgreSQL image (default pgtier/postgres:15; postgres:16 works where a registry is reachable)
 *   password     superuser password of both instances (secret, required)
 *   mainPort     port on 127.0.0.1 for the main instance (default 0: any free port)
 *   archivePort  port on 127.0.0.1 for the archive instance (default 0)
 *   namePrefix   prefix of container, volume and network names (default pgtier-<stack>)
 */
import * as pulumi from "@pulumi/pulumi";
import { ArchiveLayout, DockerNetwork, DockerPostgres } from "../components";
import { employees, guidePartitions } from "./guide";

const config = new pulumi.Config("pgtier");
const prefix = config.get("namePrefix") ?? `pgtier-${pulumi.getStack()}`;
const image = config.get("image") ?? "pgtier/postgres:15";
const password = config.requireSecret("password");

const network = new DockerNetwork("network", { name: prefix });

const main = new DockerPostgres("main", {
  image,
  containerName: `${prefix}-main`,
  network: network.name,
  hostPort: config.getNumber("mainPort") ?? 0,
  password,
  database: "appdb",
});

const archive = new DockerPostgres("archive", {
  image,
  containerName: `${prefix}-archive`,
  network: network.name,
  hostPort: config.getNumber("archivePort") ?? 0,
  password,
  database: "archive_db",
});

const layout = new ArchiveLayout("employees", {
  main: main.instance,
  archives: { archive: archive.instance },
  table: employees,
  partitions: guidePartitions,
  serverName: (key) => `${key}_server`,
});

/** Where to connect: psql -h host -p port -U postgres appdb. */
export const mainEndpoint = main.instance.endpoint;
export const archiveEndpoint = archive.instance.endpoint;
export const mainContainer = `${prefix}-main`;
export const archiveContainer = `${prefix}-archive`;
export const table = layout.table.name;
export const partitions = guidePartitions.map(
  (p) => `${p.name} [${p.from}, ${p.to}) ${p.tier === "local" ? "local" : `archive:${p.archive}`}`,
);
