/**
 * Closing a port to this machine only, for tests of an archive that the
 * machine running pulumi cannot reach while the main instance (another
 * container) still can: a rule in the host's OUTPUT chain resets connections
 * this machine opens to 127.0.0.1:port, and traffic between containers
 * never passes that chain. Needs root, as Docker itself does here.
 */
import { execFile } from "node:child_process";
import { promisify } from "node:util";

const run = promisify(execFile);

/** The rule's arguments after -I/-D OUTPUT. */
function rule(port: number): string[] {
  return ["-p", "tcp", "-d", "127.0.0.1", "--dport", String(port), "-j", "REJECT", "--reject-with", "tcp-reset"];
}

/** Closes 127.0.0.1:port to this machine's own connections; returns what opens it again. */
export async function closeLocalPort(port: number): Promise<() => Promise<void>> {
  try {
    await run("iptables", ["-I", "OUTPUT", ...rule(port)]);
  } catch (err) {
    throw new Error(`this test closes a port with iptables, which needs root and the iptables command: ${(err as Error).message}`, {
      cause: err,
    });
  }
  return async () => {
    await run("iptables", ["-D", "OUTPUT", ...rule(port)]);
  };
}
