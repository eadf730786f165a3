import assert from "node:assert/strict";
import fc from "fast-check";
import {
  CheckFailure,
  checkBounds,
  checkIdentifier,
  checkPort,
  checkString,
  formatFailures,
  isUnknown,
  parseBound,
  UNKNOWN,
} from "../../components/validate/common";

function identifierFailures(value: unknown): CheckFailure[] {
  const failures: CheckFailure[] = [];
  checkIdentifier("name", value, failures);
  return failures;
}

function boundsFailures(from: unknown, to: unknown): CheckFailure[] {
  const failures: CheckFailure[] = [];
  checkBounds(from, to, failures);
  return failures;
}

const notPlain = (value: string) =>
  `name ${JSON.stringify(value)} is not a plain SQL identifier; use lower-case letters, digits and underscores, starting with a letter or underscore (e.g. "emp_2024")`;

describe("checkIdentifier", () => {
  it("accepts plain lower-case names up to 63 bytes", () => {
    for (const ok of ["emp_2024", "_x", "a", "a".repeat(63)]) {
      assert.deepEqual(identifierFailures(ok), [], ok);
    }
  });

  it("refuses a hostile name with an explanation", () => {
    assert.deepEqual(identifierFailures('x"; DROP TABLE y; --'), [{ property: "name", reason: notPlain('x"; DROP TABLE y; --') }]);
  });

  it("refuses upper case, spaces, a leading digit, dashes and non-ASCII letters", () => {
    for (const bad of ["Employees", "emp 2024", "2024_emp", "emp-2024", "café", "emp.2024"]) {
      assert.deepEqual(identifierFailures(bad), [{ property: "name", reason: notPlain(bad) }], bad);
    }
  });

  it("refuses a name over PostgreSQL's 63-byte limit, counting bytes not characters", () => {
    const ascii = "a".repeat(64);
    const multibyte = "é".repeat(32); // 32 characters, 64 bytes
    for (const long of [ascii, multibyte]) {
      assert.deepEqual(identifierFailures(long), [
        {
          property: "name",
          reason: `name ${JSON.stringify(long)} is longer than PostgreSQL's 63-byte identifier limit; use a shorter name`,
        },
      ]);
    }
  });

  it("requires a value, and a string", () => {
    for (const missing of [undefined, null, ""]) {
      assert.deepEqual(identifierFailures(missing), [{ property: "name", reason: "name is required" }]);
    }
    assert.deepEqual(identifierFailures(42), [{ property: "name", reason: "name must be a string, got 42" }]);
  });

  it("skips a value not known yet", () => {
    assert.deepEqual(identifierFailures(UNKNOWN), []);
  });
});

describe("checkString and checkPort", () => {
  it("refuses empty strings and NUL characters", () => {
    const failures: CheckFailure[] = [];
    checkString("host", "", failures);
    checkString("dbname", "a\0b", failures);
    checkString("image", UNKNOWN, failures);
    assert.deepEqual(failures, [
      { property: "host", reason: "host is required and must be a non-empty string" },
      { property: "dbname", reason: "dbname must not contain a NUL character" },
    ]);
  });

  it("accepts ports 1..65535 (0 only where allowed)", () => {
    const failures: CheckFailure[] = [];
    for (const port of [1, 5432, 65535, UNKNOWN]) {
      checkPort("port", port, failures);
    }
    checkPort("hostPort", 0, failures, true);
    assert.equal(failures.length, 0);
    const refused: CheckFailure[] = [];
    for (const port of [0, 65536, 5432.5, "5432"]) {
      checkPort("port", port, refused);
    }
    assert.deepEqual(
      refused.map((f) => f.reason),
      [
        "port must be an integer port from 1 to 65535, got 0",
        "port must be an integer port from 1 to 65535, got 65536",
        "port must be an integer port from 1 to 65535, got 5432.5",
        'port must be an integer port from 1 to 65535, got "5432"',
      ],
    );
  });
});

describe("parseBound and checkBounds", () => {
  it("parses ISO dates, timestamps and integers", () => {
    assert.deepEqual(parseBound("2024-01-01"), { kind: "date", order: Date.UTC(2024, 0, 1) });
    const noon = parseBound("2024-01-01 12:30:00");
    const later = parseBound("2024-01-01T12:31");
    assert.equal(noon?.kind, "timestamp");
    assert.equal(later?.kind, "timestamp");
    assert.ok(noon && later && noon.order < later.order);
    assert.deepEqual(parseBound("-42"), { kind: "integer", order: -42n });
    assert.equal(parseBound("yesterday"), undefined);
  });

  it("accepts a real leap day and refuses dates that do not exist", () => {
    assert.equal(parseBound("2024-02-29")?.kind, "date");
    for (const bad of ["2024-02-30", "2023-02-29", "2024-13-01", "2024-04-31", "2024-00-10"]) {
      assert.equal(parseBound(bad), undefined, bad);
    }
  });

  it("refuses timestamps on dates that do not exist", () => {
    assert.equal(parseBound("2024-02-30 00:00:00"), undefined);
    assert.equal(parseBound("2023-02-29T12:00"), undefined);
  });

  it("accepts a well-ordered range", () => {
    assert.deepEqual(boundsFailures("2024-01-01", "2025-01-01"), []);
    assert.deepEqual(boundsFailures("0", "1000000"), []);
  });

  it("refuses inverted bounds", () => {
    assert.deepEqual(boundsFailures("2025-01-01", "2024-01-01"), [
      {
        property: "to",
        reason: 'bounds are inverted or empty: from "2025-01-01" must be before to "2024-01-01" (ranges are [from, to))',
      },
    ]);
  });

  it("refuses an empty range", () => {
    assert.deepEqual(boundsFailures("2024-01-01", "2024-01-01"), [
      {
        property: "to",
        reason: 'bounds are inverted or empty: from "2024-01-01" must be before to "2024-01-01" (ranges are [from, to))',
      },
    ]);
  });

  it("refuses bounds of different kinds", () => {
    assert.deepEqual(boundsFailures("2024-01-01", "100"), [
      {
        property: "to",
        reason: 'from "2024-01-01" and to "100" are of different kinds (date and integer); use the same kind for both',
      },
    ]);
    assert.deepEqual(
      boundsFailures("2024-01-01", "2025-01-01T00:00:00").map((f) => f.reason),
      ['from "2024-01-01" and to "2025-01-01T00:00:00" are of different kinds (date and timestamp); use the same kind for both'],
    );
  });

  it("refuses a date that does not exist, naming the argument", () => {
    assert.deepEqual(boundsFailures("2024-02-30", "2025-01-01"), [
      {
        property: "from",
        reason: 'from "2024-02-30" is not a range bound pgtier understands; use an ISO date ("2024-01-01"), an ISO timestamp or an integer',
      },
    ]);
  });

  it("reports both bounds when neither is understood", () => {
    assert.deepEqual(
      boundsFailures("last year", 2025).map((f) => f.property),
      ["from", "to"],
    );
  });

  it("skips bounds not known yet", () => {
    assert.deepEqual(boundsFailures(UNKNOWN, "2025-01-01"), []);
    assert.deepEqual(boundsFailures("2025-01-01", UNKNOWN), []);
  });

  it("fails exactly when from >= to, for any integers (property)", () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(10n ** 12n), max: 10n ** 12n }), fc.bigInt({ min: -(10n ** 12n), max: 10n ** 12n }), (a, b) => {
        const failures = boundsFailures(String(a), String(b));
        assert.equal(failures.length, a < b ? 0 : 1);
      }),
    );
  });
});

describe("isUnknown and formatFailures", () => {
  it("finds the unknown sentinel anywhere inside a value", () => {
    assert.equal(isUnknown(UNKNOWN), true);
    assert.equal(isUnknown({ connection: { port: UNKNOWN } }), true);
    assert.equal(isUnknown(["a", [UNKNOWN]]), true);
    assert.equal(isUnknown({ connection: { port: 5432 } }), false);
    assert.equal(isUnknown("04da6b54"), false);
  });

  it("formats one error naming the resource, with one line per problem", () => {
    assert.equal(
      formatFailures('ForeignServer "archive"', [
        { property: "name", reason: "name is required" },
        { property: "port", reason: "port must be an integer port from 1 to 65535, got 0" },
      ]),
      'ForeignServer "archive" has invalid arguments:\n  - name is required\n  - port must be an integer port from 1 to 65535, got 0',
    );
  });
});
