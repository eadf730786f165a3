/**
 * Reading a property bag (as the Pulumi engine sends it, after validation)
 * into a typed value. Validation has already explained every problem a user
 * can make; a reader meeting a value of the wrong shape means state written
 * by something else, and says which property and what it expected.
 */

/** A property bag: the engine's inputs or state, plain JSON. */
export type Bag = Readonly<Record<string, unknown>>;

/** True for a plain object (not null, not an array). */
export function isBag(value: unknown): value is Bag {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A property that does not have the shape its type needs. The value itself is never shown: it may be a secret. */
export class DecodeError extends Error {
  constructor(
    /** Property path, e.g. `archive.connection.port`. */
    readonly property: string,
    expected: string,
    got: unknown,
  ) {
    super(`${property} must be ${expected}, got ${got === undefined ? "nothing" : Array.isArray(got) ? "a list" : typeof got}`);
  }
}

/** Typed access to one bag, naming each property by its path in errors. */
export class Reader {
  constructor(
    private readonly bag: Bag,
    private readonly path = "",
  ) {}

  /** The raw value of `key` (absent and null read as undefined). */
  private raw(key: string): unknown {
    const value = this.bag[key];
    return value === null ? undefined : value;
  }

  private fail(key: string, expected: string, got: unknown = this.raw(key)): never {
    throw new DecodeError(`${this.path}${key}`, expected, got);
  }

  /** Whether the bag has a value for `key`. */
  has(key: string): boolean {
    return this.raw(key) !== undefined;
  }

  /** A required string. */
  text(key: string): string {
    const value = this.raw(key);
    return typeof value === "string" ? value : this.fail(key, "a string");
  }

  /** An optional string. */
  optionalText(key: string): string | undefined {
    return this.has(key) ? this.text(key) : undefined;
  }

  /** A required number. */
  number(key: string): number {
    const value = this.raw(key);
    return typeof value === "number" ? value : this.fail(key, "a number");
  }

  /** An optional number. */
  optionalNumber(key: string): number | undefined {
    return this.has(key) ? this.number(key) : undefined;
  }

  /** A required boolean. */
  flag(key: string): boolean {
    const value = this.raw(key);
    return typeof value === "boolean" ? value : this.fail(key, "true or false");
  }

  /** An optional boolean. */
  optionalFlag(key: string): boolean | undefined {
    return this.has(key) ? this.flag(key) : undefined;
  }

  /** One of a fixed set of strings. */
  oneOf<T extends string>(key: string, allowed: readonly T[]): T {
    const value = this.raw(key);
    return allowed.find((a) => a === value) ?? this.fail(key, allowed.map((a) => JSON.stringify(a)).join(" or "));
  }

  /** A map of strings to strings (PostgreSQL options, environment). */
  textMap(key: string): Readonly<Record<string, string>> {
    const value = this.raw(key);
    if (!isBag(value)) {
      return this.fail(key, "a map of strings");
    }
    const nested = new Reader(value, `${this.path}${key}.`);
    return Object.fromEntries(Object.keys(value).map((k) => [k, nested.text(k)]));
  }

  /** An optional map of strings to strings. */
  optionalTextMap(key: string): Readonly<Record<string, string>> | undefined {
    return this.has(key) ? this.textMap(key) : undefined;
  }

  /** A nested object, read by `read`. */
  object<T>(key: string, read: (r: Reader) => T): T {
    const value = this.raw(key);
    return isBag(value) ? read(new Reader(value, `${this.path}${key}.`)) : this.fail(key, "an object");
  }

  /** An optional nested object. */
  optionalObject<T>(key: string, read: (r: Reader) => T): T | undefined {
    return this.has(key) ? this.object(key, read) : undefined;
  }

  /** A list of objects, each read by `read`. */
  list<T>(key: string, read: (r: Reader) => T): readonly T[] {
    const value = this.raw(key);
    if (!Array.isArray(value)) {
      return this.fail(key, "a list");
    }
    return value.map((item, i) =>
      isBag(item) ? read(new Reader(item, `${this.path}${key}[${i}].`)) : this.fail(`${key}[${i}]`, "an object", item),
    );
  }

  /** A list of strings. */
  textList(key: string): readonly string[] {
    const value = this.raw(key);
    if (!Array.isArray(value) || !value.every((v): v is string => typeof v === "string")) {
      return this.fail(key, "a list of strings");
    }
    return value;
  }
}

/** Freezes a value and everything in it, so a decoded value cannot be changed by whoever holds it. */
export function deepFreeze<T>(value: T): T {
  if (typeof value === "object" && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) {
      deepFreeze(inner);
    }
  }
  return value;
}
