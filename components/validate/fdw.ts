/** Validators for databases, extensions, foreign servers and user mappings. */
import {
  CheckFailure,
  checkConnection,
  checkIdentifier,
  checkOptionalIdentifier,
  checkPasswordCharacters,
  checkPort,
  checkString,
  checkStringMap,
  isUnknown,
} from "./common";

/** Validates `Database` inputs. */
export function validateDatabaseArgs(news: Record<string, unknown>): CheckFailure[] {
  const failures: CheckFailure[] = [];
  checkConnection(news.connection, failures);
  checkIdentifier("name", news.name, failures);
  return failures;
}

/** Validates `Extension` inputs. */
export function validateExtensionArgs(news: Record<string, unknown>): CheckFailure[] {
  const failures: CheckFailure[] = [];
  checkConnection(news.connection, failures);
  checkIdentifier("name", news.name, failures);
  checkOptionalIdentifier("schema", news.schema, failures);
  return failures;
}

/**
 * postgres_fdw's server options (PostgreSQL 15/16) and libpq connection options
 * it passes through. `host`, `port` and `dbname` have arguments of their own.
 * `true` marks options whose value must be a positive integer, `"bool"` a boolean.
 */
const SERVER_OPTIONS: Record<string, true | "bool" | "number" | "text"> = {
  fetch_size: true,
  batch_size: true,
  use_remote_estimate: "bool",
  async_capable: "bool",
  keep_connections: "bool",
  parallel_commit: "bool",
  parallel_abort: "bool",
  updatable: "bool",
  truncatable: "bool",
  analyze_sampling: "text",
  fdw_startup_cost: "number",
  fdw_tuple_cost: "number",
  extensions: "text",
  sslmode: "text",
  sslcert: "text",
  sslkey: "text",
  sslrootcert: "text",
  passfile: "text",
  sslcrl: "text",
  sslcompression: "text",
  sslsni: "text",
  connect_timeout: true,
  application_name: "text",
  target_session_attrs: "text",
  keepalives: "text",
  keepalives_idle: true,
  keepalives_interval: true,
  keepalives_count: true,
  tcp_user_timeout: true,
  gssencmode: "text",
  options: "text",
};

/** Foreign-table options postgres_fdw accepts on a foreign partition. */
const FOREIGN_TABLE_OPTIONS: Record<string, true | "bool" | "number" | "text"> = {
  fetch_size: true,
  batch_size: true,
  use_remote_estimate: "bool",
  async_capable: "bool",
  updatable: "bool",
  truncatable: "bool",
  analyze_sampling: "text",
};

const SSL_MODES = ["disable", "allow", "prefer", "require", "verify-ca", "verify-full"];
const BOOLEAN = /^(true|false|on|off|yes|no|1|0)$/i;

function checkFdwOptions(
  property: string,
  value: unknown,
  known: Record<string, true | "bool" | "number" | "text">,
  reserved: readonly string[],
  failures: CheckFailure[],
): void {
  const before = failures.length;
  checkStringMap(property, value, failures);
  if (!value || typeof value !== "object" || Array.isArray(value) || isUnknown(value)) {
    return;
  }
  if (failures.slice(before).some((f) => f.property === property)) {
    return;
  }
  for (const [key, raw] of Object.entries(value as Record<string, unknown>)) {
    const where = `${property}.${key}`;
    if (key === "user" || key === "password") {
      failures.push({
        property: where,
        reason: `${where}: credentials do not belong in server options; set them on a UserMapping (remoteUser, password)`,
      });
      continue;
    }
    if (reserved.includes(key)) {
      failures.push({ property: where, reason: `${where}: set ${key} with its own argument, not in ${property}` });
      continue;
    }
    const kind = known[key];
    if (!kind) {
      failures.push({
        property: where,
        reason: `${where}: ${key} is not a postgres_fdw option; known options are ${Object.keys(known).sort().join(", ")}`,
      });
      continue;
    }
    if (typeof raw !== "string") {
      continue;
    }
    if (kind === true && !/^[1-9]\d*$/.test(raw)) {
      failures.push({ property: where, reason: `${where} must be a positive integer, got ${JSON.stringify(raw)}` });
    } else if (kind === "bool" && !BOOLEAN.test(raw)) {
      failures.push({ property: where, reason: `${where} must be "true" or "false", got ${JSON.stringify(raw)}` });
    } else if (kind === "number" && !/^\d+(\.\d+)?$/.test(raw)) {
      failures.push({ property: where, reason: `${where} must be a number, got ${JSON.stringify(raw)}` });
    } else if (key === "sslmode" && !SSL_MODES.includes(raw)) {
      failures.push({ property: where, reason: `${where} must be one of ${SSL_MODES.join(", ")}, got ${JSON.stringify(raw)}` });
    } else if (key === "extensions" && !raw.split(",").every((e) => /^[a-z_][a-z0-9_]*$/.test(e.trim()))) {
      failures.push({ property: where, reason: `${where} must be a comma-separated list of extension names, got ${JSON.stringify(raw)}` });
    }
  }
}

/** Validates `ForeignServer` inputs. */
export function validateForeignServerArgs(news: Record<string, unknown>): CheckFailure[] {
  const failures: CheckFailure[] = [];
  checkConnection(news.connection, failures);
  checkIdentifier("name", news.name, failures);
  checkString("host", news.host, failures);
  checkPort("port", news.port, failures);
  checkString("dbname", news.dbname, failures);
  checkFdwOptions("options", news.options, SERVER_OPTIONS, ["host", "port", "dbname", "user", "password"], failures);
  return failures;
}

/** Validates `UserMapping` inputs. */
export function validateUserMappingArgs(news: Record<string, unknown>): CheckFailure[] {
  const failures: CheckFailure[] = [];
  checkConnection(news.connection, failures);
  checkIdentifier("server", news.server, failures);
  if (news.localUser !== undefined && news.localUser !== "PUBLIC" && news.localUser !== "CURRENT_USER") {
    checkIdentifier("localUser", news.localUser, failures);
  }
  checkString("remoteUser", news.remoteUser, failures);
  if (news.password !== undefined && !isUnknown(news.password) && (typeof news.password !== "string" || news.password.length === 0)) {
    failures.push({
      property: "password",
      reason:
        "password must be a non-empty string (a secret); leave it out only when the server's passfile holds it, which postgres_fdw allows for superuser local roles",
    });
  }
  checkPasswordCharacters("password", news.password, failures);
  return failures;
}

/** Validates foreign partition options (table-level postgres_fdw options). */
export function checkForeignTableOptions(value: unknown, failures: CheckFailure[]): void {
  checkFdwOptions("options", value, FOREIGN_TABLE_OPTIONS, ["schema_name", "table_name"], failures);
}
