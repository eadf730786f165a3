// A Pulumi program of your own that uses pgtier from its npm package: a main
// and an archive instance in Docker, and `orders` kept by month, the current
// month local and older months on the archive.
//   pulumi config set --secret password <a password>
"use strict";
const pulumi = require("@pulumi/pulumi");
const pgtier = require("pgtier");

const config = new pulumi.Config();
const password = config.requireSecret("password");
const prefix = config.get("namePrefix") ?? `pgtier-example-${pulumi.getStack()}`;

const network = new pgtier.DockerNetwork("network", { name: prefix });
const instance = (name, database) =>
  new pgtier.DockerPostgres(name, {
    image: config.get("image") ?? "pgtier/postgres:15",
    containerName: `${prefix}-${name}`,
    network: network.name,
    password,
    database,
    retainVolume: false,
  }).instance;
const main = instance("main", "shop");
const archive = instance("archive", "shop_archive");

const orders = new pgtier.TieredTable("orders", {
  main,
  archives: { archive },
  table: {
    name: "orders",
    columns: [
      { name: "id", type: "bigserial" },
      { name: "ordered_on", type: "date", nullable: false },
      { name: "customer", type: "text" },
      { name: "total", type: "numeric(12,2)" },
    ],
    partitionKey: "ordered_on",
    indexes: [{ name: "idx_orders_date", columns: ["ordered_on"] }],
  },
  policy: {
    period: "month",
    firstPeriod: config.get("firstPeriod") ?? "2026-09-01",
    archives: [{ archive: "archive" }],
    namePrefix: "orders_",
  },
  asOf: config.get("asOf"),
});

exports.mainEndpoint = main.endpoint;
exports.archiveEndpoint = archive.endpoint;
exports.timeline = orders.timeline;
