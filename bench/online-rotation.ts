/**
 * Benchmark: the rotation of a 1,000,000-row partition while an application
 * writes to it (issue: online tier changes). A writer in its own thread
 * inserts single rows for 2025 through `employees` at 250 rows/s from a
 * second before the rotation to a second after it; every write's latency is
 * recorded, from when it was due. Then the raw binary COPY pipe of the same
 * rows, without a writer, is the baseline.
 *
 * Not a test: it prints the latency distribution and times; the last line is
 *   RESULT online_rotation write_p99_ms=<x> write_max_ms=<y> pgtier_vs_copy=<z>
 */
import { setTimeout as sleep } from "node:timers/promises";
import { Worker } from "node:worker_threads";
import * as path from "node:path";
import { connectionOf } from "../test/support/postgres";
import { ARCHIVE_TABLE, Bench, copyPipe, prepareRotation, rotate, ROWS, startBench, timed } from "./setup";
import { WriterReport, WriterSetup } from "./writer";

/** Rows per second the writer inserts. */
const RATE = Number(process.env.BENCH_WRITE_RATE ?? 250);

/** The `q` quantile of sorted values. */
function quantile(sorted: readonly number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? 0;
}

/** Starts the writer; the returned function stops it and hands back its report. */
function startWriter(b: Bench): () => Promise<WriterReport> {
  const setup: WriterSetup = { connection: connectionOf(b.pair.main), rate: RATE, firstId: ROWS + 1 };
  const worker = new Worker(path.join(__dirname, "writer.js"), { workerData: setup });
  const report = new Promise<WriterReport>((resolve, reject) => {
    worker.once("message", resolve);
    worker.once("error", reject);
  });
  return async () => {
    worker.postMessage("stop");
    const done = await report;
    await worker.terminate();
    return done;
  };
}

/** Every row the writer wrote is there once, and the archive holds the partition's rows. */
async function check(b: Bench, report: WriterReport): Promise<void> {
  const written = report.latencies.length - report.errors.length;
  const through = (
    await b.main.query<{ n: string; ids: string }>(
      "SELECT count(*)::text AS n, count(DISTINCT id)::text AS ids FROM employees WHERE department = 'writer'",
    )
  ).rows[0];
  if (Number(through.n) !== written || Number(through.ids) !== written) {
    throw new Error(`the writer wrote ${written} rows; employees holds ${through.n} (${through.ids} distinct)`);
  }
  const total = (await b.main.query<{ n: string }>("SELECT count(*)::text AS n FROM employees")).rows[0].n;
  if (Number(total) !== ROWS + written) {
    throw new Error(`employees holds ${total} rows after the rotation, expected ${ROWS + written}`);
  }
}

export async function onlineRotation(): Promise<void> {
  console.log(
    `Rotating a ${ROWS.toLocaleString("en-US")}-row partition while a writer inserts ${RATE} rows/s into it (PostgreSQL in containers)`,
  );
  const b = await startBench();
  try {
    await b.archive.query(ARCHIVE_TABLE);
    const copy = await timed("copy", ROWS, () => copyPipe(b));
    await prepareRotation(b);

    const stopWriter = startWriter(b);
    await sleep(1000);
    const pgtier = await timed("pgtier", ROWS, () => rotate(b));
    await sleep(1000);
    const report = await stopWriter();
    if (report.errors.length > 0) {
      throw new Error(`${report.errors.length} write(s) failed during the rotation, e.g. ${report.errors[0]}`);
    }
    await check(b, report);

    const sorted = [...report.latencies].sort((x, y) => x - y);
    const [p50, p99, max] = [quantile(sorted, 0.5), quantile(sorted, 0.99), sorted.at(-1) ?? 0];
    console.log(`writes   ${sorted.length} in all, p50 ${p50.toFixed(1)} ms, p99 ${p99.toFixed(1)} ms, max ${max.toFixed(1)} ms`);
    console.log(
      `RESULT online_rotation write_p99_ms=${p99.toFixed(1)} write_max_ms=${max.toFixed(1)} pgtier_vs_copy=${(pgtier / copy).toFixed(2)}`,
    );
  } finally {
    await b.stop();
  }
}
