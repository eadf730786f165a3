/**
 * Detailed diffs for `pulumi preview --diff`.
 *
 * Why this exists: `@pulumi/pulumi/provider` 3.248.0 answers the engine's
 * Diff call itself (provider/server.js) from a DiffResult that has only
 * `changes`, `replaces`, `stables` and `deleteBeforeReplace`, and sends no
 * detailed diff. The CLI then shows every input of an updated resource as
 * changed, so a rotation would not read as `~ tier: "local" => "archive"`.
 * pgtier answers Diff itself, with the changed property paths, by replacing
 * that one method of the service implementation the SDK registers on its
 * gRPC server.
 *
 * When it can go: once the SDK's DiffResult carries a detailed diff that its
 * server forwards (look for `detailedDiff` in provider/provider.d.ts and
 * `setDetaileddiffMap` in provider/server.js). Then PgtierProvider.diff
 * returns the details, main.ts stops calling installDetailedDiff, and this
 * file and its test are deleted.
 */
import * as grpc from "@grpc/grpc-js";
import { Bag } from "../model/reader";
import { DetailedDiff } from "./resource-type";

// The SDK's generated protobuf modules ship without type declarations.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const provproto = require("@pulumi/pulumi/proto/provider_pb");

/** Computes a resource's diff from its URN, id and old/new properties. */
export type DiffFunction = (urn: string, id: string, olds: Bag, news: Bag) => Promise<DetailedDiff>;

const KIND = {
  add: [provproto.PropertyDiff.Kind.ADD, provproto.PropertyDiff.Kind.ADD_REPLACE],
  delete: [provproto.PropertyDiff.Kind.DELETE, provproto.PropertyDiff.Kind.DELETE_REPLACE],
  update: [provproto.PropertyDiff.Kind.UPDATE, provproto.PropertyDiff.Kind.UPDATE_REPLACE],
} as const;

/** The part of a gRPC Diff call pgtier reads. */
export interface DiffCall {
  readonly request: {
    getUrn(): string;
    getId(): string;
    getOlds(): { toJavaScript(): Bag };
    getNews(): { toJavaScript(): Bag };
  };
}

/** The gRPC Diff handler: a DiffResponse with changed keys and a detailed diff. */
export function diffHandler(diff: DiffFunction) {
  return async (call: DiffCall, callback: grpc.sendUnaryData<unknown>): Promise<void> => {
    try {
      const req = call.request;
      const decision = await diff(req.getUrn(), req.getId(), req.getOlds().toJavaScript(), req.getNews().toJavaScript());
      const resp = new provproto.DiffResponse();
      resp.setChanges(decision.changes ? provproto.DiffResponse.DiffChanges.DIFF_SOME : provproto.DiffResponse.DiffChanges.DIFF_NONE);
      resp.setReplacesList(decision.replaces);
      resp.setDeletebeforereplace(decision.deleteBeforeReplace);
      resp.setDiffsList(decision.changed);
      resp.setHasdetaileddiff(true);
      const details = resp.getDetaileddiffMap();
      for (const change of decision.details) {
        const property = new provproto.PropertyDiff();
        property.setKind(KIND[change.kind][change.replace ? 1 : 0]);
        // Compared with the old state (which refresh updated), not the old inputs, so drift shows as drift.
        property.setInputdiff(false);
        details.set(change.path, property);
      }
      callback(null, resp);
    } catch (err) {
      callback(err instanceof Error ? err : new Error(String(err)));
    }
  };
}

/**
 * Makes the next provider service registered on a gRPC server use `diff`.
 * Call before `@pulumi/pulumi/provider`'s `main`.
 */
export function installDetailedDiff(diff: DiffFunction): void {
  const original = grpc.Server.prototype.addService;
  grpc.Server.prototype.addService = function (service: grpc.ServiceDefinition, implementation: grpc.UntypedServiceImplementation) {
    if ("diff" in service) {
      // grpc-js binds each method to the implementation; the SDK's methods
      // live on its prototype, so a child object overrides only diff.
      const wrapped: grpc.UntypedServiceImplementation = Object.create(implementation);
      wrapped.diff = diffHandler(diff);
      implementation = wrapped;
    }
    return original.call(this, service, implementation);
  };
}
