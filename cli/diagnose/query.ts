/**
 * The guide's troubleshooting issues 4 and 5 for one query: does its plan
 * prune the partitions its WHERE clause rules out, and does every Foreign
 * Scan send its conditions to the archive instead of filtering on the main
 * instance? Pure: decided from the plan's summary and the table's partitions.
 */
import { quoteLiteral } from "../../components/sql/quote";
import { PlanSummary, remoteWhere } from "./plan";
import { fail, ok, Verdict } from "./verdict";

/** The check names, as the doctor prints them. */
export const QUERY_CHECKS = Object.freeze({ pruning: "query pruning", pushdown: "query pushdown" });

/** One partition of the tiered table. */
export interface PartitionRef {
  readonly name: string;
  /** Its foreign server; none for a local partition. */
  readonly server?: string;
}

/** The table the query reads, as the checks need it. */
export interface QueryTable {
  readonly name: string;
  readonly partitionKey: string;
  readonly partitions: readonly PartitionRef[];
}

/** The identifier pattern of `key`, bare, qualified (`employees.hire_date`) or quoted. */
function keyPattern(key: string): string {
  const escaped = key.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  return `(?<![\\w$"])(?:[\\w$]+\\.|"(?:[^"]|"")+"\\.)?(?:${escaped}|"${escaped}")(?![\\w$"])`;
}

/**
 * Whether `condition` uses `key` inside an expression (a function, EXTRACT,
 * a cast) instead of comparing the column itself with a value: the planner
 * can prune partitions only by comparisons of the column itself.
 */
export function wrapsKey(condition: string, key: string): boolean {
  const re = new RegExp(keyPattern(key), "g");
  for (const m of condition.matchAll(re)) {
    const before = condition.slice(0, m.index);
    const after = condition.slice(m.index! + m[0].length);
    const compared = /^\s*(=|<>|!=|<=|>=|<|>|IS\s|~~|BETWEEN\s)/i.test(after) || /(=|<>|!=|<=|>=|<|>)\s*$/.test(before);
    if (!compared) {
      return true;
    }
  }
  return false;
}

/** Whether `condition` mentions `key` at all. */
export function mentionsKey(condition: string, key: string): boolean {
  return new RegExp(keyPattern(key)).test(condition);
}

/**
 * The guide's rewrite of `EXTRACT(YEAR FROM key) = 2024` (or
 * `date_part('year', key) = 2024`) in `sql`: the same rows as a range on
 * the key, which prunes. Undefined when the query has no such condition.
 */
export function rangeRewrite(sql: string, key: string): string | undefined {
  const k = `((?:[\\w$]+\\.)?(?:${key}|"${key}"))`;
  const year = `'?(\\d{4})'?(?:::[\\w ]+)?`;
  const patterns = [
    new RegExp(`EXTRACT\\s*\\(\\s*YEAR\\s+FROM\\s+${k}\\s*\\)\\s*=\\s*${year}`, "i"),
    new RegExp(`date_part\\s*\\(\\s*'year'(?:::text)?\\s*,\\s*${k}\\s*\\)\\s*=\\s*${year}`, "i"),
  ];
  for (const re of patterns) {
    const m = re.exec(sql);
    if (m) {
      const y = Number(m[2]);
      return `${m[0]} as ${m[1]} >= ${quoteLiteral(`${y}-01-01`)} AND ${m[1]} < ${quoteLiteral(`${y + 1}-01-01`)}`;
    }
  }
  return undefined;
}

/** Every condition a scan applies: the main instance's and the WHERE it sends to its archive. */
function conditionsOf(scan: PlanSummary["scans"][number]): string[] {
  const remote = scan.remoteSql ? remoteWhere(scan.remoteSql) : undefined;
  return [...scan.localConditions, ...(remote ? [remote] : [])];
}

/**
 * Pruning: a plan that reads every partition although its conditions on the
 * partition key go through an expression fails (the guide's
 * `EXTRACT(YEAR FROM hire_date) = 2024`). A plan reading every partition
 * because the query asks for every period is fine.
 */
export function pruningVerdict(table: QueryTable, plan: PlanSummary, sql: string): Verdict {
  const names = new Set(table.partitions.map((p) => p.name));
  const scanned = [...new Set(plan.scans.flatMap((s) => s.relations).filter((r) => names.has(r)))].sort();
  const object = `${table.name} (${table.partitions.length} partitions)`;
  const reads = `reads ${scanned.length ? scanned.join(", ") : "no partition"}`;
  const conditions = plan.scans.flatMap(conditionsOf);
  const wrapped = conditions.filter((c) => wrapsKey(c, table.partitionKey));
  if (table.partitions.length > 1 && scanned.length === table.partitions.length && wrapped.length > 0) {
    const rewrite = rangeRewrite(sql, table.partitionKey);
    return fail(
      QUERY_CHECKS.pruning,
      object,
      `the plan ${reads}: every partition, because its condition on ${table.partitionKey} goes through an expression (${wrapped[0]}), which partition pruning cannot use`,
      rewrite
        ? `rewrite ${rewrite}`
        : `compare ${table.partitionKey} itself with constants, as a range: ${table.partitionKey} >= '<from>' AND ${table.partitionKey} < '<to>'`,
    );
  }
  const removed = plan.subplansRemoved ? `, ${plan.subplansRemoved} removed at run time` : "";
  return ok(QUERY_CHECKS.pruning, object, `${reads}${removed}`);
}

/**
 * Pushdown: a Foreign Scan that still has a Filter on the main instance
 * fetches rows the condition throws away; postgres_fdw sends only conditions
 * made of built-in immutable functions and operators.
 */
export function pushdownVerdicts(table: QueryTable, plan: PlanSummary, sql: string): Verdict[] {
  const servers = new Map(table.partitions.filter((p) => p.server).map((p) => [p.name, p.server!]));
  const foreign = plan.scans.filter((s) => s.nodeType === "Foreign Scan" && s.relations.some((r) => servers.has(r)));
  if (foreign.length === 0) {
    return [ok(QUERY_CHECKS.pushdown, table.name, "the plan reads no archive partition")];
  }
  return foreign.map((scan) => {
    const name = scan.relations.find((r) => servers.has(r))!;
    const object = `${name} on ${servers.get(name)}`;
    const filters = scan.localConditions;
    if (filters.length === 0) {
      const where = scan.remoteSql ? remoteWhere(scan.remoteSql) : undefined;
      return ok(QUERY_CHECKS.pushdown, object, where ? `the archive filters: WHERE ${where}` : "no condition to send");
    }
    const sent =
      scan.remoteSql && remoteWhere(scan.remoteSql) ? `sends only WHERE ${remoteWhere(scan.remoteSql)}` : "sends no WHERE at all";
    const rewrite = rangeRewrite(sql, table.partitionKey);
    return fail(
      QUERY_CHECKS.pushdown,
      object,
      `the WHERE clause is not pushed down: the main instance filters ${filters.join(" AND ")} after fetching the rows, and the archive ${sent}`,
      `use only built-in immutable functions and operators on the archive's columns in the WHERE clause (postgres_fdw does not send others, e.g. to_char, now() or your own functions)${rewrite ? `; rewrite ${rewrite}` : `, e.g. a range on ${table.partitionKey}`}`,
    );
  });
}
