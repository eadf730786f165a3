/**
 * PostgreSQL's client tools (pg_dump, pg_restore) run against one of
 * pgtier's connections: the password in the tool's environment, never on its
 * command line, and a failure that names the resource and the tool.
 */
import { execFile } from "node:child_process";
import { Operation } from "../model/operation";
import { Connection } from "../model/types";
import { resolveConnection } from "./client";

/** The explanation of a client tool that failed. */
export function toolFailure(label: string, tool: string, err: { code?: string | number | null; message: string }, stderr: string): Error {
  return new Error(
    err.code === "ENOENT"
      ? `${label}: ${tool} was not found on PATH; install the PostgreSQL client tools (Debian: apt-get install postgresql-client), at the server's major version or newer`
      : `${label}: ${tool} failed: ${stderr.trim() || err.message}`,
  );
}

/**
 * Runs a PostgreSQL client tool logged in as `connection` (a managed
 * container's published port read from Docker now) and returns its stdout.
 */
export async function runClientTool(op: Operation, tool: string, args: readonly string[], connection: Connection): Promise<string> {
  const c = await resolveConnection(op, connection);
  const env = { ...process.env, PGPASSWORD: c.password, PGHOST: c.host, PGPORT: String(c.port), PGUSER: c.user };
  return new Promise((resolve, reject) => {
    execFile(tool, [...args], { env, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) =>
      err ? reject(toolFailure(op.label, tool, err, String(stderr))) : resolve(String(stdout)),
    );
  });
}
