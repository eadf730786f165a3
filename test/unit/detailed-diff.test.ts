/**
 * The Diff answer pgtier sends the engine in place of the SDK's (see the
 * header of components/provider/detailed-diff.ts for why, and when it can go).
 */
import assert from "node:assert/strict";
import * as grpc from "@grpc/grpc-js";
import { Bag } from "../../components/model/reader";
import { diffHandler, installDetailedDiff } from "../../components/provider/detailed-diff";
import { PgtierProvider } from "../../components/provider/provider";
import { archiveConnection, emp2025Partition, employeeColumns, employeeIndexes, tieredDefaults } from "./fixtures";

// eslint-disable-next-line @typescript-eslint/no-require-imports
const provproto = require("@pulumi/pulumi/proto/provider_pb");
// eslint-disable-next-line @typescript-eslint/no-require-imports
const providerService = require("@pulumi/pulumi/proto/provider_grpc_pb").ResourceProviderService;

const URN = "urn:pulumi:dev::pgtier::pgtier:index:TieredTable$pgtier:index:TieredPartition::employees-emp_2025";

const local = {
  ...tieredDefaults,
  ...emp2025Partition,
  columns: employeeColumns,
  partitionKey: "hire_date",
  indexes: employeeIndexes,
  tier: "local",
};
const archived = { ...local, tier: "archive", archive: { connection: archiveConnection, server: "archive_server" } };

/** A Diff request as the engine sends it. */
function call(olds: Bag, news: Bag) {
  return {
    request: {
      getUrn: () => URN,
      getId: () => "public.emp_2025",
      getOlds: () => ({ toJavaScript: () => olds }),
      getNews: () => ({ toJavaScript: () => news }),
    },
  };
}

/** The parts of the generated DiffResponse and PropertyDiff the tests read. */
interface PropertyDiff {
  getKind(): number;
  getInputdiff(): boolean;
}
interface DiffResponse {
  getChanges(): number;
  getReplacesList(): string[];
  getDeletebeforereplace(): boolean;
  getHasdetaileddiff(): boolean;
  getDetaileddiffMap(): { forEach(fn: (value: PropertyDiff, key: string) => void): void; get(path: string): PropertyDiff };
}

/** Runs the handler and returns its error or response. */
async function answer(olds: Bag, news: Bag): Promise<{ err: unknown; resp: DiffResponse }> {
  const provider = new PgtierProvider({ observe: false });
  let result: { err: unknown; resp: DiffResponse } | undefined;
  await diffHandler((urn, id, o, n) => provider.detailedDiff(urn, id, o, n))(call(olds, news), (err, resp) => {
    result = { err, resp: resp as DiffResponse };
  });
  assert.ok(result, "the handler answers");
  return result;
}

describe("diffHandler (what `pulumi preview --diff` is sent)", () => {
  it("sends the rotation as an in-place update with a detailed diff of tier and archive", async () => {
    // WHEN
    const { err, resp } = await answer(local, archived);
    // THEN
    assert.equal(err, null);
    assert.equal(resp.getChanges(), provproto.DiffResponse.DiffChanges.DIFF_SOME);
    assert.deepEqual(resp.getReplacesList(), []);
    assert.equal(resp.getHasdetaileddiff(), true);
    const details: [string, number, boolean][] = [];
    resp.getDetaileddiffMap().forEach((d, path) => details.push([path, d.getKind(), d.getInputdiff()]));
    assert.deepEqual(details.sort(), [
      ["archive", provproto.PropertyDiff.Kind.ADD, false],
      ["tier", provproto.PropertyDiff.Kind.UPDATE, false],
    ]);
  });

  it("marks a replacing change and asks to delete first", async () => {
    const { resp } = await answer(local, { ...local, from: "2025-07-01" });
    assert.deepEqual(resp.getReplacesList(), ["from"]);
    assert.equal(resp.getDeletebeforereplace(), true);
    assert.equal(resp.getDetaileddiffMap().get("from").getKind(), provproto.PropertyDiff.Kind.UPDATE_REPLACE);
  });

  it("answers no change with DIFF_NONE", async () => {
    assert.equal((await answer(local, { ...local })).resp.getChanges(), provproto.DiffResponse.DiffChanges.DIFF_NONE);
  });

  it("sends archive to local as an in-place update too, never a replace", async () => {
    const { err, resp } = await answer(archived, local);
    assert.equal(err, null);
    assert.equal(resp.getChanges(), provproto.DiffResponse.DiffChanges.DIFF_SOME);
    assert.deepEqual(resp.getReplacesList(), []);
    const details: [string, number][] = [];
    resp.getDetaileddiffMap().forEach((d, path) => details.push([path, d.getKind()]));
    assert.deepEqual(details.sort(), [
      ["archive", provproto.PropertyDiff.Kind.DELETE],
      ["tier", provproto.PropertyDiff.Kind.UPDATE],
    ]);
  });
});

describe("installDetailedDiff", () => {
  const original = grpc.Server.prototype.addService;
  afterEach(() => {
    grpc.Server.prototype.addService = original;
  });

  it("replaces only the provider service's diff, keeping the SDK's other methods", () => {
    // GIVEN: the SDK's implementation, seen where grpc-js would register it
    let registered: grpc.UntypedServiceImplementation | undefined;
    grpc.Server.prototype.addService = function (_service, implementation) {
      registered = implementation;
    };
    const sdk: grpc.UntypedServiceImplementation = { diff: () => undefined, check: () => undefined };
    // WHEN
    installDetailedDiff(async () => ({ changes: false, replaces: [], deleteBeforeReplace: false, changed: [], details: [] }));
    new grpc.Server().addService(providerService, sdk);
    // THEN
    assert.ok(registered);
    assert.notEqual(registered.diff, sdk.diff);
    assert.equal(registered.check, sdk.check);
  });

  it("leaves other services alone", () => {
    let registered: grpc.UntypedServiceImplementation | undefined;
    grpc.Server.prototype.addService = function (_service, implementation) {
      registered = implementation;
    };
    const health = { check: () => undefined };
    installDetailedDiff(async () => ({ changes: false, replaces: [], deleteBeforeReplace: false, changed: [], details: [] }));
    new grpc.Server().addService({ check: providerService.checkConfig }, health);
    assert.equal(registered, health);
  });
});
