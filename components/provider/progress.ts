/**
 * Progress messages from inside the provider to `pulumi up`'s output, on the
 * resource they concern. The SDK's `pulumi.log` is only wired up for
 * component construction in a provider, so pgtier talks to the engine's Log
 * service itself, at the address the engine started the plugin with.
 */
import * as grpc from "@grpc/grpc-js";
import { Progress } from "../model/operation";

export { noProgress, Progress } from "../model/operation";

// eslint-disable-next-line @typescript-eslint/no-require-imports
const engrpc = require("@pulumi/pulumi/proto/engine_grpc_pb");
// eslint-disable-next-line @typescript-eslint/no-require-imports
const engproto = require("@pulumi/pulumi/proto/engine_pb");

let engineAddress: string | undefined;
let engine: { log(req: unknown, cb: (err: unknown) => void): void } | undefined;
let sending: Promise<void> = Promise.resolve();

/** Remembers the engine's address (the plugin's first non-flag argument). */
export function setEngineAddress(args: readonly string[]): void {
  engineAddress = args.find((a) => !a.startsWith("-"));
}

/**
 * Progress for one resource: an info message in `pulumi up`'s output when
 * the engine is there, nothing otherwise (tests pass their own).
 */
export function engineProgress(urn: string): Progress {
  return (message) => {
    if (!engineAddress) {
      return;
    }
    engine ??= new engrpc.EngineClient(engineAddress, grpc.credentials.createInsecure());
    const req = new engproto.LogRequest();
    req.setSeverity(engproto.LogSeverity.INFO);
    req.setMessage(message);
    req.setUrn(urn);
    // One at a time, so lines arrive in order; best effort: a lost progress
    // line must never fail the operation.
    sending = sending.then(() => new Promise<void>((resolve) => engine?.log(req, () => resolve())));
  };
}

/** `1234567` as `1,234,567`. */
export function formatCount(n: number | string): string {
  return Number(n).toLocaleString("en-US");
}
