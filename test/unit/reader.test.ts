/** Reading the engine's property bags into typed values, and the errors when a value has the wrong shape. */
import assert from "node:assert/strict";
import { DecodeError, deepFreeze, Reader } from "../../components/model/reader";
import { readConnection } from "../../components/model/types";
import { readTableShape } from "../../components/model/table-shape";
import { employeeColumns, employeeIndexes, mainConnection } from "./fixtures";

describe("Reader", () => {
  it("reads a connection and a table shape as they are, adding nothing", () => {
    // WHEN
    const r = new Reader({ connection: mainConnection, columns: employeeColumns, partitionKey: "hire_date", indexes: employeeIndexes });
    // THEN
    assert.deepEqual(r.object("connection", readConnection), mainConnection);
    assert.deepEqual(readTableShape(r), { columns: employeeColumns, partitionKey: "hire_date", indexes: employeeIndexes });
  });

  it("names the property path and what it expected when a value has the wrong shape", () => {
    const r = new Reader({ connection: { ...mainConnection, port: "15432" } });
    assert.throws(() => r.object("connection", readConnection), {
      name: "Error",
      message: "connection.port must be a number, got string",
    });
  });

  it("names list items by index", () => {
    const r = new Reader({
      columns: [
        { name: "id", type: "integer" },
        { name: 7, type: "text" },
      ],
      partitionKey: "id",
      indexes: [],
    });
    assert.throws(
      () => readTableShape(r),
      (err: unknown) => err instanceof DecodeError && err.property === "columns[1].name",
    );
  });

  it("never shows the value it refuses, which may be a secret", () => {
    const r = new Reader({ connection: { ...mainConnection, password: ["s3cret"] } });
    assert.throws(
      () => r.object("connection", readConnection),
      (err: unknown) => err instanceof Error && !err.message.includes("s3cret"),
    );
  });

  it("reads absent and null optional values as undefined, and refuses them where required", () => {
    const r = new Reader({ schema: null });
    assert.equal(r.optionalText("schema"), undefined);
    assert.equal(r.optionalText("version"), undefined);
    assert.throws(() => r.text("schema"), { message: "schema must be a string, got nothing" });
  });

  it("accepts only the allowed strings of a choice", () => {
    assert.equal(new Reader({ tier: "archive" }).oneOf("tier", ["local", "archive"]), "archive");
    assert.throws(() => new Reader({ tier: "cold" }).oneOf("tier", ["local", "archive"]), {
      message: 'tier must be "local" or "archive", got string',
    });
  });

  it("reads option maps whose values are strings only", () => {
    assert.deepEqual(new Reader({ options: { fetch_size: "10000" } }).textMap("options"), { fetch_size: "10000" });
    assert.throws(() => new Reader({ options: { fetch_size: 10000 } }).textMap("options"), {
      message: "options.fetch_size must be a string, got number",
    });
  });
});

describe("deepFreeze", () => {
  it("freezes a decoded value all the way down", () => {
    const value = deepFreeze({ connection: { ...mainConnection }, indexes: [{ name: "i", columns: ["a"] }] });
    assert.ok(Object.isFrozen(value.connection));
    assert.ok(Object.isFrozen(value.indexes[0].columns));
    assert.throws(() => {
      (value.indexes as { name: string }[]).push({ name: "j" });
    }, TypeError);
  });
});
