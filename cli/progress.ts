/**
 * Progress of the pgtier command: what it is doing, one line each, on
 * stderr, so stdout holds only the results (and `--json` stays parseable).
 */
import { Progress } from "../components/model/operation";

/** A progress sink writing `pgtier: <message>` lines to stderr; silent when `quiet`. */
export function stderrProgress(quiet = false): Progress {
  return quiet ? () => undefined : (message) => process.stderr.write(`pgtier: ${message}\n`);
}
