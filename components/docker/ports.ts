/**
 * The host port a container is published on when the program gives none:
 * picked once, when the container is created, and published explicitly, so
 * it stays across restarts. It is picked below the kernel's range for the
 * local ports of outgoing connections: after a reboot any client may hold a
 * port of that range, and the container could not start again.
 */
import { readFileSync } from "node:fs";
import { createServer } from "node:net";

/** The kernel's range for the local ports of outgoing connections (Linux; 32768-60999 elsewhere). */
export function ephemeralRange(read: () => string = () => readFileSync("/proc/sys/net/ipv4/ip_local_port_range", "utf8")): {
  low: number;
  high: number;
} {
  try {
    const [low, high] = read().trim().split(/\s+/).map(Number);
    return low > 0 && high >= low ? { low, high } : { low: 32768, high: 60999 };
  } catch {
    return { low: 32768, high: 60999 };
  }
}

/** The ports pgtier picks from: below the ephemeral range when there is room, else above it. */
export function pickableRange(ephemeral: { low: number; high: number } = ephemeralRange()): { low: number; high: number } {
  return ephemeral.low > 21000 ? { low: 20000, high: ephemeral.low - 1 } : { low: Math.max(ephemeral.high + 1, 1024), high: 65535 };
}

/** Whether nothing listens on 127.0.0.1:`port` now. */
function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once("error", () => resolve(false));
    server.listen(port, "127.0.0.1", () => server.close(() => resolve(true)));
  });
}

/** A free port of {@link pickableRange}, at random (two stacks created at once rarely pick the same). */
export async function freePort(range: { low: number; high: number } = pickableRange()): Promise<number> {
  for (let tries = 0; tries < 100; tries++) {
    const port = range.low + Math.floor(Math.random() * (range.high - range.low + 1));
    if (await isFree(port)) {
      return port;
    }
  }
  throw new Error(`no free port on 127.0.0.1 between ${range.low} and ${range.high}; give the instance a hostPort`);
}
