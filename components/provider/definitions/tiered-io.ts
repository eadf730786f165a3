/** What a TieredPartition does in PostgreSQL: create, refresh, evolve, archive and decommission one period. */
import { readForeignTable, readPartition, readRelation } from "../../db/catalog";
import { splitForeignTableOptions } from "../../sql/catalog";
import { withSession } from "../../db/client";
import { withDetail } from "../../db/session";
import { archiveTableOf, ArchiveTarget, foreignTableOptions, grantsFor } from "../../model/rotation";
import { columnNamesOf } from "../../model/table-shape";
import { buildAlterForeignTableOptionsSql, buildCreateForeignPartitionSql, buildForeignTableProbeSql } from "../../sql/fdw";
import { archiveIndex, buildCreateArchiveTableSql, buildCreateLocalPartitionSql, buildTableEvolutionSql } from "../../sql/tables";
import { buildTableGrantsSql, existingRolesSql } from "../../sql/roles";
import { invalidInputs } from "../../errors";
import { Operation } from "../definition";
import { applyDecommission } from "../rotation/decommission";
import { removeLeftoverCapture, removeLeftoverIncoming } from "../rotation/leftovers";
import { incomingOf } from "../../sql/cutover";
import { boundsOf, parentOf, partitionOf, reattachSql } from "./partition";
import { explainPartitionsInTheWay } from "./tiered-adopt";
import { TieredPartitionInputs, TieredPartitionOutputs } from "./tiered-values";

/** A tiered partition that is archived. */
type Archived = TieredPartitionInputs & { readonly tier: "archive"; readonly archive: ArchiveTarget };

/** The foreign partition's table options: where its rows are, plus postgres_fdw's own. */
function foreignOptionsOf(p: Archived): Record<string, string> {
  return foreignTableOptions(p.options, archiveTableOf(p.name, p.archive));
}

/**
 * Creates the archive table (unless there) with its grants, then the
 * foreign partition, reading through it once before committing.
 */
async function createArchived(op: Operation, p: Archived): Promise<void> {
  const table = archiveTableOf(p.name, p.archive);
  const grants = buildTableGrantsSql(table, grantsFor(p.archive));
  await withSession(op, p.archive.connection, async (s) => {
    const create = (await readRelation(s, table))
      ? []
      : buildCreateArchiveTableSql(table, p.columns, p.partitionKey, boundsOf(p), p.indexes);
    await s.runAll([...create, ...grants]);
  });
  const statements = buildCreateForeignPartitionSql(parentOf(p), partitionOf(p), boundsOf(p), p.archive.server, foreignOptionsOf(p));
  await withSession(op, p.connection, (s) =>
    s.runThenProbe(
      statements,
      [buildForeignTableProbeSql(partitionOf(p))],
      (e) =>
        `cannot read ${p.name} on the archive instance through server ${JSON.stringify(p.archive.server)}: ${withDetail(e)} — ` +
        `check the ForeignServer and UserMapping (host, port, user, password as the main instance sees them)`,
    ),
  );
}

/**
 * Creates the period where its tier puts it. When PostgreSQL refuses because
 * another partition of the parent stands in its way, the error names it and
 * the fix.
 */
export async function createPartition(op: Operation, p: TieredPartitionInputs): Promise<void> {
  try {
    if (p.tier === "archive") {
      await createArchived(op, p);
      return;
    }
    await withSession(op, p.connection, (s) => s.runAll(buildCreateLocalPartitionSql(parentOf(p), partitionOf(p), boundsOf(p))));
  } catch (err) {
    const explained = await explainPartitionsInTheWay(op, p).catch(() => undefined);
    throw explained ? new Error(explained, { cause: err }) : err;
  }
}

/**
 * The period as the catalog shows it: local or foreign, attached or not,
 * its bounds, and for a foreign partition its server, schema and options.
 */
export async function readTieredPartition(
  op: Operation,
  p: TieredPartitionInputs,
  stored: TieredPartitionOutputs | undefined,
): Promise<(TieredPartitionInputs & TieredPartitionOutputs) | undefined> {
  return withSession(op, p.connection, async (s) => {
    const found = await readPartition(s, partitionOf(p), parentOf(p), boundsOf(p));
    if (found?.kind !== "r" && found?.kind !== "f") {
      return undefined;
    }
    const state = { ...p, ...stored, attached: found.attached, from: found.from, to: found.to };
    if (found.kind === "r") {
      return { ...state, tier: "local" };
    }
    const table = await readForeignTable(s, found.oid);
    if (!p.archive) {
      refuseUnlessRefresh(op, p, table?.server, stored);
      return state;
    }
    const { remote, options } = splitForeignTableOptions(table?.options ?? {}, partitionOf(p));
    const known = p.archive;
    // Only what the catalog can contradict; an unset schema means public.
    const archive = {
      ...known,
      server: table?.server ?? known.server,
      schema: remote.schema !== (known.schema ?? "public") ? remote.schema : known.schema,
    };
    // A foreign table pointing at another table name is drift the program cannot express; keep it visible.
    return { ...state, tier: "archive", archive, options, remoteTable: remote.name !== p.name ? remote.name : undefined };
  });
}

/**
 * A foreign partition where pgtier knows of no archive (its inputs are
 * local). On refresh, a cutover that committed after the state was last
 * written: the partition keeps its stored tier, and the next update finds
 * the cutover done and completes it. On adoption, an object that differs
 * from the program: refused.
 */
function refuseUnlessRefresh(
  op: Operation,
  p: TieredPartitionInputs,
  server: string | undefined,
  stored: TieredPartitionOutputs | undefined,
): void {
  if (stored === undefined) {
    throw invalidInputs(op.label, [
      {
        property: "tier",
        reason: `${p.schema}.${p.name} already exists as a foreign partition (through server ${JSON.stringify(server)}) and the program makes it local; drop it, or change the program to match it`,
      },
    ]);
  }
}

/**
 * In place, no rows moving: re-attach, new foreign table options, columns
 * added and indexes changed on the archive table; and what an interrupted
 * move that the program no longer asks for left behind is removed.
 */
export async function evolvePartition(op: Operation, olds: TieredPartitionInputs, news: TieredPartitionInputs): Promise<void> {
  const statements = reattachSql(olds, news);
  if (news.tier === "archive") {
    const alter =
      olds.tier === "archive" && buildAlterForeignTableOptionsSql(partitionOf(news), foreignOptionsOf(olds), foreignOptionsOf(news));
    if (alter) {
      statements.push(alter);
    }
    // The parent cascades new columns and indexes to local partitions; archive tables get them here.
    const table = archiveTableOf(news.name, news.archive);
    const grants = grantsFor(news.archive, olds.tier === "archive" ? olds.archive : undefined);
    await withSession(op, news.archive.connection, async (s) => {
      await removeLeftoverCapture(op, s, table);
      // A role dropped since (by hand, say) holds nothing to revoke, and REVOKE would fail naming it.
      const existing = new Set((await s.rows<{ name: string }>(existingRolesSql, [grants.map((g) => g.role)])).map((r) => r.name));
      await s.runAll([
        ...buildTableEvolutionSql(table, olds, news, (ix) => archiveIndex(news.name, ix)),
        ...buildTableGrantsSql(
          table,
          grants.filter((g) => g.privileges.length > 0 || existing.has(g.role)),
        ),
      ]);
    });
  }
  await withSession(op, news.connection, async (s) => {
    if (news.tier === "local") {
      await removeLeftoverCapture(op, s, partitionOf(news));
      await removeLeftoverIncoming(op, s, incomingOf(partitionOf(news)));
    }
    await s.runAll(statements);
  });
}

/**
 * Whichever tier it is in, a partition's rows are backed up before they are
 * dropped: an as-of date that jumps past the archive window retires local
 * partitions too, and `pulumi destroy` deletes every partition.
 */
export async function decommission(op: Operation, p: TieredPartitionInputs): Promise<void> {
  const archived = p.tier === "archive" ? p.archive : undefined;
  await applyDecommission({
    op,
    main: p.connection,
    holder: archived?.connection ?? p.connection,
    partition: partitionOf(p),
    table: archived ? archiveTableOf(p.name, archived) : partitionOf(p),
    local: !archived,
    bounds: boundsOf(p),
    columns: columnNamesOf(p),
    partitionKey: p.partitionKey,
    backup: p.backup,
  });
}
