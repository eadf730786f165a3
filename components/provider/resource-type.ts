/**
 * A definition as the provider dispatches to it: the engine's property
 * bags in and out, typed values inside. Defaults are applied and inputs
 * validated here, each bag is decoded once into a frozen value, and an
 * object left behind by an interrupted create is adopted.
 */
import { InputPropertiesError } from "@pulumi/pulumi/errors";
import { DiffDecision, diffInputs, describeChanges, DiffSpec, PropertyChange } from "../diff/diff";
import { invalidInputs } from "../errors";
import { Bag, DecodeError, deepFreeze, isBag, Reader } from "../model/reader";
import { CheckFailure } from "../model/types";
import { Operation, ResourceDefinition } from "./definition";

/** A diff with every changed property path (what `pulumi preview --diff` shows). */
export type DetailedDiff = DiffDecision & { readonly details: PropertyChange[] };

/** One resource type, over plain (secret-free) property bags. */
export interface ResourceType {
  /** The last part of the type token. */
  readonly name: string;
  /** Which inputs update in place, and which replace. */
  readonly diffRules: DiffSpec;
  /** `news` with the defaults filled in (secrets stay wrapped: only top-level keys are added). */
  withDefaults(news: Bag): Bag;
  /** Every problem with the inputs. Pure. */
  validate(news: Bag, olds?: Bag): CheckFailure[];
  /** The diff of stored state and new inputs; a change that cannot be carried out throws. Pure. */
  diff(label: string, olds: Bag, news: Bag): DetailedDiff;
  create(op: Operation, inputs: Bag): Promise<{ id: string; outs: Bag }>;
  read(op: Operation, id: string, state: Bag): Promise<Bag | undefined>;
  update(op: Operation, id: string, olds: Bag, news: Bag): Promise<Bag>;
  delete(op: Operation, id: string, state: Bag): Promise<void>;
}

/** A value with every undefined field left out, at any depth (protobuf's Struct has no undefined). */
function defined(value: unknown): unknown {
  if (Array.isArray(value)) {
    return value.map(defined);
  }
  return isBag(value) ? toBag(value) : value;
}

/** A typed value as a property bag (what the engine stores); absent values are left out, at any depth. */
export function toBag(value: object): Bag {
  return Object.fromEntries(
    Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => [k, defined(v)]),
  );
}

/** Reads a bag with `read`; a value of the wrong shape is an error naming the property and the fix. */
function decodeWith<T>(op: Operation, bag: Bag, read: (r: Reader) => T, fix: string): T {
  try {
    return deepFreeze(read(new Reader(bag)));
  } catch (err) {
    if (err instanceof DecodeError) {
      throw invalidInputs(op.label, [{ property: err.property, reason: `${err.message}; ${fix}` }]);
    }
    throw err;
  }
}

/** An object already there with exactly these inputs is adopted rather than created again; one that differs is refused. */
async function adopt<I extends object, O extends object>(
  def: ResourceDefinition<I, O>,
  op: Operation,
  inputs: I,
  bag: Bag,
): Promise<{ id: string; outs: Bag } | undefined> {
  const id = def.idFor?.(inputs);
  const found = id === undefined ? undefined : await def.read(op, id, inputs, undefined);
  if (id === undefined || !found) {
    return undefined;
  }
  const { changed } = diffInputs(def.diff, toBag(found), bag);
  if (changed.length > 0) {
    const reason = `${id} already exists and differs from the program in ${changed.join(", ")}; drop it, or change the program to match it`;
    throw new InputPropertiesError({
      message: `${op.label}: ${reason}`,
      errors: changed.map((property) => ({ propertyPath: property, reason })),
    });
  }
  return { id, outs: toBag({ ...bag, ...found, ...inputs }) };
}

/** The dispatchable form of a definition. */
export function defineResource<I extends object, O extends object>(def: ResourceDefinition<I, O>): ResourceType {
  const withDefaults = (news: Bag): Bag => toBag({ ...(typeof def.defaults === "function" ? def.defaults(news) : def.defaults), ...news });
  const inputsOf = (op: Operation, bag: Bag): I => {
    const failures = def.validate(bag);
    if (failures.length > 0) {
      throw invalidInputs(op.label, failures);
    }
    return decodeWith(op, withDefaults(bag), (r) => def.decode(r), "check the program's arguments");
  };
  const stateOf = (op: Operation, bag: Bag): I & O =>
    decodeWith(
      op,
      withDefaults(bag),
      (r) => ({ ...def.decode(r), ...def.decodeOutputs(r) }),
      "the stored state was edited by hand or written by another pgtier; fix it with pulumi stack export and import, or remove the resource from the state (pulumi state delete) and run pulumi up to adopt the object again",
    );

  return {
    name: def.name,
    diffRules: def.diff,
    withDefaults,
    validate: (news, olds) => def.validate(news, olds),

    diff(label, olds, news) {
      const refused = def.refuse?.(olds, news) ?? [];
      if (refused.length > 0) {
        throw invalidInputs(label, refused);
      }
      return { ...diffInputs(def.diff, olds, news), details: describeChanges(def.diff, olds, news) };
    },

    async create(op, bag) {
      const inputs = inputsOf(op, bag);
      const adopted = await adopt(def, op, inputs, bag);
      if (adopted) {
        return adopted;
      }
      const created = await def.create(op, inputs);
      // Over the inputs as given, so a key pgtier does not read still compares equal at the next diff.
      return { id: created.id, outs: toBag({ ...bag, ...inputs, ...created.outputs }) };
    },

    async read(op, id, bag) {
      const state = stateOf(op, bag);
      const found = await def.read(op, id, state, state);
      return found && toBag({ ...bag, ...found });
    },

    async update(op, id, olds, news) {
      const inputs = inputsOf(op, news);
      return toBag({ ...news, ...inputs, ...(await def.update(op, id, stateOf(op, olds), inputs)) });
    },

    async delete(op, id, bag) {
      await def.delete(op, id, stateOf(op, bag));
    },
  };
}
