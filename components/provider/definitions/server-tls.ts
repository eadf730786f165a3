/**
 * ServerTls: TLS on one instance. Owns pgtier's files in the data directory
 * (server certificate, its key, and the certificate authority other
 * instances verify against), the ssl settings (ALTER SYSTEM), and pgtier's
 * block in pg_hba.conf that keeps named roles (postgres_fdw's) to TLS.
 * Everything is done through SQL as the instance's superuser, so it works
 * the same for a container and an existing server, and it survives a
 * container created again on its volume. A new certificate (a renewal) is
 * an update: files rewritten, configuration reloaded, no restart.
 */
import { tlsSession, withSession } from "../../db/client";
import { Session } from "../../db/session";
import { readServerFile, sameText, serverPaths, writeServerFile, writeServerFiles } from "../../db/server-files";
import { Reader } from "../../model/reader";
import { Connection, readConnection } from "../../model/types";
import {
  buildSslOffSql,
  buildSslOnSql,
  hbaErrorsSql,
  reloadSql,
  sslOnlyRolesIn,
  sslSettingSql,
  TLS_FILES,
  withoutPgtierBlock,
  withPgtierBlock,
} from "../../sql/tls";
import { validateServerTlsArgs } from "../../validate/tls";
import { Operation, ResourceDefinition } from "../definition";

/** An instance's TLS inputs. */
export interface ServerTlsInputs {
  /** The instance, as a superuser (writing server files and ALTER SYSTEM need one). */
  readonly connection: Connection;
  readonly certPem: string;
  readonly keyPem: string;
  /** The certificate authority that signed the certificate: the new TLS session is checked against it, and it is written beside them, for the instance to verify other servers against (the main instance's sslrootcert). */
  readonly caPem: string;
  /** Roles that may connect only over TLS. */
  readonly sslOnlyRoles: readonly string[];
}

/** Where the files are, for foreign servers' options. */
export interface ServerTlsOutputs {
  /** Absolute path of the CA file on the instance. */
  readonly caFile?: string;
}

function readServerTlsInputs(r: Reader): ServerTlsInputs {
  return {
    connection: r.object("connection", readConnection),
    certPem: r.text("certPem"),
    keyPem: r.text("keyPem"),
    caPem: r.text("caPem"),
    sslOnlyRoles: r.textList("sslOnlyRoles"),
  };
}

/** Whether two role lists name the same roles, in any order. */
function sameRoles(a: readonly string[], b: readonly string[]): boolean {
  return [...a].sort().join(",") === [...b].sort().join(",");
}

/**
 * pg_hba.conf with pgtier's block for `roles`, written only when the server
 * parses it without error; otherwise the file is put back and the error
 * named.
 */
async function writeHba(op: Operation, s: Session, hbaFile: string, roles: readonly string[]): Promise<void> {
  const before = (await readServerFile(s, hbaFile)) ?? "";
  const after = withPgtierBlock(before, roles);
  if (sameText(after, before)) {
    return;
  }
  const known = new Set((await s.rows<{ error: string }>(hbaErrorsSql)).map((e) => e.error));
  await writeServerFile(s, hbaFile, after);
  // Only errors pgtier's lines bring: a file that already had one is the admin's to fix, not a reason to refuse TLS.
  const errors = (await s.rows<{ line_number: number; error: string }>(hbaErrorsSql)).filter((e) => !known.has(e.error));
  if (errors.length > 0) {
    await writeServerFile(s, hbaFile, before);
    throw new Error(
      `${op.label}: ${hbaFile} would not parse with pgtier's lines (line ${errors[0].line_number}: ${errors[0].error}); it was put back as it was — check sslOnlyRoles`,
    );
  }
}

/** Reloads, then waits until a session over TLS that trusts `caPem` gets in (a reload is asynchronous). */
async function reloadAndCheck(op: Operation, s: Session, inputs: ServerTlsInputs, caPem: string): Promise<void> {
  await s.rows(reloadSql);
  let last: unknown;
  for (let attempt = 0; attempt < 20; attempt++) {
    try {
      const session = await tlsSession(op, inputs.connection, caPem);
      if (session?.ssl) {
        return;
      }
    } catch (err) {
      last = err;
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(
    `${op.label}: the instance did not accept a TLS session with the new certificate after a reload` +
      `${last instanceof Error ? ` (${last.message})` : ""}; its log says why (docker logs <container>, or the server log) — ` +
      `the files and settings are in place, and pulumi up tries again`,
  );
}

/** Writes the files, turns ssl on, writes pg_hba.conf, reloads and checks a TLS session. */
/**
 * Writes the files (the certificate and its key change together), turns
 * ssl on and checks a TLS session; only then keeps the roles to TLS in
 * pg_hba.conf, so a certificate the server refuses never locks them out.
 * When the check fails, ssl is turned off again unless it was on before,
 * so the next start of the server does not fail on it.
 */
async function apply(op: Operation, t: ServerTlsInputs): Promise<ServerTlsOutputs> {
  return withSession(op, t.connection, async (s) => {
    const { dataDir, hbaFile } = await serverPaths(s);
    const before = await s.first<{ ssl: string }>(sslSettingSql);
    await writeServerFiles(s, [
      { path: `${dataDir}/${TLS_FILES.cert}`, text: t.certPem },
      { path: `${dataDir}/${TLS_FILES.key}`, text: t.keyPem },
      { path: `${dataDir}/${TLS_FILES.ca}`, text: t.caPem },
    ]);
    for (const sql of buildSslOnSql(dataDir)) {
      await s.run(sql);
    }
    try {
      await reloadAndCheck(op, s, t, t.caPem);
    } catch (err) {
      if (before?.ssl !== "on") {
        for (const sql of buildSslOffSql()) {
          await s.run(sql);
        }
        await s.rows(reloadSql);
      }
      throw err;
    }
    await writeHba(op, s, hbaFile, t.sslOnlyRoles);
    await s.rows(reloadSql);
    return { caFile: `${dataDir}/${TLS_FILES.ca}` };
  });
}

export const serverTls: ResourceDefinition<ServerTlsInputs, ServerTlsOutputs> = {
  name: "ServerTls",
  defaults: { sslOnlyRoles: [] },
  diff: { update: ["connection", "certPem", "keyPem", "caPem", "sslOnlyRoles"], replace: [] },
  validate: (news) => validateServerTlsArgs(news),
  decode: readServerTlsInputs,
  decodeOutputs: (r) => ({ caFile: r.optionalText("caFile") }),

  async create(op, t) {
    return { id: `tls@${t.connection.host}:${t.connection.port}`, outputs: await apply(op, t) };
  },

  /** What is on the server now: ssl off, a file replaced or a role's line removed by hand shows as drift. */
  async read(op, _id, t, stored) {
    return withSession(op, t.connection, async (s) => {
      const { dataDir, hbaFile } = await serverPaths(s);
      const setting = await s.first<{ ssl: string; cert_file: string }>(sslSettingSql);
      const pgtierCert = setting?.ssl === "on" && setting.cert_file === `${dataDir}/${TLS_FILES.cert}`;
      const cert = pgtierCert ? await readServerFile(s, `${dataDir}/${TLS_FILES.cert}`) : undefined;
      const key = pgtierCert ? await readServerFile(s, `${dataDir}/${TLS_FILES.key}`) : undefined;
      const ca = await readServerFile(s, `${dataDir}/${TLS_FILES.ca}`);
      const found = sslOnlyRolesIn((await readServerFile(s, hbaFile)) ?? "");
      return {
        ...t,
        ...stored,
        certPem: sameText(cert, t.certPem) ? t.certPem : (cert ?? ""),
        // The key is compared, never read into the state: a different key reads as none.
        keyPem: sameText(key, t.keyPem) ? t.keyPem : "",
        caPem: sameText(ca, t.caPem) ? t.caPem : (ca ?? ""),
        sslOnlyRoles: sameRoles(found, t.sslOnlyRoles) ? t.sslOnlyRoles : found,
      };
    });
  },

  update: (op, _id, _olds, news) => apply(op, news),

  /** Turns ssl off and removes pgtier's pg_hba.conf lines; the files stay in the data directory, unused. */
  async delete(op, _id, t) {
    await withSession(op, t.connection, async (s) => {
      const { hbaFile } = await serverPaths(s);
      const hba = await readServerFile(s, hbaFile);
      if (hba !== undefined && withoutPgtierBlock(hba) !== hba) {
        await writeServerFile(s, hbaFile, withoutPgtierBlock(hba));
      }
      for (const sql of buildSslOffSql()) {
        await s.run(sql);
      }
      await s.rows(reloadSql);
    });
  },
};
