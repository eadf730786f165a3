/** Building blocks for the pure validators: failures, unknowns and the common checks. */
import { isUnknown } from "../model/engine-values";
import { isBag } from "../model/reader";
import { CheckFailure } from "../model/types";
import { renderType } from "../sql/quote";

export { CheckFailure } from "../model/types";
export { isUnknown, UNKNOWN } from "../model/engine-values";

/** PostgreSQL truncates identifiers longer than this many bytes (NAMEDATALEN - 1). */
export const MAX_IDENTIFIER_BYTES = 63;

const PLAIN_IDENTIFIER = /^[a-z_][a-z0-9_]*$/;

/**
 * Checks a name that becomes an SQL identifier. pgtier quotes every identifier
 * anyway; it also insists on plain lower-case names so that the objects it
 * creates can be queried without quoting, and so a name like
 * `x"; DROP TABLE y` is refused with an explanation rather than created.
 */
export function checkIdentifier(property: string, value: unknown, failures: CheckFailure[]): void {
  if (value === undefined || value === null || value === "") {
    failures.push({ property, reason: `${property} is required` });
    return;
  }
  if (isUnknown(value)) {
    return;
  }
  if (typeof value !== "string") {
    failures.push({ property, reason: `${property} must be a string, got ${JSON.stringify(value)}` });
    return;
  }
  if (Buffer.byteLength(value, "utf8") > MAX_IDENTIFIER_BYTES) {
    failures.push({
      property,
      reason: `${property} ${JSON.stringify(value)} is longer than PostgreSQL's ${MAX_IDENTIFIER_BYTES}-byte identifier limit; use a shorter name`,
    });
  } else if (!PLAIN_IDENTIFIER.test(value)) {
    failures.push({
      property,
      reason: `${property} ${JSON.stringify(value)} is not a plain SQL identifier; use lower-case letters, digits and underscores, starting with a letter or underscore (e.g. "emp_2024")`,
    });
  }
}

/** Checks an optional identifier: absent is fine. */
export function checkOptionalIdentifier(property: string, value: unknown, failures: CheckFailure[]): void {
  if (value !== undefined && value !== null) {
    checkIdentifier(property, value, failures);
  }
}

/** Checks a required non-empty string. */
export function checkString(property: string, value: unknown, failures: CheckFailure[]): void {
  if (isUnknown(value)) {
    return;
  }
  if (typeof value !== "string" || value.length === 0) {
    failures.push({ property, reason: `${property} is required and must be a non-empty string` });
  } else if (value.includes("\0")) {
    failures.push({ property, reason: `${property} must not contain a NUL character` });
  }
}

/**
 * Checks the characters of a password that is known to be a string: any
 * character works (quotes, backslashes, spaces, $, non-ASCII) but a line
 * break or NUL, which the image's first start (initdb --pwfile) and libpq's
 * password files cannot hold. The password itself is never shown.
 */
export function checkPasswordCharacters(property: string, value: unknown, failures: CheckFailure[]): void {
  if (typeof value === "string" && /[\r\n\0]/.test(value)) {
    failures.push({
      property,
      reason: `${property} contains a line break or NUL character, which PostgreSQL's tools cannot pass on; choose a password without them`,
    });
  }
}

/** Checks an optional boolean: absent or unknown is fine. */
export function checkOptionalFlag(property: string, value: unknown, failures: CheckFailure[]): void {
  if (value !== undefined && !isUnknown(value) && typeof value !== "boolean") {
    failures.push({ property, reason: `${property} must be true or false, got ${JSON.stringify(value)}` });
  }
}

/** Checks a TCP port number. */
export function checkPort(property: string, value: unknown, failures: CheckFailure[], allowZero = false): void {
  if (isUnknown(value)) {
    return;
  }
  const min = allowZero ? 0 : 1;
  if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > 65535) {
    failures.push({ property, reason: `${property} must be an integer port from ${min} to 65535, got ${JSON.stringify(value)}` });
  }
}

/** A bound value understood by pgtier, ordered within its kind. */
export type BoundValue =
  { readonly kind: "date" | "timestamp"; readonly order: number } | { readonly kind: "integer"; readonly order: bigint };

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}(:?\d{2})?)?$/;

/** Parses a range bound: an ISO date, an ISO timestamp or an integer. */
export function parseBound(value: string): BoundValue | undefined {
  const date = DATE.exec(value);
  if (date) {
    // setUTCFullYear rolls 2024-02-30 over to March (a real date round-trips) and, unlike Date.UTC, keeps years 0-99.
    const d = new Date(0);
    d.setUTCFullYear(Number(date[1]), Number(date[2]) - 1, Number(date[3]));
    return d.toISOString().slice(0, 10) === value ? { kind: "date", order: d.getTime() } : undefined;
  }
  if (TIMESTAMP.test(value)) {
    // Date.parse rolls 2024-02-30 over to March; the date part must be a real date.
    const t = Date.parse(value.replace(" ", "T"));
    return Number.isNaN(t) || parseBound(value.slice(0, 10))?.kind !== "date" ? undefined : { kind: "timestamp", order: t };
  }
  if (/^-?\d+$/.test(value)) {
    return { kind: "integer", order: BigInt(value) };
  }
  return undefined;
}

/** Checks `from`/`to`: both parse, are of one kind, and from < to. */
export function checkBounds(from: unknown, to: unknown, failures: CheckFailure[]): void {
  if (isUnknown(from) || isUnknown(to)) {
    return;
  }
  const parsed: Record<string, BoundValue | undefined> = {};
  for (const [property, value] of [
    ["from", from],
    ["to", to],
  ] as const) {
    parsed[property] = typeof value === "string" ? parseBound(value) : undefined;
    if (!parsed[property]) {
      failures.push({
        property,
        reason: `${property} ${JSON.stringify(value)} is not a range bound pgtier understands; use an ISO date ("2024-01-01"), an ISO timestamp or an integer`,
      });
    }
  }
  const a = parsed.from;
  const b = parsed.to;
  if (a && b) {
    if (a.kind !== b.kind) {
      failures.push({
        property: "to",
        reason: `from ${JSON.stringify(from)} and to ${JSON.stringify(to)} are of different kinds (${a.kind} and ${b.kind}); use the same kind for both`,
      });
    } else if (!(a.order < b.order)) {
      failures.push({
        property: "to",
        reason: `bounds are inverted or empty: from ${JSON.stringify(from)} must be before to ${JSON.stringify(to)} (ranges are [from, to))`,
      });
    }
  }
}

/** Checks a column list: names, known types, no duplicates. */
export function checkColumns(value: unknown, failures: CheckFailure[]): void {
  if (isUnknown(value)) {
    return;
  }
  if (!Array.isArray(value) || value.length === 0) {
    failures.push({ property: "columns", reason: "columns must list at least one column" });
    return;
  }
  const seen = new Set<string>();
  value.forEach((column: { name?: unknown; type?: unknown }, i) => {
    checkIdentifier(`columns[${i}].name`, column?.name, failures);
    if (typeof column?.name === "string") {
      if (seen.has(column.name)) {
        failures.push({ property: `columns[${i}].name`, reason: `column ${JSON.stringify(column.name)} is listed twice` });
      }
      seen.add(column.name);
    }
    if (!isUnknown(column?.type) && (typeof column?.type !== "string" || !renderType(column.type))) {
      failures.push({
        property: `columns[${i}].type`,
        reason: `column ${JSON.stringify(column?.name)} has unknown type ${JSON.stringify(column?.type)}; use a built-in type such as text, integer, bigint, numeric(10,2), date or timestamptz`,
      });
    }
  });
}

/** The names of the columns in a column list, where known. */
export function columnNames(columns: unknown): Set<string> | undefined {
  if (!Array.isArray(columns) || isUnknown(columns)) {
    return undefined;
  }
  return new Set(columns.map((c: { name: string }) => c.name));
}

/** Checks an index list against the table's columns. */
export function checkIndexes(value: unknown, columns: Set<string> | undefined, failures: CheckFailure[]): void {
  if (value === undefined || isUnknown(value)) {
    return;
  }
  if (!Array.isArray(value)) {
    failures.push({ property: "indexes", reason: "indexes must be a list" });
    return;
  }
  const seen = new Set<string>();
  value.forEach((index: { name?: unknown; columns?: unknown }, i) => {
    checkIdentifier(`indexes[${i}].name`, index?.name, failures);
    if (typeof index?.name === "string") {
      if (seen.has(index.name)) {
        failures.push({ property: `indexes[${i}].name`, reason: `index ${JSON.stringify(index.name)} is listed twice` });
      }
      seen.add(index.name);
    }
    if (!Array.isArray(index?.columns) || index.columns.length === 0) {
      failures.push({ property: `indexes[${i}].columns`, reason: `index ${JSON.stringify(index?.name)} must list at least one column` });
      return;
    }
    for (const column of index.columns) {
      if (columns && !columns.has(column)) {
        failures.push({
          property: `indexes[${i}].columns`,
          reason: `index ${JSON.stringify(index.name)} names column ${JSON.stringify(column)}, which the table does not have; use one of ${[...columns].join(", ")}`,
        });
      }
    }
  });
}

/** Checks a string-to-string option map (values must be strings). */
export function checkStringMap(property: string, value: unknown, failures: CheckFailure[]): void {
  if (value === undefined || isUnknown(value)) {
    return;
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    failures.push({ property, reason: `${property} must be a map of option names to string values` });
    return;
  }
  for (const [k, v] of Object.entries(value)) {
    if (typeof v !== "string" && !isUnknown(v)) {
      failures.push({
        property: `${property}.${k}`,
        reason: `${property}.${k} must be a string (PostgreSQL options are text), got ${JSON.stringify(v)}; write "${String(v)}"`,
      });
    }
  }
}

/** Checks a connection object's shape (its values may be unknown during preview). */
export function checkConnection(value: unknown, failures: CheckFailure[]): void {
  if (isUnknown(value) && typeof value !== "object") {
    return;
  }
  if (!isBag(value)) {
    failures.push({ property: "connection", reason: "connection is required: pass the instance's connection (instance.connection)" });
    return;
  }
  const c = value;
  checkString("connection.host", c.host, failures);
  checkPort("connection.port", c.port, failures);
  checkString("connection.user", c.user, failures);
  checkString("connection.database", c.database, failures);
  if (c.container !== undefined && typeof c.container !== "string" && !isUnknown(c.container)) {
    failures.push({
      property: "connection.container",
      reason: "connection.container must be the name of the instance's container (pass instance.connection)",
    });
  }
  if (c.password !== undefined && typeof c.password !== "string" && !isUnknown(c.password)) {
    failures.push({
      property: "connection.password",
      reason: "connection.password must be a string (pass the instance's password, a Pulumi secret)",
    });
  }
}

export { formatFailures } from "../errors";
