/**
 * The steps of archiving a partition, as the tier-change plan names them,
 * each run inside the attempt's transaction that blocks writes to the
 * partition. They hand the local checksum on through the attempt's state.
 */
import { columnNamesOf } from "../../model/table-shape";
import { TierStep } from "../../planner/plan-tier-change";
import { ArchiveRotation, AttemptState, Sessions } from "./archive-rotation";
import { ensureArchiveIndexes } from "./archive-table";
import { describeChecksum, rowCount, sameRows, TableChecksum, tableChecksum } from "./checksum";
import { copyRows, CopyJob } from "./copy";
import { cutOver, giveWayToWaitingWriters, shortenCutoverWait } from "./cutover";
import { formatCount } from "../progress";

/** The local checksum the copy step left; a plan that verifies or cuts over before it copies is a bug. */
export function localOf(r: ArchiveRotation, state: AttemptState): TableChecksum {
  if (!state.local) {
    throw new Error(`${r.op.label}: the archiving plan ran a step that needs the copy before the copy`);
  }
  return state.local;
}

function copyJob(r: ArchiveRotation, s: Sessions, expectedRows: number): CopyJob {
  return {
    op: r.op,
    source: s.reader,
    target: s.archive,
    watcher: s.main,
    partition: r.partition,
    archiveTable: r.archiveTable,
    columns: columnNamesOf(r.shape),
    expectedRows,
    server: r.target.server,
    batchSize: r.settings.batchSize,
  };
}

/** Copies the rows unless the archive already holds exactly them; leaves the local checksum. */
async function copy(r: ArchiveRotation, s: Sessions, state: AttemptState): Promise<void> {
  const job = copyJob(r, s, await rowCount(s.main, r.partition));
  const method = r.settings.copyMethod;
  if ((await rowCount(s.archive, r.archiveTable)) === 0 && job.expectedRows > 0) {
    // The usual first run: nothing to compare yet, so the local checksum is
    // computed on its own session while the copy runs (both read the same
    // locked rows).
    r.op.progress(`copying ${formatCount(job.expectedRows)} rows of ${r.partition.name} to the archive (${method})`);
    [state.local] = await Promise.all([tableChecksum(s.checker, r.partition, job.columns), copyRows(method, job)]);
    state.copied = true;
    return;
  }
  state.local = await tableChecksum(s.main, r.partition, job.columns);
  const there = await tableChecksum(s.archive, r.archiveTable, job.columns);
  if (sameRows(state.local, there)) {
    r.op.progress(
      `the archive already holds ${r.partition.name}'s ${formatCount(state.local.rows)} rows (checksum matches); not copying again`,
    );
    state.remote = there;
    return;
  }
  r.op.progress(
    `copying ${formatCount(state.local.rows)} rows of ${r.partition.name} to the archive (${method}); it held other rows, they are replaced`,
  );
  await copyRows(method, job);
  state.copied = true;
}

/** Count and checksum on both sides must agree. */
async function verify(r: ArchiveRotation, s: Sessions, state: AttemptState): Promise<void> {
  const local = localOf(r, state);
  const remote = state.remote ?? (await tableChecksum(s.archive, r.archiveTable, columnNamesOf(r.shape)));
  if (!sameRows(local, remote)) {
    throw new Error(
      `${r.op.label}: verification failed after copying ${r.partition.name}: local ${describeChecksum(local)}, ` +
        `archive ${describeChecksum(remote)}; the local partition is untouched — run pulumi up again`,
    );
  }
}

/** Detach, drop or rename, attach the foreign partition; first letting queued writers in, unless the parent is locked already. */
async function cutOverStep(r: ArchiveRotation, s: Sessions, state: AttemptState): Promise<void> {
  const local = localOf(r, state);
  if (!state.exclusive) {
    await giveWayToWaitingWriters(r, s.main);
    await shortenCutoverWait(r, s.main);
  }
  r.op.progress(`verified ${describeChecksum(local)} on both sides; cutting over`);
  await cutOver(r, s.main, local);
}

/** How each step of the plan is carried out. */
export const ARCHIVE_STEP_RUNNERS: Readonly<Record<TierStep, (r: ArchiveRotation, s: Sessions, state: AttemptState) => Promise<void>>> = {
  copy,
  verify,
  "build indexes": (r, s) => ensureArchiveIndexes(s.archive, r.archiveTable, r.shape),
  "cut over": cutOverStep,
};
