/**
 * Mocha's spec reporter plus one closing line in the plain form CI reads:
 * `tests: N passed, N failed` (and `, N skipped` when some were pending).
 */
import Mocha from "mocha";

const { EVENT_RUN_END } = Mocha.Runner.constants;

class PlainSummaryReporter extends Mocha.reporters.Spec {
  constructor(runner: Mocha.Runner, options?: Mocha.MochaOptions) {
    super(runner, options);
    runner.once(EVENT_RUN_END, () => {
      const s = runner.stats ?? { passes: 0, failures: 0, pending: 0 };
      // Printed after the spec summary (which is also written on EVENT_RUN_END).
      process.nextTick(() => console.log(`tests: ${s.passes} passed, ${s.failures} failed${s.pending ? `, ${s.pending} skipped` : ""}`));
    });
  }
}

export = PlainSummaryReporter;
