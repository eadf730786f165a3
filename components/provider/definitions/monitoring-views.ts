/**
 * MonitoringViews: the guide's monitoring views for one tiered table on the
 * main instance — `archive_health` (exact counts), `archive_health_estimated`
 * (statistics only) and `partition_query_stats` — generated from the
 * catalog, so every rotation, restore and decommission shows at once without
 * pgtier touching them; and its connection monitoring (`fdw_connections`,
 * `fdw_connections_by_server`), over a foreign table per archive server,
 * made again when the servers change. A view dropped by hand shows on refresh.
 */
import { withSession } from "../../db/client";
import { Reader } from "../../model/reader";
import { Connection, readConnection } from "../../model/types";
import {
  activityTableOf,
  buildActivityTableSql,
  buildConnectionViewsSql,
  buildDropActivityTableSql,
  buildDropConnectionViewsSql,
  connectionsByServerOf,
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
  /** The connection view's name (`<name>_by_server` beside it). */
  readonly connectionsView: string;
  /** The foreign servers whose postgres_fdw sessions it shows. */
  readonly servers: readonly string[];
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
    connectionsView: r.text("connectionsView"),
    servers: r.textList("servers"),
  };
}

/** Every view this resource makes. */
function viewNames(v: MonitoringViewsInputs): string[] {
  return [v.healthView, `${v.healthView}_estimated`, v.statsView, v.connectionsView, connectionsByServerOf(v.connectionsView)];
}

/**
 * The connection views made again over `v.servers`: the views first (they
 * read the foreign tables), the foreign tables of servers no longer listed
 * (dropped before their server is), then the new ones and the views.
 */
function connectionStatements(v: MonitoringViewsInputs, olds?: MonitoringViewsInputs): string[] {
  const gone = (olds?.servers ?? []).filter((server) => !v.servers.includes(server));
  return [
    ...buildDropConnectionViewsSql(v.schema, olds?.connectionsView ?? v.connectionsView),
    ...gone.map((server) => buildDropActivityTableSql(v.schema, olds?.connectionsView ?? v.connectionsView, server)),
    ...v.servers.map((server) => buildActivityTableSql(v.schema, v.connectionsView, server)),
    ...buildConnectionViewsSql(v.schema, v.connectionsView, v.servers),
  ];
}

/** A foreign table name over 63 bytes would be cut by PostgreSQL, and two servers' could meet. */
function checkActivityNames(op: Operation, v: MonitoringViewsInputs): void {
  const long = v.servers.map((server) => activityTableOf(v.connectionsView, server)).filter((name) => Buffer.byteLength(name) > 63);
  if (long.length > 0) {
    throw new Error(
      `${op.label}: ${long.join(", ")} (the connection view's foreign table per server) would be longer than 63 bytes; ` +
        `give the connection view a shorter name (monitoring.connectionsView) — nothing was changed`,
    );
  }
}

/** Creates or replaces the function and the views, in one transaction. */
async function apply(op: Operation, v: MonitoringViewsInputs, olds?: MonitoringViewsInputs): Promise<void> {
  checkActivityNames(op, v);
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
          `give this table's views other names (TieredTable monitoring.healthView, statsView and connectionsView), or drop those — nothing was changed`,
      );
    }
    await s.runAll([
      buildHealthFunctionSql(v.schema, v.healthView, parent, v.partitionKey),
      buildHealthCommentSql(v.schema, v.healthView, parent),
      ...buildHealthViewsSql(v.schema, v.healthView),
      buildQueryStatsViewSql(v.schema, v.statsView, parent),
      ...connectionStatements(v, olds),
    ]);
  });
}

async function dropAll(op: Operation, v: MonitoringViewsInputs): Promise<void> {
  await withSession(op, v.connection, (s) =>
    s.runAll([
      ...buildDropMonitoringSql(v.schema, v.healthView, v.statsView),
      ...buildDropConnectionViewsSql(v.schema, v.connectionsView),
      ...v.servers.map((server) => buildDropActivityTableSql(v.schema, v.connectionsView, server)),
    ]),
  );
}

export const monitoringViews: ResourceDefinition<MonitoringViewsInputs, object> = {
  name: "MonitoringViews",
  // The views go beside the table unless told otherwise.
  defaults: (news) => ({
    parentSchema: "public",
    schema: news.parentSchema ?? "public",
    healthView: "archive_health",
    statsView: "partition_query_stats",
    connectionsView: "fdw_connections",
    servers: [],
  }),
  diff: {
    update: ["connection", "parent", "parentSchema", "partitionKey", "servers"],
    replace: ["schema", "healthView", "statsView", "connectionsView"],
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
