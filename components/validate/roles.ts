/** Validators for roles and grants. */
import { isBag } from "../model/reader";
import { GRANT_OBJECT_TYPES, GrantObjectType, PRIVILEGES_BY_TYPE } from "../sql/roles";
import {
  CheckFailure,
  checkConnection,
  checkIdentifier,
  checkOptionalFlag,
  checkOptionalIdentifier,
  checkPasswordCharacters,
  isUnknown,
} from "./common";

/** Validates `Role` inputs. */
export function validateRoleArgs(news: Record<string, unknown>): CheckFailure[] {
  const failures: CheckFailure[] = [];
  checkConnection(news.connection, failures);
  checkIdentifier("name", news.name, failures);
  for (const flag of ["login", "superuser", "createDatabase", "createRole", "inherit", "replication", "adopt"]) {
    checkOptionalFlag(flag, news[flag], failures);
  }
  const limit = news.connectionLimit;
  if (limit !== undefined && !isUnknown(limit) && !(Number.isInteger(limit) && Number(limit) >= -1)) {
    failures.push({
      property: "connectionLimit",
      reason: `connectionLimit must be -1 (no limit) or a whole number of connections, got ${JSON.stringify(limit)}`,
    });
  }
  if (news.password !== undefined && !isUnknown(news.password) && (typeof news.password !== "string" || news.password === "")) {
    failures.push({ property: "password", reason: "password must be a non-empty string; leave it out to have one generated" });
  }
  checkPasswordCharacters("password", news.password, failures);
  return failures;
}

/** Checks a list of privileges for one object type. */
function checkPrivileges(objectType: GrantObjectType, value: unknown, failures: CheckFailure[]): void {
  if (isUnknown(value)) {
    return;
  }
  if (!Array.isArray(value)) {
    failures.push({ property: "privileges", reason: `privileges must be a list, e.g. ["SELECT"]` });
    return;
  }
  const allowed = PRIVILEGES_BY_TYPE[objectType];
  value.forEach((p, i) => {
    if (!isUnknown(p) && !(typeof p === "string" && allowed.includes(p))) {
      failures.push({
        property: `privileges[${i}]`,
        reason: `privilege ${JSON.stringify(p)} does not apply to a ${objectType}; use ${allowed.join(", ")} (upper case)`,
      });
    }
  });
}

/** Checks a list of object names. */
function checkObjects(value: unknown, failures: CheckFailure[]): void {
  if (value === undefined || isUnknown(value)) {
    return;
  }
  if (!Array.isArray(value)) {
    failures.push({ property: "objects", reason: `objects must be a list of names` });
    return;
  }
  value.forEach((o, i) => checkIdentifier(`objects[${i}]`, o, failures));
}

/** Validates `Grant` inputs. */
export function validateGrantArgs(news: Record<string, unknown>): CheckFailure[] {
  const failures: CheckFailure[] = [];
  checkConnection(news.connection, failures);
  checkIdentifier("role", news.role, failures);
  checkOptionalIdentifier("database", news.database, failures);
  checkOptionalIdentifier("schema", news.schema, failures);
  checkOptionalFlag("withGrantOption", news.withGrantOption, failures);
  checkObjects(news.objects, failures);
  const type = news.objectType;
  if (isUnknown(type)) {
    return failures;
  }
  if (!GRANT_OBJECT_TYPES.includes(type as GrantObjectType)) {
    failures.push({
      property: "objectType",
      reason: `objectType must be one of ${GRANT_OBJECT_TYPES.join(", ")}, got ${JSON.stringify(type)}`,
    });
    return failures;
  }
  const objectType = type as GrantObjectType;
  checkPrivileges(objectType, news.privileges, failures);
  const objects = Array.isArray(news.objects) ? news.objects : [];
  if (objectType === "foreign_server" && objects.length === 0) {
    failures.push({ property: "objects", reason: `a grant on foreign_server names the servers in objects, e.g. ["archive_server"]` });
  }
  if ((objectType === "database" || objectType === "schema") && objects.length > 0) {
    failures.push({
      property: "objects",
      reason: `a grant on a ${objectType} takes no objects; name it with ${objectType === "database" ? "database" : "schema"} instead`,
    });
  }
  return failures;
}

/** Validates an archive target's `grants` (a TieredPartition's archive tables). */
export function checkTableGrants(property: string, value: unknown, failures: CheckFailure[]): void {
  if (value === undefined || isUnknown(value)) {
    return;
  }
  if (!Array.isArray(value)) {
    failures.push({ property, reason: `${property} must be a list of {role, privileges}` });
    return;
  }
  value.forEach((g, i) => {
    if (!isBag(g)) {
      failures.push({ property: `${property}[${i}]`, reason: `${property}[${i}] must be {role, privileges}` });
      return;
    }
    checkIdentifier(`${property}[${i}].role`, g.role, failures);
    const nested: CheckFailure[] = [];
    checkPrivileges("table", g.privileges, nested);
    failures.push(...nested.map((f) => ({ property: `${property}[${i}].${f.property}`, reason: f.reason })));
  });
}
