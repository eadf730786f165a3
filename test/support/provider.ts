/**
 * Drives PgtierProvider the way the Pulumi engine does, so the integration
 * tests exercise check, diff and the CRUD methods exactly as a deployment would.
 */
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { secretOf } from "../../components/model/engine-values";
import { PgtierProvider } from "../../components/provider/provider";
import { unwrapSecrets } from "../../components/provider/secrets";
import { urn } from "./postgres";

/** Property bag as the engine sends it. */
export type Props = Record<string, unknown>;

/** A short random suffix for names that must not collide with other runs. */
export function uniqueSuffix(): string {
  return randomBytes(4).toString("hex");
}

/** Wraps a value the way the engine sends a Pulumi secret. */
export function secret<T>(value: T): Props {
  return secretOf(value);
}

/**
 * Outputs as plain values. The provider marks secret again what was secret
 * in its inputs (the engine keeps them so in the state; unit tests check the
 * marking); the tests here look at the values.
 */
function plain(props: unknown): Props {
  return unwrapSecrets(props) as Props;
}

/** One resource of one type, as the engine addresses it by URN. */
export class ResourceUnderTest {
  readonly urn: string;

  constructor(
    readonly provider: PgtierProvider,
    readonly type: string,
    readonly name: string,
  ) {
    this.urn = urn(type, name);
  }

  /** check with no failures expected; returns the inputs with defaults. */
  async check(news: Props, olds: Props = {}): Promise<Props> {
    const result = await this.provider.check(this.urn, olds, news);
    assert.deepEqual(result.failures, [], `check of ${this.urn} reported failures`);
    return result.inputs as Props;
  }

  /** check and then create; returns the id and the outputs. */
  async create(news: Props): Promise<{ id: string; outs: Props; inputs: Props }> {
    const inputs = await this.check(news);
    const result = await this.provider.create(this.urn, inputs);
    assert.ok(result.id, `create of ${this.urn} returned no id`);
    return { id: result.id, outs: plain(result.outs), inputs };
  }

  /** read (refresh): the state found, or undefined when the object is gone. */
  async read(id: string, props: Props): Promise<{ id: string; props: Props } | undefined> {
    const result = await this.provider.read(id, this.urn, props);
    if (result.id === undefined) {
      assert.equal(result.props, undefined, "a read that finds nothing returns no props");
      return undefined;
    }
    return { id: result.id, props: plain(result.props) };
  }

  /** diff of the stored state against new inputs. */
  async diff(id: string, olds: Props, news: Props) {
    return this.provider.diff(id, this.urn, olds, news);
  }

  /** check (with the olds, as the engine does) and then update; returns the new outputs. */
  async update(id: string, olds: Props, news: Props): Promise<Props> {
    const inputs = await this.check(news, olds);
    const result = await this.provider.update(id, this.urn, olds, inputs);
    return plain(result.outs);
  }

  async delete(id: string, props: Props): Promise<void> {
    await this.provider.delete(id, this.urn, props);
  }
}

/** Asserts that `promise` rejects and returns the error message. */
export async function rejectionOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (err) {
    return (err as Error).message;
  }
  assert.fail("expected the call to fail, but it succeeded");
}
