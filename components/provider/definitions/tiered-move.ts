/**
 * A TieredPartition's tier change as a move of its rows: where they are,
 * where they go, how the target is made, and what the cutover runs, for
 * each kind the tier-change plan knows (archive, restore, move).
 */
import { archiveTableOf, ArchiveTarget, foreignTableOptions, grantsFor } from "../../model/rotation";
import { TableName } from "../../model/types";
import { TierChange } from "../../planner/plan-tier-change";
import { buildArchiveCutoverSql, buildMoveCutoverSql, buildRestoreCutoverSql, incomingOf } from "../../sql/cutover";
import { buildForeignTableProbeSql } from "../../sql/fdw";
import { buildTableGrantsSql } from "../../sql/roles";
import { keptArchiveName } from "../../sql/rotation";
import { archiveIndex, buildCreateArchiveTableSql, buildCreateIncomingTableSql } from "../../sql/tables";
import { Operation } from "../definition";
import { applyTierMove } from "../rotation/apply-tier-move";
import { TableAt, TierMove } from "../rotation/tier-move";
import { boundsOf, parentOf, partitionOf } from "./partition";
import { TieredPartitionInputs, TieredPartitionOutputs } from "./tiered-values";

/** A change that moves rows. */
type Move = Exclude<TierChange, { kind: "none" }>;

/** The archive table of an archived partition, on its instance. */
function archiveTableAt(p: TieredPartitionInputs, archive: ArchiveTarget): TableAt {
  return { connection: archive.connection, table: archiveTableOf(p.name, archive) };
}

/** The archive target of inputs the plan says are archived; anything else is a bug of the caller. */
function archiveOf(op: Operation, p: TieredPartitionInputs): ArchiveTarget {
  if (p.tier !== "archive") {
    throw new Error(`${op.label}: the tier-change plan moved rows from or to an archive, but the partition is not archived there`);
  }
  return p.archive;
}

/** What is common to every move of this partition. */
function common(op: Operation, news: TieredPartitionInputs, change: Move) {
  return {
    op,
    kind: change.kind,
    steps: change.steps,
    main: news.connection,
    parent: parentOf(news),
    partition: partitionOf(news),
    bounds: boundsOf(news),
    shape: news,
    batchSize: news.batchSize,
    lockTimeoutMs: news.lockTimeoutMs,
    attempts: news.attempts,
  };
}

/** Rows going to an archive (archive, or move): the target is the new archive's table, the cutover a new foreign partition. */
function toArchive(op: Operation, olds: TieredPartitionInputs, news: TieredPartitionInputs, change: Move): TierMove {
  const archive = archiveOf(op, news);
  const target = archiveTableAt(news, archive);
  const spec = {
    parent: parentOf(news),
    partition: partitionOf(news),
    bounds: boundsOf(news),
    server: archive.server,
    options: foreignTableOptions(news.options, target.table),
  };
  const fromLocal = change.kind === "archive";
  return {
    ...common(op, news, change),
    source: fromLocal ? { connection: news.connection, table: partitionOf(news) } : archiveTableAt(olds, archiveOf(op, olds)),
    target,
    createTarget: buildCreateArchiveTableSql(target.table, news.columns, news.partitionKey, boundsOf(news), []),
    targetGrants: buildTableGrantsSql(target.table, grantsFor(archive)),
    targetIndexes: news.indexes.map((ix) => archiveIndex(target.table.name, ix)),
    copyMethod: fromLocal ? news.copyMethod : "pipe",
    server: archive.server,
    cutover: fromLocal ? buildArchiveCutoverSql({ ...spec, keepLocal: news.keepLocal }) : buildMoveCutoverSql(spec),
    probe: buildForeignTableProbeSql(partitionOf(news)),
    placed: { tier: "archive", archive: archive.server },
    sourceIsPartition: fromLocal,
    keepSourceAs: fromLocal || !news.keepArchive ? undefined : keptArchiveName(olds.name),
  };
}

/** Rows coming back to the main instance: copied into a new table there, which the cutover attaches in the foreign partition's place. */
function toLocal(op: Operation, olds: TieredPartitionInputs, news: TieredPartitionInputs, change: Move): TierMove {
  const partition = partitionOf(news);
  const incoming: Required<TableName> = incomingOf(partition);
  const source = archiveTableAt(olds, archiveOf(op, olds));
  return {
    ...common(op, news, change),
    source,
    target: { connection: news.connection, table: incoming },
    createTarget: [buildCreateIncomingTableSql(incoming, parentOf(news), news.partitionKey, boundsOf(news), partition.name)],
    // Privileges on the main instance's table are the parent's business, not pgtier's.
    targetGrants: [],
    // Named as the partition's own, which the incoming table becomes.
    targetIndexes: news.indexes.map((ix) => archiveIndex(partition.name, ix)),
    copyMethod: "pipe",
    server: "",
    cutover: buildRestoreCutoverSql({ parent: parentOf(news), partition, bounds: boundsOf(news), incoming }),
    placed: { tier: "local" },
    sourceIsPartition: false,
    keepSourceAs: news.keepArchive ? keptArchiveName(source.table.name) : undefined,
  };
}

/** Carries out the plan's move; the outputs record what an archive now holds (nothing, once local again). */
export async function moveRows(
  op: Operation,
  olds: TieredPartitionInputs,
  news: TieredPartitionInputs,
  change: Move,
): Promise<TieredPartitionOutputs> {
  const move = change.kind === "restore" ? toLocal(op, olds, news, change) : toArchive(op, olds, news, change);
  const outcome = await applyTierMove(move);
  return change.kind === "restore" ? {} : { archivedRows: outcome.rows, archivedChecksum: outcome.checksum };
}
