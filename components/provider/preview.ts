/**
 * What `pulumi preview` learns from the provider about a create.
 *
 * Why this exists: `@pulumi/pulumi/provider` 3.248.0 does not report
 * `supportsPreview` in its Configure answer, so the engine never asks the
 * provider during a preview and takes a create's inputs as its planned
 * state; and its server would run a real create if asked, since it does not
 * pass the preview flag on. pgtier reports `supportsPreview` and answers a
 * preview Create itself (see PgtierProvider.previewCreate): the inputs, the
 * outputs it knows without I/O (an existing server's endpoints, so the
 * resources on that server have known connections in the preview), and for
 * a resource that adopts, what adoption will do or why it is refused. A
 * preview Update gets the new inputs back, as the engine does for providers
 * without previews.
 *
 * When it can go: once the SDK's Provider interface carries the preview
 * flag (look for `preview` in provider/provider.d.ts's create); then
 * PgtierProvider.create branches on it and main.ts stops calling
 * installPreview.
 */
import * as grpc from "@grpc/grpc-js";
import { Bag } from "../model/reader";

// The SDK's generated protobuf modules ship without type declarations.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const provproto = require("@pulumi/pulumi/proto/provider_pb");

/** A create as the preview plans it: the properties it will have (secrets and unknown values marked as the engine sent them). */
export type PreviewCreate = (urn: string, inputs: Bag) => Promise<Bag>;

/** The parts of a gRPC request pgtier reads. */
interface PreviewableCall {
  readonly request: {
    getUrn(): string;
    getPreview(): boolean;
    getProperties?(): Struct;
    getNews?(): unknown;
  };
}

/** A protobuf Struct, as the SDK's generated code gives it; its class makes new ones. */
interface Struct {
  toJavaScript(): Bag;
  readonly constructor: { fromJavaScript(value: Bag): Struct };
}

type Handler = (call: PreviewableCall, callback: grpc.sendUnaryData<unknown>) => void;

/** The Create handler: a preview answered by `preview`, anything else by the SDK's own handler. */
export function createHandler(preview: PreviewCreate, sdk: Handler): Handler {
  return (call, callback) => {
    const req = call.request;
    if (!req.getPreview() || !req.getProperties) {
      sdk(call, callback);
      return;
    }
    const properties = req.getProperties();
    preview(req.getUrn(), properties.toJavaScript()).then(
      (planned) => {
        const resp = new provproto.CreateResponse();
        resp.setProperties(properties.constructor.fromJavaScript(planned));
        callback(null, resp);
      },
      (err: unknown) => callback(err instanceof Error ? err : new Error(String(err))),
    );
  };
}

/** The Update handler: a preview's planned state is the new inputs (nothing runs); anything else goes to the SDK. */
export function updateHandler(sdk: Handler): Handler {
  return (call, callback) => {
    if (!call.request.getPreview()) {
      sdk(call, callback);
      return;
    }
    const resp = new provproto.UpdateResponse();
    resp.setProperties(call.request.getNews?.());
    callback(null, resp);
  };
}

/** The Configure handler: the SDK's answer, saying the provider answers previews. */
export function configureHandler(sdk: Handler): Handler {
  return (call, callback) => {
    sdk(call, (err, resp) => {
      (resp as { setSupportspreview?(v: boolean): void } | null | undefined)?.setSupportspreview?.(true);
      callback(err, resp);
    });
  };
}

/**
 * Makes the next provider service registered on a gRPC server answer
 * previews (see the file's comment). Call before `@pulumi/pulumi/provider`'s
 * `main`.
 */
export function installPreview(preview: PreviewCreate): void {
  const original = grpc.Server.prototype.addService;
  grpc.Server.prototype.addService = function (service: grpc.ServiceDefinition, implementation: grpc.UntypedServiceImplementation) {
    if ("create" in service && "configure" in service) {
      // As in detailed-diff.ts: a child object overrides only these methods.
      const sdk = implementation;
      const wrapped: grpc.UntypedServiceImplementation = Object.create(implementation);
      const bound =
        (name: string): Handler =>
        (call, callback) =>
          (sdk[name] as Handler).call(sdk, call, callback);
      wrapped.configure = configureHandler(bound("configure"));
      wrapped.create = createHandler(preview, bound("create"));
      wrapped.update = updateHandler(bound("update"));
      implementation = wrapped;
    }
    return original.call(this, service, implementation);
  };
}
