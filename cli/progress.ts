/**
 * Progress of the pgtier command: what it is doing, one line each, on
 * stderr, so stdout holds only the results (and `--json` stays parseable).
 */
import { Progress } from "../components/model/operation";

/** A progress sink writing `pgtier: <message>` lines to stderr; silent when `quiet`. */
export function stderrProgress(quiet = false): Progress {
  return quiet ? () => undefined : (message) => process.stderr.write(`pgtier: ${message}\n`);
}

/** How often long work says what it is still doing. */
export const TICK_MS = 5_000;

/**
 * Reports `describe()` every `intervalMs` while long work runs (nothing
 * when it returns undefined); call the returned function to stop.
 */
export function startTicker(progress: Progress, describe: () => string | undefined, intervalMs = TICK_MS): () => void {
  const timer = setInterval(() => {
    const line = describe();
    if (line) {
      progress(line);
    }
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
