/**
 * pgtier's Pulumi provider: dispatches the engine's calls to the resource
 * type a URN names. Secrets are unwrapped on the way in and marked again on
 * the way out; each resource type (resource-type.ts) applies its defaults,
 * validates and decodes. check and diff need no database, so a brand-new
 * stack previews before any container exists (diff asks Docker about the
 * containers, volumes and networks it manages, nothing more); create, read,
 * update and delete do the I/O.
 */
import * as provider from "@pulumi/pulumi/provider";
import { isUnknown } from "../model/engine-values";
import { Bag } from "../model/reader";
import { Operation } from "./definition";
import { engineProgress, Progress } from "./progress";
import { resourceTypesByName } from "./registry";
import { DetailedDiff, ResourceType } from "./resource-type";
import { keepSecretsIn, plainBag } from "./secrets";
import { labelFromUrn, typeNameFromUrn } from "./urn";

/** The version the plugin reports; matches package.json. */
export const PROVIDER_VERSION = "0.1.0";

/** How the provider is set up. */
export interface ProviderOptions {
  /**
   * Where a resource's progress lines go.
   * @default the engine's log, shown on the resource in `pulumi up`
   */
  readonly progress?: (urn: string) => Progress;
  /**
   * Whether diff also looks at the Docker objects it manages for changes
   * made by hand (a container removed or restarted on another port).
   * @default true
   */
  readonly observe?: boolean;
}

function typeFor(urn: string): ResourceType {
  const name = typeNameFromUrn(urn);
  const type = resourceTypesByName.get(name);
  if (!type) {
    throw new Error(
      `pgtier has no resource type ${JSON.stringify(name)} (from ${urn}); known types: ${[...resourceTypesByName.keys()].join(", ")}`,
    );
  }
  return type;
}

/** The provider object `@pulumi/pulumi/provider`'s server calls. */
export class PgtierProvider implements provider.Provider {
  readonly version = PROVIDER_VERSION;

  constructor(private readonly options: ProviderOptions = {}) {}

  private operation(urn: string): Operation {
    return { label: labelFromUrn(urn), progress: (this.options.progress ?? engineProgress)(urn), urn };
  }

  async check(urn: string, olds: Bag, news: Bag): Promise<provider.CheckResult> {
    const type = typeFor(urn);
    const inputs = type.withDefaults(news);
    const hasOlds = olds && Object.keys(olds).length > 0;
    return { inputs, failures: type.validate(plainBag(inputs), hasOlds ? plainBag(olds) : undefined) };
  }

  async diff(id: string, urn: string, olds: Bag, news: Bag): Promise<provider.DiffResult> {
    const { changes, replaces, deleteBeforeReplace } = await this.detailedDiff(urn, id, olds, news);
    return { changes, replaces, deleteBeforeReplace };
  }

  /** The diff with every changed property path (what `pulumi preview --diff` shows). */
  detailedDiff(urn: string, id: string, olds: Bag, news: Bag): Promise<DetailedDiff> {
    return typeFor(urn).diff(this.operation(urn), id, plainBag(olds), plainBag(news), this.options.observe ?? true);
  }

  async create(urn: string, inputs: Bag): Promise<provider.CreateResult> {
    const created = await typeFor(urn).create(this.operation(urn), plainBag(inputs));
    return { id: created.id, outs: keepSecretsIn(inputs, created.outs) };
  }

  /**
   * A create as `pulumi preview` plans it (see preview.ts): nothing changes.
   * Inputs with values not known yet come back as they are.
   */
  async previewCreate(urn: string, inputs: Bag): Promise<Bag> {
    const plain = plainBag(inputs);
    if (isUnknown(plain)) {
      return inputs;
    }
    return keepSecretsIn(inputs, await typeFor(urn).preview(this.operation(urn), plain));
  }

  async read(id: string, urn: string, props: Bag): Promise<provider.ReadResult> {
    const found = await typeFor(urn).read(this.operation(urn), id, plainBag(props));
    return found ? { id, props: keepSecretsIn(props, found) } : { id: undefined, props: undefined };
  }

  async update(id: string, urn: string, olds: Bag, news: Bag): Promise<provider.UpdateResult> {
    const outs = await typeFor(urn).update(this.operation(urn), id, plainBag(olds), plainBag(news));
    return { outs: keepSecretsIn(news, outs) };
  }

  async delete(id: string, urn: string, props: Bag): Promise<void> {
    await typeFor(urn).delete(this.operation(urn), id, plainBag(props));
  }
}
