/**
 * Moving a partition's rows between tiers, online, in the order that never
 * puts the only copy of a row at risk (the plan's steps, MOVE_STEPS):
 *
 *   capture        a trigger on the source logs every change from now on,
 *                  and a snapshot of its rows is taken at the same instant;
 *   copy           the snapshot's rows go to the target table (created
 *                  without indexes), the snapshot's checksum computed beside;
 *   verify         count and checksum compared on both sides; the target
 *                  then keeps its own sums through every change replayed;
 *   build indexes  the target's, once, over the loaded rows;
 *   catch up       the logged changes are replayed while writers go on;
 *   cut over       one transaction on the main instance locks the parent
 *                  (reads and writes of the table wait from here), blocks
 *                  writes to the source, replays the last changes, compares
 *                  the target's sums with the snapshot plus every change,
 *                  switches the partition to the target and commits;
 *
 * then the capture, the target's sums and the source table go (the source
 * kept renamed if asked), and the target is analyzed.
 *
 * A crash before the cutover commits leaves the partition reading the
 * source, whole; the rerun replaces the capture, takes a new snapshot, and
 * copies again unless the target already holds exactly its rows. A crash
 * after it leaves the partition reading the target, and the rerun only
 * tidies up. A change is never replayed by a run that did not log it.
 */
import { unreachable, withRelayedSession, withSession, withSessions } from "../../db/client";
import { readForeignTable, readRelation } from "../../db/catalog";
import { Session } from "../../db/session";
import { columnNamesOf } from "../../model/table-shape";
import { buildDropCaptureSql } from "../../sql/capture";
import { buildAnalyzeSql, buildLockParentSql, buildLockTimeoutSql, buildRenameTableSql } from "../../sql/rotation";
import { buildDropTableSql } from "../../sql/tables";
import { describeChecksum, TableChecksum, tableChecksum, useStableText } from "./checksum";
import { withLockRetries } from "./move-locks";
import { MOVE_STEP_RUNNERS } from "./move-steps";
import { dropSums, ensureTarget, ensureTargetIndexes } from "./move-target";
import { destinationOf, doneVerb, MoveOutcome, MoveState, Sessions, TableAt, TierMove } from "./tier-move";

/** Whether main's catalog already shows the partition where the move puts it (an earlier run committed the cutover). */
async function isPlaced(m: TierMove, main: Session): Promise<boolean> {
  const info = await readRelation(main, m.partition);
  if (!info) {
    throw new Error(
      `${m.op.label}: partition ${m.partition.schema}.${m.partition.name} does not exist on the main instance; ` +
        `run pulumi refresh to see what is there, then pulumi up`,
    );
  }
  if (m.placed.tier === "local") {
    return info.kind === "r";
  }
  return info.kind === "f" && (await readForeignTable(main, info.oid))?.server === m.placed.archive;
}

/** Whether two tables are the same table of the same database. */
function sameTable(a: TableAt, b: TableAt): boolean {
  const where = (t: TableAt) => [t.connection.container ?? t.connection.host, t.connection.port, t.connection.database];
  return JSON.stringify(where(a)) === JSON.stringify(where(b)) && a.table.schema === b.table.schema && a.table.name === b.table.name;
}

/** The table that holds the rows once moved: the archive table, or the restored partition itself. */
function movedTable(m: TierMove): TableAt {
  return m.kind === "restore" ? { connection: m.main, table: m.partition } : m.target;
}

/** The source archive table, after the cutover: capture removed, the table dropped or kept renamed. */
async function retireSource(m: TierMove, source: Session): Promise<void> {
  const table = m.source.table;
  if (!(await readRelation(source, table))) {
    await source.runAll(buildDropCaptureSql(table, false));
    return;
  }
  const keep = m.keepSourceAs;
  if (keep && (await readRelation(source, { schema: table.schema, name: keep }))) {
    throw new Error(
      `${m.op.label}: ${m.partition.name} now reads from ${destinationOf(m)}, but ${table.schema}.${keep} already exists ` +
        `where its old archive table ${table.name} was to be kept; rename or drop ${keep} there, then run pulumi up again`,
    );
  }
  await source.runAll([...buildDropCaptureSql(table), keep ? buildRenameTableSql(table, keep) : buildDropTableSql(table)]);
}

/**
 * After the cutover committed (in this run or an earlier one): the source
 * retired (unless it is the target itself), the target's sums gone,
 * statistics fresh.
 */
async function finish(m: TierMove, s: Sessions, verified: TableChecksum | undefined): Promise<TableChecksum> {
  if (!m.sourceIsPartition && !sameTable(m.source, m.target)) {
    await retireSource(m, s.capture);
  }
  const moved = movedTable(m).table;
  if (m.kind !== "restore") {
    await dropSums(s.target, m.target.table);
    await ensureTargetIndexes(m, s.target);
  }
  await s.target.run(buildAnalyzeSql(moved));
  return verified ?? tableChecksum(s.target, moved, columnNamesOf(m.shape));
}

/** A move between two names for the same table (only the foreign server changed): the cutover alone. */
function repoint(m: TierMove, s: Sessions): Promise<void> {
  return withLockRetries(m, s, `point ${m.partition.name} at ${m.target.table.name}`, () =>
    s.main.transaction(async () => {
      await s.main.run(buildLockTimeoutSql(m.lockTimeoutMs));
      await s.main.run(buildLockParentSql(m.parent));
      await s.main.runEach(m.cutover);
      if (m.probe) {
        await s.main.rows(m.probe);
      }
    }),
  );
}

/** Runs the plan's steps; on failure the capture goes (best effort), so writers stop logging until the rerun. */
async function runSteps(m: TierMove, s: Sessions): Promise<MoveState> {
  const state: MoveState = { copied: false, replayed: 0 };
  try {
    for (const step of m.steps) {
      await MOVE_STEP_RUNNERS[step](m, s, state);
    }
    return state;
  } catch (err) {
    await s.capture.runAll(buildDropCaptureSql(m.source.table)).catch(() => undefined);
    throw err;
  }
}

/** The archives a move opens sessions on. */
function archivesOf(m: TierMove): TableAt[] {
  return m.kind === "archive" ? [m.target] : m.kind === "restore" ? [m.source] : [m.source, m.target];
}

/**
 * The move as it can be made from here. An archive pgtier cannot reach
 * while archiving is reached through the main instance instead, and the rows
 * go by postgres_fdw, which is how the main instance reaches it anyway; rows
 * leaving an archive are read there by pgtier itself, so that needs the
 * archive reachable from here.
 */
async function routed(m: TierMove): Promise<TierMove> {
  for (const at of archivesOf(m)) {
    const away = await unreachable(m.op, at.connection);
    if (!away) {
      continue;
    }
    const where = `${at.table.name}'s archive at ${away.address} from here (${away.reason})`;
    if (m.kind !== "archive") {
      throw new Error(
        `${m.op.label}: cannot reach ${where}; rows leaving an archive are read there by pulumi up itself, ` +
          `so run it where the archive is reachable (or publish the archive's port) — nothing was changed`,
      );
    }
    m.op.progress(
      `cannot reach ${where}; going through the main instance instead: postgres_fdw copies the rows (copyMethod fdw) ` +
        `and dblink on the main instance carries pgtier's statements to the archive`,
    );
    const login = { user: at.connection.user, password: at.connection.password };
    return { ...m, copyMethod: "fdw", relay: { server: m.server, login, applicationName: `pgtier: ${m.op.label}`.slice(0, 63) } };
  }
  return m;
}

/** A session on the move's target: direct, or through the main instance when routed so. */
function withTarget<T>(m: TierMove, fn: (target: Session) => Promise<T>): Promise<T> {
  return m.relay ? withRelayedSession(m.op, m.main, m.relay, fn) : withSession(m.op, m.target.connection, fn);
}

/** Moves the partition's rows to the target and points the partition at them; safe to rerun. */
export async function applyTierMove(requested: TierMove): Promise<MoveOutcome> {
  const m = await routed(requested);
  const { main, source, target } = m;
  const opened = [main, source.connection, source.connection, source.connection];
  return withSessions(m.op, opened, (four) =>
    withTarget(m, async (targetSession) => {
      const all = [...four, targetSession];
      for (const session of all) {
        await useStableText(session);
      }
      const [mainSession, capture, reader, checker] = four;
      // The checker reads the log once the copy is done: one connection fewer.
      const s: Sessions = { main: mainSession, capture, reader, checker, log: checker, target: targetSession };
      if (await isPlaced(m, s.main)) {
        m.op.progress(`${m.partition.name} already reads from ${destinationOf(m)} (an earlier run committed the cutover); tidying up`);
        return { ...(await finish(m, s, undefined)), copied: false, replayed: 0 };
      }
      if (sameTable(source, target)) {
        // The table stays; what the program grants on it now still applies.
        await s.target.runAll(m.targetGrants);
        await repoint(m, s);
        return { ...(await finish(m, s, undefined)), copied: false, replayed: 0 };
      }
      await ensureTarget(m, s.target);
      const state = await runSteps(m, s);
      const outcome = await finish(m, s, state.verified);
      const replayed = state.replayed > 0 ? ` (${state.replayed} change(s) made meanwhile replayed)` : "";
      m.op.progress(`${doneVerb(m)} ${m.partition.name}: ${describeChecksum(outcome)}${replayed}`);
      return { ...outcome, copied: state.copied, replayed: state.replayed };
    }),
  );
}
