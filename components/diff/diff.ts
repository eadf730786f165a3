/** The one place that decides, per resource type, which changes update in place and which replace. */
import { isUnknown } from "../validate/common";

/** How a resource type reacts to a change of each of its inputs. */
export interface DiffSpec {
  /** Inputs PostgreSQL or Docker can change in place (an update). */
  readonly update: readonly string[];
  /** Inputs that need the object dropped and created again (a replace). */
  readonly replace: readonly string[];
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
  if (value && typeof value === "object") {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .filter((k) => (value as Record<string, unknown>)[k] !== undefined && (value as Record<string, unknown>)[k] !== null)
        .map((k) => [k, normalize((value as Record<string, unknown>)[k])]),
    );
  }
  return value;
}

/**
 * Compares old state with new inputs over the inputs a spec names. Anything
 * else in the old state (computed outputs) is ignored. Optional inputs
 * compare equal when absent on both sides.
 */
export function diffInputs(spec: DiffSpec, olds: Record<string, unknown>, news: Record<string, unknown>): DiffDecision {
  const changed = [...spec.replace, ...spec.update].filter((key) => !sameValue(olds[key] ?? null, news[key] ?? null));
  const replaces = changed.filter((key) => spec.replace.includes(key));
  return {
    changes: changed.length > 0,
    replaces,
    deleteBeforeReplace: replaces.length > 0 && spec.deleteBeforeReplace === true,
    changed,
  };
}
