/**
 * The application in the online-rotation benchmark, in a worker thread of
 * its own (so the rotation's work in the main thread never delays it): one
 * connection inserting single rows into `employees` for 2025 at a steady
 * rate, each write's latency measured from when it was due, so a write held
 * up behind a slow one counts its wait too.
 */
import { parentPort, workerData } from "node:worker_threads";
import { setTimeout as sleep } from "node:timers/promises";
import { Client } from "pg";
import { Connection } from "../components/model/types";

/** What the benchmark gives the writer. */
export interface WriterSetup {
  readonly connection: Connection;
  /** Rows per second. */
  readonly rate: number;
  /** The first row's id; the next ones count up. */
  readonly firstId: number;
}

/** What the writer reports when told to stop. */
export interface WriterReport {
  /** Every write's latency, in milliseconds, in order. */
  readonly latencies: number[];
  /** Failed writes' messages. */
  readonly errors: string[];
}

async function write(setup: WriterSetup, stopped: () => boolean): Promise<WriterReport> {
  const client = new Client(setup.connection);
  await client.connect();
  const latencies: number[] = [];
  const errors: string[] = [];
  const interval = 1000 / setup.rate;
  const start = performance.now();
  try {
    for (let n = 0; !stopped(); n++) {
      const due = start + n * interval;
      const wait = due - performance.now();
      if (wait > 0) {
        await sleep(wait);
      }
      try {
        await client.query("INSERT INTO employees (id, name, hire_date, department, salary) VALUES ($1, $2, $3, 'writer', 1)", [
          setup.firstId + n,
          `writer ${n}`,
          `2025-${String(1 + (n % 12)).padStart(2, "0")}-15`,
        ]);
      } catch (err) {
        errors.push(err instanceof Error ? err.message : String(err));
      }
      latencies.push(performance.now() - due);
    }
  } finally {
    await client.end();
  }
  return { latencies, errors };
}

if (parentPort) {
  const port = parentPort;
  let stop = false;
  port.on("message", () => {
    stop = true;
  });
  write(workerData as WriterSetup, () => stop).then(
    (report) => port.postMessage(report),
    (err: unknown) => port.postMessage({ latencies: [], errors: [String(err)] }),
  );
}
