/**
 * Detailed diffs for `pulumi preview --diff`.
 *
 * `@pulumi/pulumi/provider`'s server answers Diff with only "changed" and the
 * replace keys, so the CLI prints every input of an updated resource. pgtier
 * answers Diff itself with the changed property paths (`attached: false =>
 * true`, `options.fetch_size: "1" => "10000"`) by replacing that one method
 * on the service implementation the SDK registers.
 */
import * as grpc from "@grpc/grpc-js";
import { DiffDecision, PropertyChange } from "../diff/diff";

// eslint-disable-next-line @typescript-eslint/no-require-imports
const provproto = require("@pulumi/pulumi/proto/provider_pb");

/** Computes a resource's diff from its URN and plain old/new properties. */
export type DiffFunction = (
  urn: string,
  olds: Record<string, unknown>,
  news: Record<string, unknown>,
) => DiffDecision & { details: PropertyChange[] };

const KIND = {
  add: [provproto.PropertyDiff.Kind.ADD, provproto.PropertyDiff.Kind.ADD_REPLACE],
  delete: [provproto.PropertyDiff.Kind.DELETE, provproto.PropertyDiff.Kind.DELETE_REPLACE],
  update: [provproto.PropertyDiff.Kind.UPDATE, provproto.PropertyDiff.Kind.UPDATE_REPLACE],
} as const;

interface DiffCall {
  request: {
    getUrn(): string;
    getOlds(): { toJavaScript(): Record<string, unknown> };
    getNews(): { toJavaScript(): Record<string, unknown> };
  };
}

/** The gRPC Diff handler: a DiffResponse with changed keys and a detailed diff. */
export function diffHandler(diff: DiffFunction) {
  return (call: DiffCall, callback: (err: unknown, resp?: unknown) => void): void => {
    try {
      const req = call.request;
      const decision = diff(req.getUrn(), req.getOlds().toJavaScript(), req.getNews().toJavaScript());
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
      callback(undefined, resp);
    } catch (err) {
      callback(err);
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
      // grpc-js binds each method to the implementation; the SDK's methods live on its prototype.
      const wrapped = Object.create(implementation) as grpc.UntypedServiceImplementation;
      wrapped.diff = diffHandler(diff) as unknown as grpc.UntypedHandleCall;
      implementation = wrapped;
    }
    return original.call(this, service, implementation);
  };
}
