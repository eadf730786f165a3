/**
 * Runs the connection checks: this machine's login to each archive, a
 * connection through each foreign server from the main instance, and a
 * read through each foreign partition.
 */
import { Session } from "../../components/db/session";
import { Progress } from "../../components/model/operation";
import { TieredCatalog } from "../db/tiered-catalog";
import { loginError, probeForeignTable, probeServer } from "../db/probes";
import { directVerdict, failureKind, remoteTableVerdict, serverVerdicts } from "../diagnose/connections";
import { Verdict } from "../diagnose/verdict";
import { StackInfo } from "../stack/stack-info";

/** This machine's login to each archive; the names of those it reached come back too. */
export async function checkArchiveLogins(info: StackInfo, progress: Progress): Promise<{ verdicts: Verdict[]; reached: Set<string> }> {
  const verdicts: Verdict[] = [];
  const reached = new Set<string>();
  for (const a of info.archives) {
    const address = `${a.connection.host}:${a.connection.port}`;
    progress(`connecting to archive "${a.name}" at ${address}`);
    const error = await loginError({ label: `archive "${a.name}"`, progress }, a.connection);
    if (error === undefined) {
      reached.add(a.name);
    }
    verdicts.push(directVerdict(a.name, address, error, a.connection.container));
  }
  return { verdicts, reached };
}

/** Each foreign server and foreign partition, probed from the main instance; the servers that connected come back too. */
export async function checkForeignServers(
  main: Session,
  info: StackInfo,
  catalog: TieredCatalog,
  progress: Progress,
): Promise<{ verdicts: Verdict[]; connected: Set<string> }> {
  const verdicts: Verdict[] = [];
  const connected = new Set<string>();
  for (const server of catalog.servers) {
    progress(`connecting through ${server.name} (${server.address}) from the main instance`);
    const probe = await probeServer(main, server.name);
    const kind = probe.error ? failureKind(probe.error) : undefined;
    if (kind === undefined || kind === "remote-table") {
      connected.add(server.name);
    }
    verdicts.push(
      ...serverVerdicts({
        server: server.name,
        address: server.address,
        localRole: server.localRole,
        remoteRole: server.remoteRole,
        database: server.database,
        container: info.archives.find((a) => a.server === server.name)?.connection.container,
        stackName: info.stackName,
        error: probe.error,
      }),
    );
  }
  for (const p of catalog.partitions) {
    if (!p.server || !p.remote) {
      continue;
    }
    const serverConnected = connected.has(p.server);
    if (serverConnected) {
      progress(`reading ${p.name} through ${p.server}`);
    }
    const probe = serverConnected ? await probeForeignTable(main, p) : { error: undefined };
    verdicts.push(
      remoteTableVerdict({
        partition: p.name,
        server: p.server,
        remoteSchema: p.remote.schema,
        remoteName: p.remote.name,
        serverConnected,
        error: probe.error,
      }),
    );
  }
  return { verdicts, connected };
}
