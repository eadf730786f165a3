import assert from "node:assert/strict";
import { validateDockerObjectArgs, validatePostgresInstanceArgs } from "../../components/validate/instance";

const container = {
  image: "pgtier/postgres:15",
  containerName: "pgtier-test-main",
  network: "pgtier-test",
  volume: "pgtier-test-main-data",
  hostPort: 0,
  user: "postgres",
  password: "pw",
  database: "appdb",
};

const existing = { host: "db.example.com", port: 5432, user: "postgres", password: "pw", database: "appdb" };

const EITHER_OR = "give either image (pgtier runs a Docker container) or host (an existing server), not both and not neither";

describe("validatePostgresInstanceArgs", () => {
  it("accepts a container and an existing server", () => {
    assert.deepEqual(validatePostgresInstanceArgs(container), []);
    assert.deepEqual(validatePostgresInstanceArgs(existing), []);
  });

  it("refuses both image and host", () => {
    assert.deepEqual(validatePostgresInstanceArgs({ ...container, host: "db.example.com", port: 5432 }), [
      { property: "host", reason: EITHER_OR },
    ]);
  });

  it("refuses neither image nor host", () => {
    assert.deepEqual(validatePostgresInstanceArgs({ user: "postgres", password: "pw", database: "appdb" }), [
      { property: "image", reason: EITHER_OR },
    ]);
  });

  it("takes where other instances reach an existing server, and refuses it for a container", () => {
    assert.deepEqual(validatePostgresInstanceArgs({ ...existing, internalHost: "postgres_archive", internalPort: 5432 }), []);
    assert.deepEqual(
      validatePostgresInstanceArgs({ ...existing, internalPort: 0 }).map((f) => f.property),
      ["internalPort"],
    );
    assert.deepEqual(validatePostgresInstanceArgs({ ...container, internalHost: "elsewhere" }), [
      {
        property: "internalHost",
        reason:
          "internalHost and internalPort are for an existing server (given host); other instances reach a container by its name on the network",
      },
    ]);
  });

  it("refuses a missing password", () => {
    assert.deepEqual(validatePostgresInstanceArgs({ ...container, password: "" }), [
      { property: "password", reason: "password is required: set it as a Pulumi secret (pulumi config set --secret ...)" },
    ]);
  });

  it("refuses invalid Docker names and host ports", () => {
    assert.deepEqual(validatePostgresInstanceArgs({ ...container, containerName: "pgtier main", hostPort: 70000 }), [
      {
        property: "containerName",
        reason:
          "containerName \"pgtier main\" is not a valid Docker name; use letters, digits, '_', '.' and '-', starting with a letter or digit",
      },
      { property: "hostPort", reason: "hostPort must be an integer port from 0 to 65535, got 70000" },
    ]);
  });

  it("requires a port with host", () => {
    assert.deepEqual(
      validatePostgresInstanceArgs({ ...existing, port: undefined }).map((f) => f.property),
      ["port"],
    );
  });

  it("refuses a database name that is not a plain identifier", () => {
    assert.deepEqual(
      validatePostgresInstanceArgs({ ...container, database: "App-DB" }).map((f) => f.property),
      ["database"],
    );
  });
});

describe("validateDockerObjectArgs", () => {
  it("accepts a Docker name and refuses one with a slash", () => {
    assert.deepEqual(validateDockerObjectArgs({ name: "pgtier-test" }), []);
    assert.deepEqual(validateDockerObjectArgs({ name: "../etc" }), [
      {
        property: "name",
        reason: "name \"../etc\" is not a valid Docker name; use letters, digits, '_', '.' and '-', starting with a letter or digit",
      },
    ]);
  });
});
