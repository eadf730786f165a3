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

/** One changed property, as `pulumi preview --diff` shows it. */
export interface PropertyChange {
  /** Property path, e.g. `options.fetch_size` or `attached`. */
  readonly path: string;
  /** Whether the property appears, disappears or changes. */
  readonly kind: "add" | "delete" | "update";
  /** Whether this change forces a replace. */
  readonly replace: boolean;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return !!value && typeof value === "object" && !Array.isArray(value);
}

/**
 * The changed properties behind a decision, one level into maps (so a
 * changed server option shows as `options.fetch_size`, not the whole map).
 */
export function describeChanges(spec: DiffSpec, olds: Record<string, unknown>, news: Record<string, unknown>): PropertyChange[] {
  const changes: PropertyChange[] = [];
  for (const key of diffInputs(spec, olds, news).changed) {
    const replace = spec.replace.includes(key);
    const before = olds[key] ?? null;
    const after = news[key] ?? null;
    if (key !== "connection" && isPlainObject(before) && isPlainObject(after)) {
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
