/**
 * TieredPartition: one period of a partitioned table, wherever its rows are.
 * Local: a plain table attached to the parent. Archive: an archive table on
 * an archive instance plus the foreign partition on the main instance that
 * points at it. Changing the tier from local to archive is an update that
 * moves the rows (rotation/archive-partition.ts); deleting an archived
 * partition is a decommission with a verified backup (rotation/decommission.ts).
 */
import { runInTransaction, runThenProbe, withClient, withDetail } from "../../db/client";
import { diffSpecs } from "../../diff/specs";
import { ColumnSpec, Connection, IndexSpec } from "../../model/types";
import { foreignTableSql, parseOptions } from "../../sql/catalog";
import { buildAlterForeignTableOptionsSql, buildCreateForeignPartitionSql, buildForeignTableProbeSql } from "../../sql/fdw";
import {
  archiveIndex,
  buildAddColumnSql,
  buildCreateArchiveTableSql,
  buildCreateIndexSql,
  buildCreateLocalPartitionSql,
  buildDropIndexSql,
  TableName,
} from "../../sql/tables";
import { validateTieredPartitionArgs } from "../../validate/tiered";
import { HandlerContext, Props, quietContext, ResourceHandler } from "../handler";
import { applyArchiveRotation } from "../rotation/archive-partition";
import { CopyMethod } from "../rotation/copy";
import { applyDecommission, BackupSettings } from "../rotation/decommission";
import { connectionOf, firstRow, qualifiedId } from "./common";
import { boundsOf, parentOf, partitionOf, readPartition, reattachStatements } from "./partitions";
import { addedColumns, indexChanges, readRelation } from "./relations";

/** Where an archived partition's rows live. */
interface ArchiveTarget {
  readonly connection: Connection;
  readonly server: string;
  readonly schema?: string;
}

function targetOf(props: Props): ArchiveTarget {
  return props.archive as ArchiveTarget;
}

/** The archive table: same name as the partition, in the target's schema. */
function archiveTableOf(props: Props): TableName {
  return { schema: targetOf(props).schema ?? "public", name: props.name as string };
}

/** Foreign table options: where the rows are, plus postgres_fdw's own. */
function foreignOptions(props: Props): Record<string, string> {
  const table = archiveTableOf(props);
  return { ...((props.options as Record<string, string> | undefined) ?? {}), schema_name: table.schema as string, table_name: table.name };
}

function columnsOf(props: Props): ColumnSpec[] {
  return props.columns as ColumnSpec[];
}

/** Creates the archive table, then the foreign partition, reading through it once before committing. */
async function createArchived(label: string, inputs: Props): Promise<void> {
  const target = targetOf(inputs);
  await withClient(label, target.connection, async (c) => {
    if (!(await readRelation(c, archiveTableOf(inputs).schema as string, inputs.name as string))) {
      await runInTransaction(
        label,
        c,
        buildCreateArchiveTableSql(
          archiveTableOf(inputs),
          columnsOf(inputs),
          inputs.partitionKey as string,
          boundsOf(inputs),
          inputs.indexes as IndexSpec[],
        ),
      );
    }
  });
  const statements = buildCreateForeignPartitionSql(
    parentOf(inputs),
    partitionOf(inputs),
    boundsOf(inputs),
    target.server,
    foreignOptions(inputs),
  );
  await withClient(label, connectionOf(inputs), (c) =>
    runThenProbe(
      label,
      c,
      statements,
      [buildForeignTableProbeSql(partitionOf(inputs))],
      (e) =>
        `cannot read ${inputs.name as string} on the archive instance through server ${JSON.stringify(target.server)}: ${withDetail(e)} — ` +
        `check the ForeignServer and UserMapping (host, port, user, password as the main instance sees them)`,
    ),
  );
}

/** Columns added and indexes changed on an archived partition's archive table (the parent cascades them to local ones). */
async function evolveArchiveTable(label: string, olds: Props, news: Props): Promise<void> {
  const table = archiveTableOf(news);
  const name = news.name as string;
  const { drop, create } = indexChanges(olds.indexes as IndexSpec[], news.indexes as IndexSpec[]);
  const statements = [
    ...addedColumns(columnsOf(olds), columnsOf(news)).map((c) => buildAddColumnSql(table, c)),
    ...drop.map((ix) => buildDropIndexSql(table, archiveIndex(name, ix).name)),
    ...create.map((ix) => buildCreateIndexSql(table, archiveIndex(name, ix))),
  ];
  await withClient(label, targetOf(news).connection, (c) => runInTransaction(label, c, statements));
}

export const tieredPartition: ResourceHandler = {
  spec: diffSpecs.TieredPartition,
  validate: (news, olds) => validateTieredPartitionArgs(news, olds),
  defaults: (news) => ({
    schema: "public",
    parentSchema: "public",
    attached: true,
    indexes: [],
    options: {},
    copyMethod: "pipe",
    batchSize: 10000,
    keepLocal: false,
    lockTimeoutMs: 2000,
    attempts: 10,
    ...news,
  }),
  idFor: qualifiedId,

  async create(label, inputs) {
    if (inputs.tier === "archive") {
      await createArchived(label, inputs);
    } else {
      const statements = buildCreateLocalPartitionSql(parentOf(inputs), partitionOf(inputs), boundsOf(inputs));
      await withClient(label, connectionOf(inputs), (c) => runInTransaction(label, c, statements));
    }
    return { id: qualifiedId(inputs), outs: inputs };
  },

  async read(label, id, props) {
    return withClient(label, connectionOf(props), async (c) => {
      const info = await readRelation(c, partitionOf(props).schema as string, props.name as string);
      if (!info || (info.kind !== "r" && info.kind !== "f")) {
        return undefined;
      }
      const state = (await readPartition(c, props, info.kind as "r" | "f")) as Props;
      if (info.kind === "r") {
        return { id, props: { ...state, tier: "local" } };
      }
      const row = await firstRow<{ server: string; options: string[] }>(c, foreignTableSql, [info.oid]);
      const { schema_name, table_name, ...options } = parseOptions(row?.options);
      const known = (props.archive as ArchiveTarget | undefined) ?? ({} as ArchiveTarget);
      // Only what the catalog can contradict; an unset schema means public.
      const archive = { ...known, server: row?.server, ...(schema_name !== (known.schema ?? "public") ? { schema: schema_name } : {}) };
      // A foreign table pointing at another table name is drift the program cannot express; keep it visible.
      const drift = table_name !== props.name ? { remoteTable: table_name } : {};
      return { id, props: { ...state, ...drift, tier: "archive", archive, options } };
    });
  },

  async update(label, _id, olds, news, ctx: HandlerContext = quietContext) {
    if (olds.tier === "local" && news.tier === "archive") {
      const target = targetOf(news);
      const outcome = await applyArchiveRotation({
        label,
        main: connectionOf(news),
        archive: target.connection,
        parent: parentOf(news),
        partition: partitionOf(news),
        archiveTable: archiveTableOf(news),
        bounds: boundsOf(news),
        columns: columnsOf(news),
        partitionKey: news.partitionKey as string,
        indexes: news.indexes as IndexSpec[],
        server: target.server,
        foreignOptions: foreignOptions(news),
        method: news.copyMethod as CopyMethod,
        batchSize: news.batchSize as number,
        keepLocal: news.keepLocal === true,
        lockTimeoutMs: news.lockTimeoutMs as number,
        attempts: news.attempts as number,
        progress: ctx.progress,
      });
      return { ...news, archivedRows: outcome.rows, archivedChecksum: outcome.checksum };
    }
    const statements = reattachStatements(olds, news);
    if (news.tier === "archive") {
      const alter = buildAlterForeignTableOptionsSql(partitionOf(news), foreignOptions(olds), foreignOptions(news));
      if (alter) {
        statements.push(alter);
      }
      await evolveArchiveTable(label, olds, news);
    }
    await withClient(label, connectionOf(news), (c) => runInTransaction(label, c, statements));
    return { ...olds, ...news };
  },

  async delete(label, _id, props, ctx: HandlerContext = quietContext) {
    // Whichever tier it is in, a partition's rows are backed up before they
    // are dropped: an as-of date that jumps past the archive window retires
    // local partitions too, and `pulumi destroy` deletes every partition.
    const local = props.tier !== "archive";
    await applyDecommission({
      label,
      main: connectionOf(props),
      holder: local ? connectionOf(props) : targetOf(props).connection,
      partition: partitionOf(props),
      table: local ? partitionOf(props) : archiveTableOf(props),
      local,
      bounds: boundsOf(props),
      columns: columnsOf(props).map((c) => c.name),
      partitionKey: props.partitionKey as string,
      backup: props.backup as BackupSettings | undefined,
      progress: ctx.progress,
    });
  },
};
