/** The contract every pgtier resource implements inside the provider. */
import { DiffSpec } from "../diff/diff";
import { CheckFailure } from "../validate/common";
import { noProgress, Progress } from "./progress";

/** Property bag as the engine sends it (plain JSON; unknowns as a sentinel string). */
export type Props = Record<string, unknown>;

/** What create returns: the object's id and its outputs. */
export interface Created {
  readonly id: string;
  readonly outs: Props;
}

/** What read returns: undefined when the object no longer exists. */
export type ReadOutcome = { readonly id: string; readonly props: Props } | undefined;

/** What the provider gives an operation besides its inputs. */
export interface HandlerContext {
  /** Progress lines shown in `pulumi up`'s output on this resource. */
  readonly progress: Progress;
}

/** A context that reports nowhere (tests, adoption reads). */
export const quietContext: HandlerContext = { progress: noProgress };

/**
 * One resource type. `validate` and `defaults` are pure and need no database,
 * so `pulumi preview` works before any instance exists; the other methods are
 * the only code that touches PostgreSQL or Docker for this type.
 */
export interface ResourceHandler {
  /** Which inputs update in place and which replace. */
  readonly spec: DiffSpec;
  /** Every problem with the inputs (old inputs given for checks across versions). */
  validate(news: Props, olds?: Props): CheckFailure[];
  /** Inputs with defaults filled in, stored as the resource's inputs. */
  defaults?(news: Props): Props;
  /**
   * The id the object gets from these inputs. Given, create first looks for
   * the object: one that already matches the inputs (a create interrupted
   * after PostgreSQL committed it) is adopted, so a rerun converges.
   */
  idFor?(inputs: Props): string;
  create(label: string, inputs: Props, ctx?: HandlerContext): Promise<Created>;
  read(label: string, id: string, props: Props): Promise<ReadOutcome>;
  update(label: string, id: string, olds: Props, news: Props, ctx?: HandlerContext): Promise<Props>;
  delete(label: string, id: string, props: Props, ctx?: HandlerContext): Promise<void>;
}

/** `ForeignServer "archive"`: the resource type and name from a URN, for messages. */
export function labelFromUrn(urn: string): string {
  const parts = urn.split("::");
  const name = parts[parts.length - 1] ?? urn;
  const type = (parts[parts.length - 2] ?? "").split("$").pop() ?? "";
  return `${type.split(":").pop()} ${JSON.stringify(name)}`;
}

/** The resource name (last part of the type token) from a URN. */
export function typeNameFromUrn(urn: string): string {
  const parts = urn.split("::");
  return ((parts[parts.length - 2] ?? "").split("$").pop() ?? "").split(":").pop() ?? "";
}
