/**
 * Reading a plan from `EXPLAIN (VERBOSE, FORMAT JSON)`: which relations it
 * scans, with which conditions, and what each Foreign Scan sends to its
 * archive. Pure: JSON in, frozen values out.
 */
import { isBag } from "../../components/model/reader";

/** One scan of a relation in a plan. */
export interface PlanScan {
  /** The node type, e.g. `Seq Scan`, `Foreign Scan`. */
  readonly nodeType: string;
  /** The relations it reads (a Foreign Scan that joins or aggregates remotely reads several). */
  readonly relations: readonly string[];
  /** Conditions checked on the main instance: Filter, Index Cond, Recheck Cond. */
  readonly localConditions: readonly string[];
  /** The SQL a Foreign Scan sends to its archive. */
  readonly remoteSql?: string;
}

/** What a plan reads. */
export interface PlanSummary {
  readonly scans: readonly PlanScan[];
  /** Partitions an Append left out when the executor started (`Subplans Removed`). */
  readonly subplansRemoved: number;
}

const CONDITIONS = ["Filter", "Index Cond", "Recheck Cond"];

/**
 * The relations named in a Foreign Scan's `Relations` text, where postgres_fdw
 * prints each as `(schema.name alias)`: `Aggregate on (public.emp_2024 employees)`,
 * `(public.a x) INNER JOIN (public.b y)`.
 */
function relationsText(text: string): string[] {
  return [...text.matchAll(/\(((?:"(?:[^"]|"")*"|[^()\s"])+)\s+[^()\s]+\)/g)].map((m) => {
    const parts = m[1].match(/"(?:[^"]|"")+"|[^.]+/g) ?? [m[1]];
    const name = parts[parts.length - 1];
    return name.startsWith('"') ? name.slice(1, -1).replace(/""/g, '"') : name;
  });
}

/** The scans and pruning of an `EXPLAIN (VERBOSE, FORMAT JSON)` result (its one row's `QUERY PLAN` value). */
export function summarizePlan(explain: unknown): PlanSummary {
  const root = Array.isArray(explain) ? explain[0] : explain;
  if (!isBag(root) || !isBag(root.Plan)) {
    throw new Error(`not an EXPLAIN (FORMAT JSON) result: expected [{"Plan": {...}}]`);
  }
  const scans: PlanScan[] = [];
  let subplansRemoved = 0;
  const walk = (node: Record<string, unknown>): void => {
    const text = (key: string) => (typeof node[key] === "string" ? (node[key] as string) : undefined);
    if (typeof node["Subplans Removed"] === "number") {
      subplansRemoved += node["Subplans Removed"] as number;
    }
    const relation = text("Relation Name");
    const relations = relation ? [relation] : text("Relations") ? relationsText(text("Relations")!) : [];
    if (relations.length > 0) {
      scans.push(
        Object.freeze({
          nodeType: text("Node Type") ?? "",
          relations: Object.freeze(relations),
          localConditions: Object.freeze(CONDITIONS.map(text).filter((c): c is string => c !== undefined)),
          ...(text("Remote SQL") ? { remoteSql: text("Remote SQL") } : {}),
        }),
      );
    }
    for (const child of Array.isArray(node.Plans) ? node.Plans : []) {
      if (isBag(child)) {
        walk(child as Record<string, unknown>);
      }
    }
  };
  walk(root.Plan as Record<string, unknown>);
  return Object.freeze({ scans: Object.freeze(scans), subplansRemoved });
}

/** The WHERE clause of a Remote SQL statement, if it has one. */
export function remoteWhere(remoteSql: string): string | undefined {
  const at = remoteSql.search(/\sWHERE\s/);
  return at < 0 ? undefined : remoteSql.slice(at).replace(/^\s*WHERE\s+/, "");
}
