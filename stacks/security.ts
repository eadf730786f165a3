/**
 * The stack's security settings: the roles user mappings log in as
 * (`pgtier:fdwRoles`, `pgtier:writableArchives`) and how foreign servers
 * connect (`pgtier:sslmode`, `pgtier:sslrootcert`, `pgtier:serverOptions`).
 */

/** The keys of one stack's security settings, as read from its config. */
export interface SecurityConfig {
  /** `pgtier:fdwRoles`: dedicated reader/writer roles for user mappings (default true). */
  readonly fdwRoles?: boolean;
  /** `pgtier:writableArchives`: archive names whose mapping uses the writer (default none). */
  readonly writableArchives?: readonly string[];
  /** `pgtier:sslmode`: libpq sslmode of every foreign server (default unset: libpq's `prefer`). */
  readonly sslmode?: string;
  /** `pgtier:sslrootcert`: the CA certificate's path on the main instance (required with verify-ca/verify-full). */
  readonly sslrootcert?: string;
  /** `pgtier:serverOptions`: more postgres_fdw server options (default pgtier's DEFAULT_SERVER_OPTIONS). */
  readonly serverOptions?: Readonly<Record<string, string>>;
  /** `pgtier:tls`: pgtier's CA, a certificate per instance, TLS on in each (default false). */
  readonly tls?: boolean;
  /** `pgtier:passwordFile`: the FDW roles' passwords in a password file on the main instance, not in the mappings (default false). */
  readonly passwordFile?: boolean;
  /** `pgtier:isolateArchives`: archive containers on an internal network, published only when configured (default false). */
  readonly isolateArchives?: boolean;
}

/** libpq's sslmode values, weakest first. */
export const SSL_MODES = ["disable", "allow", "prefer", "require", "verify-ca", "verify-full"] as const;

/** Every problem with the security settings; `archives` are the names in `pgtier:archives`. */
export function securityConfigProblems(c: SecurityConfig, archives: readonly unknown[], mainIsServer = false): string[] {
  const problems: string[] = [];
  if (c.isolateArchives && mainIsServer) {
    problems.push(
      `pgtier:isolateArchives puts archive containers on a Docker network of their own, which an existing main server cannot join; remove it, and isolate the servers' network yourself`,
    );
  }
  if (c.sslmode !== undefined && !(SSL_MODES as readonly string[]).includes(c.sslmode)) {
    problems.push(`pgtier:sslmode must be one of ${SSL_MODES.join(", ")}, not ${JSON.stringify(c.sslmode)}`);
  }
  if (c.passwordFile && c.fdwRoles === false) {
    problems.push(`pgtier:passwordFile holds the FDW roles' passwords; remove it, or set pgtier:fdwRoles to true`);
  }
  if (c.tls && c.sslrootcert) {
    problems.push(`pgtier:tls places pgtier's CA on the main instance and points sslrootcert at it; remove pgtier:sslrootcert`);
  }
  if (c.tls && c.sslmode !== undefined && !["require", "verify-ca", "verify-full"].includes(c.sslmode)) {
    problems.push(
      `pgtier:tls is on, so pgtier:sslmode ${JSON.stringify(c.sslmode)} would let connections go unencrypted; use verify-full (the default with tls) or require`,
    );
  }
  if ((c.sslmode === "verify-ca" || c.sslmode === "verify-full") && !c.sslrootcert && !c.tls) {
    problems.push(
      `pgtier:sslmode is ${c.sslmode}, which verifies the archive's certificate: set pgtier:sslrootcert to the CA certificate's path on the main instance`,
    );
  }
  if (c.writableArchives !== undefined) {
    if (!Array.isArray(c.writableArchives) || !c.writableArchives.every((n) => typeof n === "string")) {
      problems.push(`pgtier:writableArchives must be a list of archive names, e.g. ["archive"]`);
    } else {
      for (const name of c.writableArchives.filter((n) => !archives.includes(n))) {
        problems.push(
          `pgtier:writableArchives names ${JSON.stringify(name)}, which is not an archive of this stack (${archives.filter((a) => typeof a === "string").join(", ")})`,
        );
      }
      if (c.fdwRoles === false && c.writableArchives.length > 0) {
        problems.push(`pgtier:writableArchives needs the FDW roles; remove it, or set pgtier:fdwRoles to true`);
      }
    }
  }
  const options = c.serverOptions;
  if (options !== undefined) {
    if (typeof options !== "object" || options === null || Array.isArray(options)) {
      problems.push(`pgtier:serverOptions must be an object of option names to string values, e.g. {"fetch_size": "50000"}`);
    } else {
      for (const key of ["sslmode", "sslrootcert"].filter((k) => k in options)) {
        problems.push(`pgtier:serverOptions sets ${key}; use the stack setting pgtier:${key} instead`);
      }
    }
  }
  return problems;
}

/** The sslmode of the foreign servers: the one given, else verify-full with pgtier's TLS, else none (libpq's prefer). */
export function sslmodeOf(c: SecurityConfig): string | undefined {
  return c.sslmode ?? (c.tls ? "verify-full" : undefined);
}

/** The foreign servers' options: the defaults, `pgtier:serverOptions` over them, and the TLS settings. */
export function serverOptionsOf(c: SecurityConfig, defaults: Readonly<Record<string, string>>): Record<string, string> {
  const sslmode = sslmodeOf(c);
  return {
    ...defaults,
    ...c.serverOptions,
    ...(sslmode ? { sslmode } : {}),
    ...(c.sslrootcert ? { sslrootcert: c.sslrootcert } : {}),
  };
}
