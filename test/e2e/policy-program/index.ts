/**
 * A tiny program for the policy pack's end-to-end test: pgtier resources
 * declared directly, every value a policy reads set by the test's config
 * (namespace policytest), so one stack can break every policy at once and
 * another follow them all. The main and archive instances are existing
 * servers: a preview creates nothing and needs no container.
 *
 * Config: policytest:shape is "bad" or "good"; the config policies read
 * pgtier:retentionPeriods, pgtier:period and pgtier:password, as in the stack
 * program.
 */
import * as pulumi from "@pulumi/pulumi";
import { ForeignServer, PostgresInstance, TieredPartition, UserMapping } from "../../../components";

const bad = new pulumi.Config("policytest").require("shape") === "bad";
const password = pulumi.secret("policy-test-password");

const main = new PostgresInstance("main", { host: "main.db.internal", port: 5432, user: "pgtier_admin", password, database: "appdb" });
new PostgresInstance("archive", {
  host: "archive.db.internal",
  port: 5432,
  user: "archive_admin",
  password,
  database: "archive_db",
});

// A container published beyond 127.0.0.1. pgtier's provider always
// publishes on 127.0.0.1, so the endpoint (an output PostgresInstance does
// not take as an input) is passed here to a resource of the same type, and
// the preview plans it as the resource's state: it stands for a container
// that a provider or a hand-edited state published elsewhere.
class PublishedInstance extends pulumi.CustomResource {
  constructor(name: string, props: pulumi.Inputs) {
    super("pgtier:index:PostgresInstance", name, props);
  }
}
new PublishedInstance("exposed", {
  image: "pgtier/postgres:15",
  containerName: "policytest-exposed",
  network: "policytest",
  volume: "policytest-exposed-data",
  hostPort: 15499,
  user: "postgres",
  password,
  database: "archive_db",
  endpoint: { host: bad ? "0.0.0.0" : "127.0.0.1", port: 15499 },
});

const server = new ForeignServer("archive-server", {
  connection: main.connection,
  name: "archive_server",
  host: "archive.db.internal",
  port: 5432,
  dbname: "archive_db",
  options: bad
    ? { sslmode: "disable", fetch_size: "10", batch_size: "50000" }
    : { sslmode: "verify-full", fetch_size: "10000", batch_size: "1000" },
});

new UserMapping("bootstrap-mapping", {
  connection: main.connection,
  server: server.name,
  remoteUser: bad ? "postgres" : "archive_reader",
  password,
});
new UserMapping("admin-mapping", {
  connection: main.connection,
  server: server.name,
  remoteUser: bad ? "archive_admin" : "archive_writer",
  password,
});

new TieredPartition("emp-2025", {
  connection: main.connection,
  name: "emp_2025",
  parent: "employees",
  from: "2025-01-01",
  to: "2026-01-01",
  columns: [
    { name: "id", type: "integer" },
    { name: "hire_date", type: "date" },
  ],
  partitionKey: "hire_date",
  tier: "local",
  backup: bad ? undefined : { location: "/var/backups/pgtier" },
});
