/**
 * MonitoringViews: the guide's monitoring views for one tiered table on the
 * main instance — `archive_health` (exact counts), `archive_health_estimated`
 * (statistics only) and `partition_query_stats` — generated from the
 * catalog, so every rotation, restore and decommission shows at once without
 * pgtier touching them. A view dropped by hand shows on refresh.
 */
import { withSession } from "../../db/client";
import { Reader } from "../../model/reader";
import { Connection, readConnection } from "../../model/types";
import {
  buildDropMonitoringSql,
  buildHealthCommentSql,
  buildHealthFunctionSql,
  healthComment,
  healthCommentSql,
  healthFunctionOf,
  watchedTableOf,
  buildHealthViewsSql,
  buildQueryStatsViewSql,
  viewsPresentSql,
} from "../../sql/monitoring";
import { validateMonitoringViewsArgs } from "../../validate/tables";
import { noOutputs, Operation, ResourceDefinition } from "../definition";

/** The views' inputs (defaults applied). */
export interface MonitoringViewsInputs {
  /** The main instance's database. */
  readonly connection: Connection;
  /** Schema the views go in. */
  readonly schema: string;
  /** The partitioned table they watch. */
  readonly parent: string;
  readonly parentSchema: string;
  /** Its partition key, for each partition's earliest and latest value. */
  readonly partitionKey: string;
  /** The health view's name. */
  readonly healthView: string;
  /** The query statistics view's name. */
  readonly statsView: string;
}

function readMonitoringInputs(r: Reader): MonitoringViewsInputs {
  return {
    connection: r.object("connection", readConnection),
    schema: r.text("schema"),
    parent: r.text("parent"),
    parentSchema: r.text("parentSchema"),
    partitionKey: r.text("partitionKey"),
    healthView: r.text("healthView"),
    statsView: r.text("statsView"),
  };
}

/** Every view this resource makes. */
function viewNames(v: MonitoringViewsInputs): string[] {
  return [v.healthView, `${v.healthView}_estimated`, v.statsView];
}

/** Creates or replaces the function and the views, in one transaction. */
async function apply(op: Operation, v: MonitoringViewsInputs, olds?: MonitoringViewsInputs): Promise<void> {
  const parent = { schema: v.parentSchema, name: v.parent };
  await withSession(op, v.connection, async (s) => {
    const found = await s.first<{ comment: string | null }>(healthCommentSql, [v.schema, healthFunctionOf(v.healthView)]);
    const ours = [healthComment(parent), ...(olds ? [healthComment({ schema: olds.parentSchema, name: olds.parent })] : [])];
    const mine = found !== undefined && ours.includes(found.comment ?? "");
    const present = (await s.rows<{ name: string }>(viewsPresentSql, [v.schema, viewNames(v)])).map((r) => r.name);
    if ((found && !mine) || (!mine && present.length > 0)) {
      const watched = watchedTableOf(found?.comment);
      const whose = watched ? `they watch ${watched}` : "pgtier did not make them";
      throw new Error(
        `${op.label}: ${present.join(", ") || `${v.healthView}_rows()`} already exist in ${v.schema}, and ${whose}; ` +
          `give this table's views other names (TieredTable monitoring.healthView and statsView), or drop those — nothing was changed`,
      );
    }
    await s.runAll([
      buildHealthFunctionSql(v.schema, v.healthView, parent, v.partitionKey),
      buildHealthCommentSql(v.schema, v.healthView, parent),
      ...buildHealthViewsSql(v.schema, v.healthView),
      buildQueryStatsViewSql(v.schema, v.statsView, parent),
    ]);
  });
}

async function dropAll(op: Operation, v: MonitoringViewsInputs): Promise<void> {
  await withSession(op, v.connection, (s) => s.runAll(buildDropMonitoringSql(v.schema, v.healthView, v.statsView)));
}

export const monitoringViews: ResourceDefinition<MonitoringViewsInputs, object> = {
  name: "MonitoringViews",
  // The views go beside the table unless told otherwise.
  defaults: (news) => ({
    parentSchema: "public",
    schema: news.parentSchema ?? "public",
    healthView: "archive_health",
    statsView: "partition_query_stats",
  }),
  diff: {
    update: ["connection", "parent", "parentSchema", "partitionKey"],
    replace: ["schema", "healthView", "statsView"],
    deleteBeforeReplace: true,
  },
  validate: (news) => validateMonitoringViewsArgs(news),
  decode: readMonitoringInputs,
  decodeOutputs: noOutputs,

  async create(op, v) {
    await apply(op, v);
    return { id: `${v.schema}.${v.healthView}`, outputs: {} };
  },

  /** Gone when every view is; one missing reads as a parent of "" (drift), for the update to make them again. */
  async read(op, _id, v) {
    const present = await withSession(op, v.connection, (s) => s.rows<{ name: string }>(viewsPresentSql, [v.schema, viewNames(v)]));
    if (present.length === 0) {
      return undefined;
    }
    return present.length === viewNames(v).length ? v : { ...v, parent: "" };
  },

  update: async (op, _id, olds, news) => {
    await apply(op, news, olds);
    return {};
  },

  delete: (op, _id, v) => dropAll(op, v),
};
