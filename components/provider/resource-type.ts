/**
 * A definition as the provider dispatches to it: the engine's property
 * bags in and out, typed values inside. Defaults are applied and inputs
 * validated here, each bag is decoded once into a frozen value, and an
 * object left behind by an interrupted create is adopted.
 */
import { InputPropertiesError } from "@pulumi/pulumi/errors";
import { DiffDecision, diffInputs, describeChanges, DiffSpec, PropertyChange } from "../diff/diff";
import { invalidInputs } from "../errors";
import { columnAdoptionProblems } from "../validate/evolution";
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
  /** The diff of stored state and new inputs, plus what the type observes changed outside pgtier. */
  diff(op: Operation, id: string, olds: Bag, news: Bag, observe: boolean): Promise<DetailedDiff>;
  create(op: Operation, inputs: Bag): Promise<{ id: string; outs: Bag }>;
  /**
   * What a create will give, at preview, without changing anything: the
   * inputs plus the outputs known from them; for a resource that adopts,
   * what adoption will do is reported, or refused.
   */
  preview(op: Operation, inputs: Bag): Promise<Bag>;
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

/** A diff with properties observed to have changed outside pgtier added as in-place updates. */
function withObserved(diff: DetailedDiff, observed: readonly string[]): DetailedDiff {
  const fresh = observed.filter((path) => !diff.changed.includes(path));
  if (fresh.length === 0) {
    return diff;
  }
  return {
    ...diff,
    changes: true,
    changed: [...diff.changed, ...fresh],
    details: [...diff.details, ...fresh.map((path) => ({ path, kind: "update" as const, replace: false }))],
  };
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

/** A value found or asked for, in a refusal: text and numbers as they are; anything else (a connection, say) is not shown. */
function shown(value: unknown): string {
  return typeof value === "string" || typeof value === "number" || typeof value === "boolean" ? JSON.stringify(value) : "another value";
}

/** Why an object that is already there is not taken over, and what to do. */
function refusal(
  op: Operation,
  id: string,
  properties: readonly string[],
  found: Bag,
  bag: Bag,
  adoptable: boolean,
  adopting: boolean,
): Error {
  const reason = adopting
    ? `${id} already exists and differs from the program in ${properties.map((k) => `${k} (${shown(found[k])} there, ${shown(bag[k])} in the program)`).join(", ")}; ` +
      `adopting takes it over where it is and never moves its rows, drops it or creates it again: change the program to match it ` +
      `(for a tier or archive: the as-of date and placement that keep it where it is), and change the layout in a later up`
    : `${id} already exists and differs from the program in ${properties.join(", ")}; ` +
      `${adoptable ? "set adopt (stack setting pgtier:adopt) to take it over and change it in place where PostgreSQL allows, or " : ""}drop it, or change the program to match it`;
  return new InputPropertiesError({
    message: `${op.label}: ${reason}`,
    errors: properties.map((property) => ({ propertyPath: property, reason })),
  });
}

/**
 * An object already there with exactly these inputs is taken over rather
 * than created again (a create interrupted after PostgreSQL committed it).
 * One that differs is refused, unless the inputs say `adopt`: then what can
 * change in place is changed by the definition's update, and what cannot
 * (a replace) is refused before anything changes. With `apply` false (a
 * preview), nothing changes: what would happen is reported, or refused.
 */
async function adopt<I extends object, O extends object>(
  def: ResourceDefinition<I, O>,
  op: Operation,
  inputs: I,
  bag: Bag,
  apply = true,
): Promise<{ id: string; outs: Bag } | undefined> {
  const id = def.idFor?.(inputs);
  const found = id === undefined ? undefined : await def.read(op, id, inputs, undefined);
  if (id === undefined || !found) {
    return undefined;
  }
  const there = toBag(found);
  const diff = diffInputs(def.diff, there, bag);
  const adopting = def.adoptable === true && bag.adopt === true;
  if (diff.changed.length > 0 && !adopting) {
    throw refusal(op, id, diff.changed, there, bag, def.adoptable === true, false);
  }
  if (adopting) {
    const refused = diff.changed.filter((k) => diff.replaces.includes(k) || (def.adoptRefused ?? []).some((r) => r === k));
    if (refused.length > 0) {
      throw refusal(op, id, refused, there, bag, true, true);
    }
    // Columns the object has that the program lacks, or has as another type, are never dropped or retyped.
    const problems = columnAdoptionProblems(there.columns, bag.columns);
    if (problems.length > 0) {
      throw new InputPropertiesError({
        message: `${op.label}: ${id} already exists and cannot be taken over as the program describes it: ${problems.join("; ")}`,
        errors: problems.map((reason) => ({ propertyPath: "columns", reason })),
      });
    }
    await def.refuseAdopting?.(op, inputs, found);
  }
  let outs = toBag({ ...bag, ...found, ...inputs });
  const taking = `${apply ? "taking" : "will take"} over ${id}, which already exists`;
  if (diff.changed.length > 0) {
    op.progress(`${taking}: changing ${diff.changed.join(", ")} in place to match the program`);
    if (apply) {
      outs = toBag({ ...bag, ...inputs, ...(await def.update(op, id, found, inputs)) });
    }
  } else if (!apply) {
    op.progress(`${taking}, as it is`);
  }
  if (adopting) {
    await def.adopted?.(op, inputs, apply);
  }
  return { id, outs };
}

/** `news` with the definition's defaults filled in. */
function withDefaults<I extends object, O extends object>(def: ResourceDefinition<I, O>, news: Bag): Bag {
  return toBag({ ...(typeof def.defaults === "function" ? def.defaults(news) : def.defaults), ...news });
}

/** Validated and decoded inputs; invalid ones are one error naming the resource and each problem. */
function inputsOf<I extends object, O extends object>(def: ResourceDefinition<I, O>, op: Operation, bag: Bag): I {
  const failures = def.validate(bag);
  if (failures.length > 0) {
    throw invalidInputs(op.label, failures);
  }
  return decodeWith(op, withDefaults(def, bag), (r) => def.decode(r), "check the program's arguments");
}

/** The decoded state: inputs and outputs. */
function stateOf<I extends object, O extends object>(def: ResourceDefinition<I, O>, op: Operation, bag: Bag): I & O {
  return decodeWith(
    op,
    withDefaults(def, bag),
    (r) => ({ ...def.decode(r), ...def.decodeOutputs(r) }),
    "the stored state was edited by hand or written by another pgtier; fix it with pulumi stack export and import, or remove the resource from the state (pulumi state delete) and run pulumi up to adopt the object again",
  );
}

/** What the definition observes changed by hand; nothing to look at when the stored state is not one it can read (update will say so). */
async function observed<I extends object, O extends object>(
  def: ResourceDefinition<I, O>,
  op: Operation,
  id: string,
  olds: Bag,
): Promise<readonly string[]> {
  if (!def.observe) {
    return [];
  }
  let state: I & O;
  try {
    state = stateOf(def, op, olds);
  } catch (err) {
    if (InputPropertiesError.isInstance(err)) {
      return [];
    }
    throw err;
  }
  return def.observe(op, id, state);
}

/** The dispatchable form of a definition. */
export function defineResource<I extends object, O extends object>(def: ResourceDefinition<I, O>): ResourceType {
  return {
    name: def.name,
    diffRules: def.diff,
    withDefaults: (news) => withDefaults(def, news),
    validate: (news, olds) => def.validate(news, olds),

    async diff(op, id, stored, news, observe) {
      // A property added in a later pgtier is absent from an older state: it compares as its default, not as a change.
      const olds = withDefaults(def, stored);
      const decided = { ...diffInputs(def.diff, olds, news), details: describeChanges(def.diff, olds, news) };
      // Nothing to look at for an object the diff replaces anyway (a stopped container given a new image, say).
      return withObserved(decided, observe && decided.replaces.length === 0 ? await observed(def, op, id, olds) : []);
    },

    async create(op, bag) {
      const inputs = inputsOf(def, op, bag);
      const adopted = await adopt(def, op, inputs, bag);
      if (adopted) {
        return adopted;
      }
      const created = await def.create(op, inputs);
      // Over the inputs as given, so a key pgtier does not read still compares equal at the next diff.
      return { id: created.id, outs: toBag({ ...bag, ...inputs, ...created.outputs }) };
    },

    async preview(op, bag) {
      const inputs = inputsOf(def, op, bag);
      if (def.adoptable && bag.adopt === true && !(await adopt(def, op, inputs, bag, false))) {
        await def.refuseCreate?.(op, inputs);
      }
      return toBag({ ...bag, ...def.previewOutputs?.(inputs) });
    },

    async read(op, id, bag) {
      const state = stateOf(def, op, bag);
      const found = await def.read(op, id, state, state);
      return found && toBag({ ...bag, ...found });
    },

    async update(op, id, olds, news) {
      const inputs = inputsOf(def, op, news);
      return toBag({ ...news, ...inputs, ...(await def.update(op, id, stateOf(def, op, olds), inputs)) });
    },

    async delete(op, id, bag) {
      await def.delete(op, id, stateOf(def, op, bag));
    },
  };
}
