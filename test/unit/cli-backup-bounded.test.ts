import assert from "node:assert/strict";
import { failuresOf, Gate, settleBounded } from "../../cli/backup/bounded";

/** A task that records how many run at once, and fails when told to. */
function task(seen: { now: number; most: number }, fail = false): () => Promise<string> {
  return async () => {
    seen.now++;
    seen.most = Math.max(seen.most, seen.now);
    await new Promise((resolve) => setTimeout(resolve, 5));
    seen.now--;
    if (fail) {
      throw new Error("dump failed");
    }
    return "done";
  };
}

describe("cli backup: tasks in parallel, bounded", () => {
  it("runs at most so many at once, and every task to its end when one fails", async () => {
    const seen = { now: 0, most: 0 };
    // WHEN
    const results = await settleBounded([task(seen), task(seen, true), task(seen), task(seen), task(seen)], 2);
    // THEN
    assert.equal(seen.most, 2);
    assert.deepEqual(
      results.map((r) => r.status),
      ["fulfilled", "rejected", "fulfilled", "fulfilled", "fulfilled"],
    );
    assert.deepEqual(failuresOf(results), ["dump failed"]);
  });

  it("runs all at once when the limit allows", async () => {
    const seen = { now: 0, most: 0 };
    await settleBounded([task(seen), task(seen), task(seen)], 3);
    assert.equal(seen.most, 3);
  });

  it("refuses a limit below one", () => {
    assert.throws(() => new Gate(0), /^Error: the number of parallel jobs must be a whole number of at least 1, not 0$/);
  });
});
