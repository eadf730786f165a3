/** How a change of inputs is judged against a resource type's diff rules: in place, replace, or no change. Pure. */
import { isUnknown } from "../model/engine-values";
import { Bag, isBag } from "../model/reader";

/** How a resource type reacts to a change of each of its inputs (`K`: their names). */
export interface DiffSpec<K extends string = string> {
  /** Inputs PostgreSQL or Docker can change in place (an update). */
  readonly update: readonly K[];
  /** Inputs that need the object dropped and created again (a replace). */
  readonly replace: readonly K[];
  /**
   * Whether the old object must go before the new one is created, because
   * both would claim the same name.
   * @default false
   */
  readonly deleteBeforeReplace?: boolean;
}

/** The outcome of a diff, in the shape `@pulumi/pulumi/provider` expects. */
export interface DiffDecision {
  readonly changes: boolean;
  readonly replaces: string[];
  readonly deleteBeforeReplace: boolean;
  /** The inputs that differ (for tests and messages). */
  readonly changed: string[];
}

/** Structural equality of JSON-like values; an unknown value never equals anything. */
export function sameValue(a: unknown, b: unknown): boolean {
  if (isUnknown(a) || isUnknown(b)) {
    return false;
  }
  return JSON.stringify(normalize(a)) === JSON.stringify(normalize(b));
}

function normalize(value: unknown): unknown {
  if (Array.isArray(value)) {
    return value.map(normalize);
  }
  if (isBag(value)) {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .filter((k) => value[k] !== undefined && value[k] !== null)
        .map((k) => [k, normalize(value[k])]),
    );
  }
  return value;
}

/**
 * Compares old state with new inputs over the inputs a spec names. Anything
 * else in the old state (computed outputs) is ignored. Optional inputs
 * compare equal when absent on both sides.
 */
export function diffInputs(spec: DiffSpec, olds: Bag, news: Bag): DiffDecision {
  const changed = [...spec.replace, ...spec.update].filter((key) => !sameValue(olds[key] ?? null, news[key] ?? null));
  const replaces = changed.filter((key) => spec.replace.includes(key));
  return {
    changes: changed.length > 0,
    replaces,
    deleteBeforeReplace: replaces.length > 0 && spec.deleteBeforeReplace === true,
    changed,
  };
}

/** One changed property, as `pulumi preview --diff` shows it. */
export interface PropertyChange {
  /** Property path, e.g. `options.fetch_size` or `attached`. */
  readonly path: string;
  /** Whether the property appears, disappears or changes. */
  readonly kind: "add" | "delete" | "update";
  /** Whether this change forces a replace. */
  readonly replace: boolean;
}

/**
 * The changed properties behind a decision, one level into maps (so a
 * changed server option shows as `options.fetch_size`, not the whole map).
 */
export function describeChanges(spec: DiffSpec, olds: Bag, news: Bag): PropertyChange[] {
  const changes: PropertyChange[] = [];
  for (const key of diffInputs(spec, olds, news).changed) {
    const replace = spec.replace.includes(key);
    const before = olds[key] ?? null;
    const after = news[key] ?? null;
    if (key !== "connection" && isBag(before) && isBag(after)) {
      for (const sub of [...new Set([...Object.keys(before), ...Object.keys(after)])].sort()) {
        if (!sameValue(before[sub] ?? null, after[sub] ?? null)) {
          const kind = before[sub] === undefined ? "add" : after[sub] === undefined ? "delete" : "update";
          changes.push({ path: `${key}.${sub}`, kind, replace });
        }
      }
      continue;
    }
    changes.push({ path: key, kind: before === null ? "add" : after === null ? "delete" : "update", replace });
  }
  return changes;
}
