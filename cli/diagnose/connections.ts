/**
 * The guide's troubleshooting issues 1 to 3 as verdicts: an archive that
 * cannot be reached, a password the archive refuses, pg_hba.conf rejecting
 * the main instance, and a foreign table whose remote table is gone. Pure:
 * decided from the error (if any) that a probe through postgres_fdw got.
 */
import { PostgresError } from "../../components/db/session";
import { quoteIdent, quoteLiteral } from "../../components/sql/quote";
import { fail, ok, skip, Verdict } from "./verdict";

/** The check names, as the doctor prints them. */
export const CHECKS = Object.freeze({
  reachableFromMain: "archive reachable from main",
  reachableFromHere: "archive reachable from here",
  authentication: "authentication",
  pgHba: "pg_hba",
  remoteTable: "remote table",
});

/** Why a connection through postgres_fdw (or to an archive) failed. */
export type FailureKind = "unreachable" | "authentication" | "pg_hba" | "remote-table" | "other";

/**
 * The kind of a failure. postgres_fdw reports every failed connection as
 * SQLSTATE 08001 with libpq's message in the detail, so the text decides;
 * an error the archive raised (a missing relation, 42P01) keeps its code.
 */
export function failureKind(e: PostgresError): FailureKind {
  const text = `${e.message ?? ""}\n${e.detail ?? ""}`;
  if (e.code === "28P01" || /password authentication failed|password is required|no password (was )?supplied/i.test(text)) {
    return "authentication";
  }
  if (e.code === "28000" || /pg_hba\.conf/.test(text)) {
    return "pg_hba";
  }
  if (e.code === "42P01" || /relation .* does not exist/.test(text)) {
    return "remote-table";
  }
  if (
    ["ECONNREFUSED", "ECONNRESET", "ENOTFOUND", "EAI_AGAIN", "ETIMEDOUT", "EHOSTUNREACH"].includes(e.code ?? "") ||
    (e.code !== undefined && e.code.startsWith("08")) ||
    /could not connect|connection refused|could not translate host name|timeout expired|timed out|server closed the connection|Name or service not known/i.test(
      text,
    )
  ) {
    return "unreachable";
  }
  return "other";
}

/** The most telling line of a failure: libpq's message in the detail, else the message. */
export function reasonOf(e: PostgresError): string {
  const detail = (e.detail ?? "").split("\n").find((l) => l.trim().length > 0);
  return (detail ?? e.message ?? "unknown error").trim();
}

/** What a probe of one foreign server from the main instance found. */
export interface ServerProbe {
  /** The foreign server, e.g. `archive_server`. */
  readonly server: string;
  /** Where the main instance reaches it: `host:port/dbname` from the server's options. */
  readonly address: string;
  /** The main instance's role whose user mapping was used. */
  readonly localRole: string;
  /** The role the mapping logs in as on the archive (never its password). */
  readonly remoteRole: string;
  /** The archive database's name. */
  readonly database: string;
  /** The archive's container, when pgtier runs it. */
  readonly container?: string;
  /** The stack, for the pulumi commands in fixes. */
  readonly stackName: string;
  /** The probe's error; none when it connected. */
  readonly error?: PostgresError;
}

/** Reachable, authentication and pg_hba verdicts for one foreign server. */
export function serverVerdicts(p: ServerProbe): Verdict[] {
  const kind = p.error ? failureKind(p.error) : undefined;
  const where = `${p.server} (${p.address})`;
  const mapping = `user mapping for ${p.localRole} on ${p.server} (logs in as ${p.remoteRole})`;
  const reason = p.error ? reasonOf(p.error) : "";
  const [host, port = "5432"] = p.address.split("/")[0].split(":");
  const start = p.container ? `docker start ${p.container}, or pulumi up --stack ${p.stackName}` : `start the archive server`;
  const reachable =
    kind === undefined || kind === "authentication" || kind === "pg_hba"
      ? ok(CHECKS.reachableFromMain, where)
      : kind === "unreachable"
        ? fail(
            CHECKS.reachableFromMain,
            where,
            `the main instance cannot connect (${reason})`,
            `is the archive running? ${start}; from the main instance check it answers (pg_isready -h ${host} -p ${port}), and check the server's host and port options and the network between them`,
          )
        : fail(CHECKS.reachableFromMain, where, `the probe failed (${reason})`, `read the archive's log for this error`);
  const connected = kind === undefined || kind === "remote-table";
  const unknown = `${p.server} is not reachable, so this was not tried`;
  const authentication = connected
    ? ok(CHECKS.authentication, mapping)
    : kind === "authentication"
      ? fail(
          CHECKS.authentication,
          mapping,
          `the archive refused the password (${reason})`,
          `run pulumi up --refresh --stack ${p.stackName} so pgtier sets the mapping's and the role's password again, or by hand: ALTER USER MAPPING FOR ${quoteIdent(p.localRole)} SERVER ${quoteIdent(p.server)} OPTIONS (SET password '<the role's password>')`,
        )
      : kind === "pg_hba"
        ? skip(CHECKS.authentication, mapping, `pg_hba.conf refused the login before a password was asked`)
        : skip(CHECKS.authentication, mapping, unknown);
  const hbaObject = `${p.server} (${p.address}, user ${p.remoteRole})`;
  // PostgreSQL names the client's address: `pg_hba.conf rejects connection for host "172.18.0.3", ...`.
  const client = /for host "([^"]+)"/.exec(reason)?.[1];
  const line = `host ${p.database} ${p.remoteRole} ${client ? `${client}/${client.includes(":") ? 128 : 32}` : "<main instance's address>/32"} scram-sha-256`;
  const hba =
    kind === "pg_hba"
      ? fail(
          CHECKS.pgHba,
          hbaObject,
          `the archive's pg_hba.conf rejects the main instance (${reason})`,
          `add "${line}" to the archive's pg_hba.conf above any line that rejects it, then run SELECT pg_reload_conf() on the archive`,
        )
      : connected || kind === "authentication"
        ? ok(CHECKS.pgHba, hbaObject)
        : skip(CHECKS.pgHba, hbaObject, unknown);
  return [reachable, authentication, hba];
}

/** What a read through one foreign partition found. */
export interface TableProbe {
  /** The foreign partition on the main instance, e.g. `emp_2024`. */
  readonly partition: string;
  readonly server: string;
  /** The remote table it reads, `schema.name`. */
  readonly remoteSchema: string;
  readonly remoteName: string;
  /** Whether its server connected (else this verdict is skipped). */
  readonly serverConnected: boolean;
  readonly error?: PostgresError;
}

/** The remote-table verdict for one foreign partition. */
export function remoteTableVerdict(t: TableProbe): Verdict {
  const object = `${t.partition} -> ${t.remoteSchema}.${t.remoteName} on ${t.server}`;
  if (!t.serverConnected) {
    return skip(CHECKS.remoteTable, object, `${t.server} does not connect, so the table was not read`);
  }
  if (!t.error) {
    return ok(CHECKS.remoteTable, object);
  }
  if (failureKind(t.error) === "remote-table") {
    return fail(
      CHECKS.remoteTable,
      object,
      `the archive has no table ${t.remoteSchema}.${t.remoteName} (${reasonOf(t.error)})`,
      `restore it on the archive (pg_restore of its backup), or, if it is there under another name, point the foreign table at it: ALTER FOREIGN TABLE ${quoteIdent(t.partition)} OPTIONS (SET schema_name ${quoteLiteral(t.remoteSchema)}, SET table_name ${quoteLiteral("<its name>")})`,
    );
  }
  return fail(CHECKS.remoteTable, object, `reading it failed (${reasonOf(t.error)})`, `read the archive's log for this error`);
}

/** The verdict for this machine's own connection to an archive: `error` is the connection's error message, if any. */
export function directVerdict(archive: string, address: string, error: string | undefined, container?: string): Verdict {
  const object = `archive "${archive}" at ${address}`;
  return error === undefined
    ? ok(CHECKS.reachableFromHere, object)
    : fail(
        CHECKS.reachableFromHere,
        object,
        `this machine cannot connect (${error})`,
        container
          ? `start its container (docker start ${container}, or pulumi up to create it again) and check it stays up (docker logs ${container})`
          : `check the server runs and this machine reaches ${address} (host and port in pgtier:archives)`,
      );
}
