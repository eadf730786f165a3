/**
 * pgtier's Pulumi provider: dispatches the engine's calls to the handler of
 * each resource type. check and diff are pure (no database needed, so a
 * brand-new stack previews before any container exists); create, read,
 * update and delete do the I/O.
 */
import * as provider from "@pulumi/pulumi/provider";
import { DiffDecision, diffInputs, describeChanges, PropertyChange } from "../diff/diff";
import { formatFailures } from "../validate/common";
import { HandlerContext, labelFromUrn, Props, ResourceHandler, typeNameFromUrn } from "./handler";
import { engineProgress } from "./progress";
import { handlers } from "./registry";

/** The version the plugin reports; matches package.json. */
export const PROVIDER_VERSION = "0.1.0";

/** Pulumi's wire marker for a secret value: `{ [SIG_KEY]: SECRET_SIG, value }`. */
const SIG_KEY = "4dabf18193072939515e22adb298388d";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";

/**
 * Replaces secret wrappers with their values. Handlers work on plain values;
 * the engine marks outputs secret again wherever the matching input was.
 */
export function unwrapSecrets<T>(value: T): T {
  if (Array.isArray(value)) {
    return value.map(unwrapSecrets) as T;
  }
  if (value && typeof value === "object") {
    const record = value as Record<string, unknown>;
    if (record[SIG_KEY] === SECRET_SIG) {
      return unwrapSecrets(record.value) as T;
    }
    return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, unwrapSecrets(v)])) as T;
  }
  return value;
}

/** Progress reported on the resource being operated on. */
function contextFor(urn: string): HandlerContext {
  return { progress: engineProgress(urn) };
}

function isSecret(value: unknown): value is { value: unknown } {
  return !!value && typeof value === "object" && (value as Record<string, unknown>)[SIG_KEY] === SECRET_SIG;
}

/**
 * Marks secret again, in what a handler returns, every value that was
 * secret in `template` (the inputs or state as the engine sent them). The
 * engine only re-marks top-level properties, so a password nested in an
 * object input (TieredPartition's archive.connection) would otherwise
 * reach the state in plain text.
 */
export function keepSecrets(template: unknown, value: unknown): unknown {
  if (isSecret(value)) {
    return value;
  }
  if (isSecret(template)) {
    return { [SIG_KEY]: SECRET_SIG, value: keepSecrets(template.value, value) };
  }
  if (Array.isArray(template) && Array.isArray(value)) {
    return value.map((v, i) => keepSecrets(template[i], v));
  }
  if (template && value && typeof template === "object" && typeof value === "object" && !Array.isArray(value)) {
    const t = template as Record<string, unknown>;
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, k in t ? keepSecrets(t[k], v) : v]));
  }
  return value;
}

function handlerFor(urn: string): ResourceHandler {
  const name = typeNameFromUrn(urn);
  const handler = handlers[name];
  if (!handler) {
    throw new Error(`pgtier has no resource type ${JSON.stringify(name)} (from ${urn}); known types: ${Object.keys(handlers).join(", ")}`);
  }
  return handler;
}

/** The provider object `@pulumi/pulumi/provider`'s server calls. */
export class PgtierProvider implements provider.Provider {
  readonly version = PROVIDER_VERSION;

  async check(urn: string, olds: Props, news: Props): Promise<provider.CheckResult> {
    const handler = handlerFor(urn);
    // Defaults only add top-level keys, so secrets in `news` stay wrapped in the stored inputs.
    const inputs = handler.defaults ? handler.defaults(news) : news;
    const hasOlds = olds && Object.keys(olds).length > 0;
    return { inputs, failures: handler.validate(unwrapSecrets(inputs), hasOlds ? unwrapSecrets(olds) : undefined) };
  }

  async diff(_id: string, urn: string, olds: Props, news: Props): Promise<provider.DiffResult> {
    const decision = this.detailedDiff(urn, olds, news);
    return { changes: decision.changes, replaces: decision.replaces, deleteBeforeReplace: decision.deleteBeforeReplace };
  }

  /** The diff with every changed property path (what `pulumi preview --diff` shows). Pure. */
  detailedDiff(urn: string, olds: Props, news: Props): DiffDecision & { details: PropertyChange[] } {
    const spec = handlerFor(urn).spec;
    const [o, n] = [unwrapSecrets(olds), unwrapSecrets(news)];
    return { ...diffInputs(spec, o, n), details: describeChanges(spec, o, n) };
  }

  async create(urn: string, wrapped: Props): Promise<provider.CreateResult> {
    const inputs = unwrapSecrets(wrapped);
    const handler = handlerFor(urn);
    const label = labelFromUrn(urn);
    // check already ran, but a direct caller (tests, imports) gets the same guard.
    const failures = handler.validate(inputs);
    if (failures.length > 0) {
      throw new Error(formatFailures(label, failures));
    }
    const adopted = await this.adoptExisting(handler, label, inputs);
    const created = adopted ?? (await handler.create(label, inputs, contextFor(urn)));
    return { id: created.id, outs: keepSecrets(wrapped, created.outs) as Props };
  }

  /**
   * An object already there with exactly these inputs is adopted rather than
   * created again; one that differs is refused with what differs.
   */
  private async adoptExisting(handler: ResourceHandler, label: string, inputs: Props): Promise<provider.CreateResult | undefined> {
    if (!handler.idFor) {
      return undefined;
    }
    const found = await handler.read(label, handler.idFor(inputs), inputs);
    if (!found) {
      return undefined;
    }
    const decision = diffInputs(handler.spec, found.props, inputs);
    if (decision.changes) {
      throw new Error(
        `${label}: ${found.id} already exists and differs from the program in ${decision.changed.join(", ")}; drop it, or change the program to match it`,
      );
    }
    return { id: found.id, outs: { ...found.props, ...inputs } };
  }

  async read(id: string, urn: string, props: Props): Promise<provider.ReadResult> {
    const found = await handlerFor(urn).read(labelFromUrn(urn), id, unwrapSecrets(props));
    return found ? { id: found.id, props: keepSecrets(props, found.props) as Props } : { id: undefined, props: undefined };
  }

  async update(id: string, urn: string, olds: Props, news: Props): Promise<provider.UpdateResult> {
    const outs = await handlerFor(urn).update(labelFromUrn(urn), id, unwrapSecrets(olds), unwrapSecrets(news), contextFor(urn));
    return { outs: keepSecrets(news, outs) as Props };
  }

  async delete(id: string, urn: string, props: Props): Promise<void> {
    await handlerFor(urn).delete(labelFromUrn(urn), id, unwrapSecrets(props), contextFor(urn));
  }
}
