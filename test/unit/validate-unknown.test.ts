/**
 * During `pulumi preview` of a new stack nothing exists yet: container ports,
 * connections and names computed from other resources arrive as the engine's
 * unknown sentinel. Validators must skip those values instead of failing.
 */
import assert from "node:assert/strict";
import { UNKNOWN } from "../../components/validate/common";
import { validateForeignServerArgs, validateUserMappingArgs } from "../../components/validate/fdw";
import { validatePostgresInstanceArgs } from "../../components/validate/instance";
import {
  validateArchiveTableArgs,
  validateForeignPartitionArgs,
  validateLocalPartitionArgs,
  validatePartitionedTableArgs,
} from "../../components/validate/tables";
import { employeeColumns, mainConnection } from "./fixtures";

describe("validators skip values not known yet (preview before containers exist)", () => {
  it("the engine's unknown sentinel is the one validators look for", () => {
    assert.equal(UNKNOWN, "04da6b54-80e4-46f7-96ec-b56ff0331ba9");
  });

  it("PostgresInstance: unknown network, volume, host port and password", () => {
    assert.deepEqual(
      validatePostgresInstanceArgs({
        image: "pgtier/postgres:15",
        containerName: "pgtier-dev-main",
        network: UNKNOWN,
        volume: UNKNOWN,
        hostPort: UNKNOWN,
        user: "postgres",
        password: UNKNOWN,
        database: "appdb",
      }),
      [],
    );
  });

  it("ForeignServer: an unknown connection, host and port", () => {
    assert.deepEqual(
      validateForeignServerArgs({ connection: UNKNOWN, name: "archive_server", host: UNKNOWN, port: UNKNOWN, dbname: "archive_db" }),
      [],
    );
  });

  it("ForeignServer: a connection whose port is unknown, an unknown option value", () => {
    assert.deepEqual(
      validateForeignServerArgs({
        connection: { ...mainConnection, port: UNKNOWN },
        name: "archive_server",
        host: "pgtier-dev-archive",
        port: 5432,
        dbname: "archive_db",
        options: { fetch_size: UNKNOWN },
      }),
      [],
    );
  });

  it("UserMapping: an unknown server name and password", () => {
    assert.deepEqual(validateUserMappingArgs({ connection: UNKNOWN, server: UNKNOWN, remoteUser: "postgres", password: UNKNOWN }), []);
  });

  it("PartitionedTable: unknown columns are not checked against the partition key or indexes", () => {
    assert.deepEqual(
      validatePartitionedTableArgs({
        connection: UNKNOWN,
        name: "employees",
        columns: UNKNOWN,
        partitionKey: "hire_date",
        indexes: [{ name: "idx_emp_date", columns: ["hire_date"] }],
      }),
      [],
    );
  });

  it("PartitionedTable: a column whose type is unknown", () => {
    assert.deepEqual(
      validatePartitionedTableArgs({
        connection: mainConnection,
        name: "employees",
        columns: [...employeeColumns, { name: "extra", type: UNKNOWN }],
        partitionKey: "hire_date",
      }),
      [],
    );
  });

  it("LocalPartition and ForeignPartition: unknown parent, server and bounds", () => {
    const partition = { connection: UNKNOWN, name: "emp_2024", parent: UNKNOWN, parentSchema: UNKNOWN, from: UNKNOWN, to: "2025-01-01" };
    assert.deepEqual(validateLocalPartitionArgs(partition), []);
    assert.deepEqual(validateForeignPartitionArgs({ ...partition, server: UNKNOWN, remoteTable: UNKNOWN }), []);
  });

  it("ArchiveTable: an unknown connection and bounds", () => {
    assert.deepEqual(
      validateArchiveTableArgs({
        connection: UNKNOWN,
        name: "emp_2024",
        columns: employeeColumns,
        partitionKey: "hire_date",
        from: "2024-01-01",
        to: UNKNOWN,
      }),
      [],
    );
  });

  it("still reports the problems in the values that are known", () => {
    assert.deepEqual(
      validateForeignServerArgs({ connection: UNKNOWN, name: "Archive", host: UNKNOWN, port: UNKNOWN, dbname: "" }).map((f) => f.property),
      ["name", "dbname"],
    );
  });
});
