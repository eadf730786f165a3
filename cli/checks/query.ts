/**
 * Runs the query check: `EXPLAIN (VERBOSE, FORMAT JSON)` of the user's query
 * on the main instance, in a READ ONLY transaction that is rolled back,
 * then the pruning and pushdown verdicts on its plan.
 */
import { Session } from "../../components/db/session";
import { statementCount } from "../../components/sql/scan";
import { Progress } from "../../components/model/operation";
import { causeOf } from "../db/probes";
import { TieredCatalog } from "../db/tiered-catalog";
import { reasonOf } from "../diagnose/connections";
import { summarizePlan } from "../diagnose/plan";
import { pruningVerdict, pushdownVerdicts, QUERY_CHECKS, QueryTable } from "../diagnose/query";
import { fail, Verdict } from "../diagnose/verdict";
import { buildExplainSql } from "../sql/diagnostics";

/** The query's verdicts; a query PostgreSQL cannot plan is one failure saying why. */
export async function checkQuery(
  main: Session,
  tableName: string,
  catalog: TieredCatalog,
  query: string,
  progress: Progress,
): Promise<Verdict[]> {
  if (statementCount(query) > 1) {
    // Sent as one text, a second statement would run (not be explained), and could end the READ ONLY transaction first.
    return [fail(QUERY_CHECKS.pruning, "the query", "--query holds more than one statement", "give one SELECT statement")];
  }
  progress(`planning the query on the main instance (EXPLAIN VERBOSE)`);
  let plan: unknown;
  await main.begin();
  try {
    await main.run("SET TRANSACTION READ ONLY");
    const rows = await main.rows<{ "QUERY PLAN": unknown }>(buildExplainSql(query));
    plan = rows[0]?.["QUERY PLAN"];
  } catch (err) {
    const e = causeOf(err);
    return [
      fail(
        QUERY_CHECKS.pruning,
        "the query",
        `EXPLAIN failed: ${reasonOf(e)}`,
        `fix the query, or the failures above if it reads an archive`,
      ),
    ];
  } finally {
    await main.end(false);
  }
  const table: QueryTable = {
    name: tableName,
    partitionKey: catalog.partitionKey,
    partitions: catalog.partitions.map((p) => ({ name: p.name, ...(p.server ? { server: p.server } : {}) })),
  };
  const summary = summarizePlan(typeof plan === "string" ? JSON.parse(plan) : plan);
  return [pruningVerdict(table, summary, query), ...pushdownVerdicts(table, summary, query)];
}
