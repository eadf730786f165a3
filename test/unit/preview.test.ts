/**
 * The preview answers pgtier sends the engine in place of the SDK's (see the
 * header of components/provider/preview.ts for why, and when it can go).
 */
import assert from "node:assert/strict";
import { isSecret, secretOf, UNKNOWN } from "../../components/model/engine-values";
import { Bag } from "../../components/model/reader";
import { configureHandler, createHandler, updateHandler } from "../../components/provider/preview";
import { PgtierProvider } from "../../components/provider/provider";

// eslint-disable-next-line @typescript-eslint/no-require-imports
const provproto = require("@pulumi/pulumi/proto/provider_pb");
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { Struct } = require("google-protobuf/google/protobuf/struct_pb");

const URN = "urn:pulumi:dev::pgtier::pgtier:index:PostgresInstance::main";

/** A Create or Update request as the engine sends it. */
function request(preview: boolean, properties: Bag) {
  return {
    request: {
      getUrn: () => URN,
      getPreview: () => preview,
      getProperties: () => Struct.fromJavaScript(properties),
      getNews: () => Struct.fromJavaScript(properties),
    },
  };
}

/** Runs a handler and returns what it answered. */
function answer(handler: ReturnType<typeof createHandler>, call: ReturnType<typeof request>): Promise<{ err: unknown; resp: unknown }> {
  return new Promise((resolve) => handler(call, (err, resp) => resolve({ err, resp })));
}

const existing = { host: "db.example.com", port: 5432, user: "postgres", password: secretOf("s3cret"), database: "appdb" };

describe("provider previews", () => {
  it("says the provider answers previews, keeping the SDK's Configure answer", async () => {
    const sdk = (_call: unknown, cb: (err: null, resp: unknown) => void) => {
      const resp = new provproto.ConfigureResponse();
      resp.setAcceptsecrets(true);
      cb(null, resp);
    };
    const { resp } = await answer(configureHandler(sdk), request(false, {}));
    assert.equal((resp as { getSupportspreview(): boolean }).getSupportspreview(), true);
    assert.equal((resp as { getAcceptsecrets(): boolean }).getAcceptsecrets(), true);
  });

  it("a preview Create of an existing server plans its endpoints from the inputs, the password still a secret", async () => {
    const provider = new PgtierProvider({ progress: () => () => undefined });
    const sdk = () => assert.fail("the SDK's create must not run in a preview");
    const { err, resp } = await answer(
      createHandler((urn, inputs) => provider.previewCreate(urn, inputs), sdk),
      request(true, existing),
    );
    assert.equal(err, null);
    const planned = (resp as { getProperties(): { toJavaScript(): Bag } }).getProperties().toJavaScript();
    assert.deepEqual(planned.endpoint, { host: "db.example.com", port: 5432 });
    assert.deepEqual(planned.internalEndpoint, { host: "db.example.com", port: 5432 });
    assert.ok(isSecret(planned.password));
  });

  it("a preview Create with values not known yet plans the inputs as they are", async () => {
    const provider = new PgtierProvider({ progress: () => () => undefined });
    const inputs = { ...existing, host: UNKNOWN };
    assert.deepEqual(await provider.previewCreate(URN, inputs), inputs);
  });

  it("a real Create goes to the SDK's handler", async () => {
    let ran = false;
    const sdk = (_call: unknown, cb: (err: null, resp: unknown) => void) => {
      ran = true;
      cb(null, "created");
    };
    const { resp } = await answer(
      createHandler(() => assert.fail("not a preview"), sdk),
      request(false, existing),
    );
    assert.equal(ran, true);
    assert.equal(resp, "created");
  });

  it("a preview Update plans the new inputs and runs nothing", async () => {
    const sdk = () => assert.fail("the SDK's update must not run in a preview");
    const { resp } = await answer(updateHandler(sdk), request(true, { tier: "archive" }));
    assert.deepEqual((resp as { getProperties(): { toJavaScript(): Bag } }).getProperties().toJavaScript(), { tier: "archive" });
  });
});
