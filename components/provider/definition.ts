/**
 * The contract of one pgtier resource type, in one typed definition: its
 * name, defaults, validation, how its inputs and outputs are read into
 * typed values, its diff rules, and create/read/update/delete over those
 * values. The provider's dispatch (resource-type.ts) applies defaults,
 * validates, decodes once, and hands the definition frozen typed values; a
 * definition never sees the engine's untyped property bags.
 */
import { DiffSpec } from "../diff/diff";
import { Bag, Reader } from "../model/reader";
import { CheckFailure } from "../model/types";
import { Operation } from "../model/operation";

export { Operation } from "../model/operation";

/** The names of a resource's inputs (of every variant, when its inputs are a union). */
export type InputName<I> = I extends unknown ? Extract<keyof I, string> : never;

/** What create made: the object's id and the outputs it computed. */
export interface Created<O> {
  readonly id: string;
  readonly outputs: O;
}

/**
 * One resource type. `I` is its inputs with defaults applied, `O` the
 * outputs only the provider sets; its state is both. `validate`, `refuse`,
 * `decode` and the diff rules are pure and need no database, so `pulumi
 * preview` works before any instance exists; create, read, update and
 * delete are the only code that touches PostgreSQL or Docker for this type.
 */
export interface ResourceDefinition<I extends object, O extends object> {
  /** The last part of the type token `pgtier:index:<name>`. */
  readonly name: string;
  /** Inputs check fills in when they are not given; stored as the resource's inputs. */
  readonly defaults: Partial<I> | ((news: Bag) => Bag);
  /** Which inputs update in place, and which replace. */
  readonly diff: DiffSpec<InputName<I>>;
  /** Every problem with the inputs; `olds` are the previous inputs, for checks across versions. */
  validate(news: Bag, olds?: Bag): CheckFailure[];
  /** Reads validated inputs, defaults applied, into the typed value. */
  decode(r: Reader): I;
  /** Reads the outputs from stored state. */
  decodeOutputs(r: Reader): O;
  /**
   * What changed outside pgtier since the state was written, looked at on
   * every diff (no refresh needed): the properties to show as changed; an
   * update follows that puts them right (e.g. a container removed by hand is
   * created again). Throws, naming the object and the fix, when it cannot
   * be acted on. Only for objects cheap to look at (Docker's), never PostgreSQL.
   */
  observe?(op: Operation, id: string, state: I & O): Promise<readonly string[]>;
  /**
   * The id the object gets from these inputs. Given, create first looks for
   * the object: one that already matches the inputs (a create interrupted
   * after PostgreSQL committed it) is adopted, so a rerun converges.
   */
  idFor?(inputs: I): string;
  /**
   * Whether the inputs may say `adopt`: then an object found at create that
   * differs from the inputs is changed in place by {@link update} (the
   * differences the diff rules update in place), and refused, unchanged,
   * when a difference would replace it.
   */
  readonly adoptable?: boolean;
  /**
   * Inputs that update in place but are refused when adopting: a change
   * that would move rows (a tier) or show other rows (bounds, the remote
   * table). Adopting takes an object over where it is; the layout changes
   * in a later up.
   */
  readonly adoptRefused?: readonly InputName<I>[];
  /**
   * After an object was taken over with `adopt` (as it was, or changed by
   * {@link update}): completes what the program implies but an object built
   * by hand may lack and no input shows, e.g. an archive table's CHECK.
   * With `apply` false (a preview) it only says what it would do.
   */
  adopted?(op: Operation, inputs: I, apply: boolean): Promise<void>;
  /** Refuses, before anything changes (at preview too), to take over an object found that the program cannot manage as it is. */
  refuseAdopting?(op: Operation, inputs: I, found: I & O): Promise<void>;
  /**
   * Refuses, before anything changes, to create the object where something
   * else stands in its way (e.g. a partition on the same bounds under
   * another name). Runs at preview for resources that adopt; create runs it
   * itself.
   */
  refuseCreate?(op: Operation, inputs: I): Promise<void>;
  /** Outputs known from the inputs alone, for the preview of a create (an existing server's endpoints). */
  previewOutputs?(inputs: I): Partial<O> | undefined;
  /** Creates the object, all or nothing. */
  create(op: Operation, inputs: I): Promise<Created<O>>;
  /**
   * The object as it is now, drift included, or undefined when it is gone.
   * `stored` are the outputs in the state (a refresh); undefined when create
   * looks for an object to adopt, which must then match `inputs` exactly.
   */
  read(op: Operation, id: string, inputs: I, stored: Partial<O> | undefined): Promise<(I & O) | undefined>;
  /** Changes the object in place from `olds` (its state) to `news`; returns the outputs. */
  update(op: Operation, id: string, olds: I & O, news: I): Promise<O>;
  /** Removes the object; already gone is fine. */
  delete(op: Operation, id: string, state: I & O): Promise<void>;
}

/** `decodeOutputs` of a type without outputs. */
export function noOutputs(): object {
  return {};
}
