/**
 * The stack's config, as the engine hands it to the policy pack.
 *
 * Why this exists: started through a language host (`RunPlugin`, as
 * pgtier's is), a policy pack gets no PULUMI_CONFIG in its environment; the
 * engine sends the stack's config and the names of its secret keys in the
 * analyzer's ConfigureStack call instead (sdk/go/common/resource/plugin/
 * analyzer_plugin.go in Pulumi 3.248.0). @pulumi/policy 1.21.0 answers that
 * call but keeps only the stack's tags (server.js, configureStack). This
 * module wraps its handler, as the provider's preview.ts wraps the SDK's,
 * to keep the config and the secret keys too.
 *
 * When it can go: once @pulumi/policy gives policies the stack's config.
 */
import type * as grpc from "@grpc/grpc-js";

/** The stack's config (keys `namespace:key`) and which keys are secrets. */
export interface StackConfig {
  /** Values as the stack's config file gives them, secrets decrypted. */
  readonly values: Readonly<Record<string, string>>;
  /** Keys whose values are secrets (`secure:` in the config file). */
  readonly secretKeys: readonly string[];
  /** Whether the engine sent the config at all (it does for preview and up). */
  readonly received: boolean;
}

let received: StackConfig = { values: {}, secretKeys: [], received: false };

/** The config of the stack being analysed. */
export function stackConfig(): StackConfig {
  return received;
}

/** The parts of a ConfigureStack request read here. */
interface ConfigureStackRequest {
  getConfigMap(): { forEach(f: (value: string, key: string) => void): void };
  getConfigSecretKeysList(): string[];
}

type Handler = (call: { request: ConfigureStackRequest }, callback: grpc.sendUnaryData<unknown>) => void;

/**
 * Makes the analyzer service @pulumi/policy registers keep the stack's
 * config. Call before `new PolicyPack(...)`; `grpcModule` must be the
 * @grpc/grpc-js that @pulumi/policy loads.
 */
export function captureStackConfig(grpcModule: typeof grpc): void {
  const original = grpcModule.Server.prototype.addService;
  grpcModule.Server.prototype.addService = function (service: grpc.ServiceDefinition, implementation: grpc.UntypedServiceImplementation) {
    if ("configureStack" in service && typeof implementation.configureStack === "function") {
      const sdk = implementation.configureStack as Handler;
      const wrapped: Handler = (call, callback) => {
        try {
          const values: Record<string, string> = {};
          call.request.getConfigMap().forEach((value, key) => {
            values[key] = value;
          });
          received = { values, secretKeys: [...call.request.getConfigSecretKeysList()], received: true };
        } catch {
          // An engine whose request lacks these: the policies that need the config say it was not received.
        }
        sdk(call, callback);
      };
      implementation = { ...implementation, configureStack: wrapped };
    }
    return original.call(this, service, implementation);
  };
}
