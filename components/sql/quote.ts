/**
 * The one place where SQL text is built from values. Every identifier goes
 * through {@link quoteIdent} and every literal through {@link quoteLiteral};
 * nothing else in pgtier concatenates user input into SQL.
 */

/**
 * Quotes an identifier for PostgreSQL: always double-quoted, embedded double
 * quotes doubled. Always quoting keeps case and reserved words intact
 * (`"Order"`, `"user"`). A NUL character can never be part of an identifier.
 */
export function quoteIdent(name: string): string {
  if (typeof name !== "string" || name.length === 0) {
    throw new Error(`cannot quote an empty identifier`);
  }
  if (name.includes("\0")) {
    throw new Error(`identifier ${JSON.stringify(name)} contains a NUL character`);
  }
  return `"${name.replace(/"/g, '""')}"`;
}

/** Quotes `schema.name` as two identifiers; without a schema, just the name. */
export function quoteQualified(schema: string | undefined, name: string): string {
  return schema ? `${quoteIdent(schema)}.${quoteIdent(name)}` : quoteIdent(name);
}

/**
 * Quotes a string literal. Standard-conforming strings are on in every
 * supported PostgreSQL, so only single quotes need doubling; backslashes are
 * literal. A NUL character cannot be stored in a text value and is refused.
 */
export function quoteLiteral(value: string | number | boolean): string {
  const text = String(value);
  if (text.includes("\0")) {
    throw new Error(`literal ${JSON.stringify(text)} contains a NUL character`);
  }
  return `'${text.replace(/'/g, "''")}'`;
}

/** An array parameter as PostgreSQL's array literal text (`{"a","b",NULL}`), as pg sends one. */
function arrayText(values: readonly unknown[]): string {
  const element = (v: unknown): string =>
    v === null || v === undefined
      ? "NULL"
      : Array.isArray(v)
        ? arrayText(v)
        : `"${paramText(v).replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;
  return `{${values.map(element).join(",")}}`;
}

/** Two digits. */
function pad(n: number, width = 2): string {
  return String(Math.abs(n)).padStart(width, "0");
}

/** A date as pg sends one: local time with its offset from UTC. */
function dateText(d: Date): string {
  const offset = -d.getTimezoneOffset();
  const sign = offset < 0 ? "-" : "+";
  return (
    `${pad(d.getFullYear(), 4)}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}` +
    `.${pad(d.getMilliseconds(), 3)}${sign}${pad(Math.floor(Math.abs(offset) / 60))}:${pad(Math.abs(offset) % 60)}`
  );
}

/**
 * A parameter's text as pg would send it: numbers and booleans as written,
 * dates in local time with their offset, arrays as array literals, bytes as
 * bytea hex, other objects as JSON.
 */
function paramText(value: unknown): string {
  if (typeof value === "string") {
    return value;
  }
  if (typeof value === "number" || typeof value === "bigint" || typeof value === "boolean") {
    return String(value);
  }
  if (value instanceof Date) {
    return dateText(value);
  }
  if (Buffer.isBuffer(value)) {
    return `\\x${value.toString("hex")}`;
  }
  if (Array.isArray(value)) {
    return arrayText(value);
  }
  if (typeof value === "object" && value !== null) {
    return JSON.stringify(value);
  }
  throw new Error(`cannot write a ${typeof value} parameter as an SQL literal`);
}

/**
 * A `$n` parameter's value written into the statement instead: NULL, or a
 * literal of the text pg would have sent. Like a parameter, the literal has
 * no type of its own until PostgreSQL gives it one from where it stands.
 */
export function quoteParam(value: unknown): string {
  return value === null || value === undefined ? "NULL" : quoteLiteral(paramText(value));
}

/**
 * Quotes a value for a libpq connection string (`key='value'`): single
 * quotes around it, backslashes and single quotes escaped with a backslash.
 */
export function quoteConninfoValue(value: string): string {
  if (value.includes("\0")) {
    throw new Error(`connection option value contains a NUL character`);
  }
  return `'${value.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'`;
}

/**
 * Quotes one word for the POSIX shell a server runs `COPY ... TO PROGRAM`
 * with: single-quoted, embedded single quotes closed, escaped and reopened.
 */
export function quoteShellWord(word: string): string {
  if (word.includes("\0")) {
    throw new Error(`shell word ${JSON.stringify(word)} contains a NUL character`);
  }
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

/** Type names pgtier accepts for columns, lower case, without modifiers. */
const KNOWN_TYPES = new Set([
  "smallint",
  "integer",
  "int",
  "int2",
  "int4",
  "int8",
  "bigint",
  "smallserial",
  "serial",
  "bigserial",
  "serial2",
  "serial4",
  "serial8",
  "numeric",
  "decimal",
  "real",
  "double precision",
  "float4",
  "float8",
  "money",
  "text",
  "varchar",
  "character varying",
  "char",
  "character",
  "boolean",
  "bool",
  "date",
  "time",
  "timetz",
  "timestamp",
  "timestamptz",
  "timestamp with time zone",
  "timestamp without time zone",
  "time with time zone",
  "time without time zone",
  "interval",
  "uuid",
  "json",
  "jsonb",
  "bytea",
  "inet",
  "cidr",
  "macaddr",
  "citext",
]);

/** Types that take a modifier list, `(n)` or `(p, s)`. */
const TAKES_MODIFIERS = new Set([
  "numeric",
  "decimal",
  "varchar",
  "character varying",
  "char",
  "character",
  "time",
  "timetz",
  "timestamp",
  "timestamptz",
  "interval",
]);

/** A type name, optional modifiers, optional array brackets. */
const TYPE_SHAPE = /^([a-z][a-z0-9 ]*?)\s*(\(\s*\d+\s*(,\s*\d+\s*)?\))?((\s*\[\])*)$/;

/**
 * Validates a column type and returns its canonical SQL text. Types cannot be
 * quoted like identifiers (`numeric(10,2)` is syntax, not a name), so they are
 * checked against a list of known built-in types instead.
 * @returns the type text, or undefined when the type is not known
 */
export function renderType(type: string): string | undefined {
  const match = TYPE_SHAPE.exec(type.trim().toLowerCase().replace(/\s+/g, " "));
  if (!match || !KNOWN_TYPES.has(match[1].trim())) {
    return undefined;
  }
  const modifiers = (match[2] ?? "").replace(/\s+/g, "");
  if (modifiers && !TAKES_MODIFIERS.has(match[1].trim())) {
    return undefined;
  }
  const arrays = (match[4] ?? "").replace(/\s+/g, "");
  return `${match[1].trim()}${modifiers}${arrays}`;
}

/** Every type name {@link renderType} accepts, for error messages. */
export const knownTypeNames: readonly string[] = [...KNOWN_TYPES].sort();

/** How format_type() prints each known type given without modifiers; absent where that depends on more (`char` is `character(1)`). */
const CATALOG_NAMES: Readonly<Record<string, string>> = {
  smallint: "smallint",
  int2: "smallint",
  smallserial: "smallint",
  serial2: "smallint",
  integer: "integer",
  int: "integer",
  int4: "integer",
  serial: "integer",
  serial4: "integer",
  bigint: "bigint",
  int8: "bigint",
  bigserial: "bigint",
  serial8: "bigint",
  numeric: "numeric",
  decimal: "numeric",
  real: "real",
  float4: "real",
  "double precision": "double precision",
  float8: "double precision",
  money: "money",
  text: "text",
  varchar: "character varying",
  "character varying": "character varying",
  boolean: "boolean",
  bool: "boolean",
  date: "date",
  time: "time without time zone",
  "time without time zone": "time without time zone",
  timetz: "time with time zone",
  "time with time zone": "time with time zone",
  timestamp: "timestamp without time zone",
  "timestamp without time zone": "timestamp without time zone",
  timestamptz: "timestamp with time zone",
  "timestamp with time zone": "timestamp with time zone",
  interval: "interval",
  uuid: "uuid",
  json: "json",
  jsonb: "jsonb",
  bytea: "bytea",
  inet: "inet",
  cidr: "cidr",
  macaddr: "macaddr",
};

/**
 * A declared column type as PostgreSQL's format_type() prints it
 * (`decimal(10,2)` is `numeric(10,2)`, `serial` is `integer`), to tell a
 * column of another type from the same type spelt another way. Undefined
 * where pgtier does not know the spelling (modifiers on time types, say):
 * such a column is never called different.
 */
export function catalogTypeOf(type: string): string | undefined {
  const rendered = renderType(type);
  const match = rendered === undefined ? null : TYPE_SHAPE.exec(rendered);
  if (!match) {
    return undefined;
  }
  const [, name, written, , brackets] = match;
  // format_type prints modifiers as numbers (08 is 8) and any number of array dimensions as one [].
  const modifiers =
    written &&
    `(${written
      .slice(1, -1)
      .split(",")
      .map((n) => String(parseInt(n, 10)))
      .join(",")})`;
  const arrays = brackets ? "[]" : "";
  let printed: string | undefined;
  if (!modifiers) {
    printed = CATALOG_NAMES[name];
  } else if (name === "numeric" || name === "decimal") {
    printed = `numeric${modifiers.includes(",") ? modifiers : modifiers.replace(")", ",0)")}`;
  } else if (name === "varchar" || name === "character varying") {
    printed = `character varying${modifiers}`;
  } else if (name === "char" || name === "character") {
    printed = `character${modifiers}`;
  }
  return printed && `${printed}${arrays}`;
}
