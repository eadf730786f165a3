/**
 * Running tasks in parallel, at most so many at once, every one to its end
 * even when another fails (a backup or restore reports every file, not the
 * first failure). No I/O of its own.
 */

/** Admits at most `limit` holders at once; the others wait in order. */
export class Gate {
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  /** @param limit how many may run at once (at least 1) */
  constructor(private readonly limit: number) {
    if (!Number.isInteger(limit) || limit < 1) {
      throw new Error(`the number of parallel jobs must be a whole number of at least 1, not ${limit}`);
    }
  }

  /** Runs `task` once fewer than `limit` others run. */
  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.running >= this.limit) {
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    } else {
      this.running++;
    }
    try {
      return await task();
    } finally {
      const next = this.waiting.shift();
      if (next) {
        next();
      } else {
        this.running--;
      }
    }
  }
}

/** Runs every task, at most `limit` at once, and returns how each ended, in the tasks' order. */
export function settleBounded<T>(tasks: readonly (() => Promise<T>)[], limit: number): Promise<PromiseSettledResult<T>[]> {
  const gate = new Gate(limit);
  return Promise.allSettled(tasks.map((task) => gate.run(task)));
}

/** The messages of the tasks that failed, one each. */
export function failuresOf(results: readonly PromiseSettledResult<unknown>[]): string[] {
  return results.flatMap((r) => (r.status === "rejected" ? [r.reason instanceof Error ? r.reason.message : String(r.reason)] : []));
}
