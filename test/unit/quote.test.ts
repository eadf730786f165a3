import assert from "node:assert/strict";
import fc from "fast-check";
import { catalogTypeOf, knownTypeNames, quoteIdent, quoteLiteral, quoteQualified, renderType } from "../../components/sql/quote";

/** Any string without NUL, including quotes, backslashes, surrogates and emoji. */
const textWithoutNul = fc.string({ unit: "binary", minLength: 1, maxLength: 40 }).filter((s) => !s.includes("\0"));

describe("quoteIdent", () => {
  it("double-quotes plain names, keeping case and reserved words", () => {
    assert.equal(quoteIdent("employees"), '"employees"');
    assert.equal(quoteIdent("Order"), '"Order"');
    assert.equal(quoteIdent("user"), '"user"');
  });

  it("doubles embedded double quotes so hostile input stays one identifier", () => {
    assert.equal(quoteIdent('x"; DROP TABLE y; --'), '"x""; DROP TABLE y; --"');
    assert.equal(quoteIdent('"'), '""""');
    assert.equal(quoteIdent('a""b'), '"a""""b"');
  });

  it("leaves single quotes, backslashes and unicode as they are", () => {
    assert.equal(quoteIdent("it's"), `"it's"`);
    assert.equal(quoteIdent("a\\b"), '"a\\b"');
    assert.equal(quoteIdent("café_été"), '"café_été"');
    assert.equal(quoteIdent("表🐘"), '"表🐘"');
  });

  it("refuses a NUL character and an empty name", () => {
    assert.throws(() => quoteIdent("a\0b"), { message: 'identifier "a\\u0000b" contains a NUL character' });
    assert.throws(() => quoteIdent(""), { message: "cannot quote an empty identifier" });
  });

  it("always yields one quoted identifier that un-doubles to the input (property)", () => {
    fc.assert(
      fc.property(textWithoutNul, (name) => {
        const quoted = quoteIdent(name);
        assert.ok(quoted.startsWith('"') && quoted.endsWith('"') && quoted.length >= 3);
        const inner = quoted.slice(1, -1);
        // Every quote inside comes in a pair: nothing can close the identifier early.
        assert.equal(inner.replace(/""/g, "").includes('"'), false);
        assert.equal(inner.replace(/""/g, '"'), name);
      }),
    );
  });

  it("refuses NUL wherever it appears (property)", () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (before, after) => {
        assert.throws(() => quoteIdent(`${before}\0${after}`), /contains a NUL character/);
      }),
    );
  });
});

describe("quoteQualified", () => {
  it("quotes schema and name as two identifiers", () => {
    assert.equal(quoteQualified("public", "employees"), '"public"."employees"');
    assert.equal(quoteQualified("Archive", 'emp"2024'), '"Archive"."emp""2024"');
  });

  it("gives just the name without a schema", () => {
    assert.equal(quoteQualified(undefined, "employees"), '"employees"');
    assert.equal(quoteQualified("", "employees"), '"employees"');
  });

  it("does not let a dot in a name split it", () => {
    assert.equal(quoteQualified("public", "a.b"), '"public"."a.b"');
  });
});

describe("quoteLiteral", () => {
  it("single-quotes values and doubles embedded single quotes", () => {
    assert.equal(quoteLiteral("2024-01-01"), "'2024-01-01'");
    assert.equal(quoteLiteral("O'Reilly"), "'O''Reilly'");
    assert.equal(quoteLiteral("'; DROP TABLE y; --"), "'''; DROP TABLE y; --'");
  });

  it("keeps backslashes literal (standard_conforming_strings) and unicode as is", () => {
    assert.equal(quoteLiteral("a\\'b"), "'a\\''b'");
    assert.equal(quoteLiteral("C:\\data\\"), "'C:\\data\\'");
    assert.equal(quoteLiteral("pässwörd🔑"), "'pässwörd🔑'");
  });

  it("renders numbers and booleans as text literals", () => {
    assert.equal(quoteLiteral(10000), "'10000'");
    assert.equal(quoteLiteral(true), "'true'");
  });

  it("refuses a NUL character", () => {
    assert.throws(() => quoteLiteral("pw\0"), { message: 'literal "pw\\u0000" contains a NUL character' });
  });

  it("always yields one literal that un-doubles to the input (property)", () => {
    fc.assert(
      fc.property(textWithoutNul, (value) => {
        const quoted = quoteLiteral(value);
        assert.ok(quoted.startsWith("'") && quoted.endsWith("'") && quoted.length >= 3);
        const inner = quoted.slice(1, -1);
        assert.equal(inner.replace(/''/g, "").includes("'"), false);
        assert.equal(inner.replace(/''/g, "'"), value);
      }),
    );
  });
});

describe("renderType", () => {
  it("accepts the guide's column types", () => {
    assert.equal(renderType("serial"), "serial");
    assert.equal(renderType("text"), "text");
    assert.equal(renderType("date"), "date");
    assert.equal(renderType("decimal(10,2)"), "decimal(10,2)");
  });

  it("normalises case and whitespace", () => {
    assert.equal(renderType("  DECIMAL ( 10 , 2 ) "), "decimal(10,2)");
    assert.equal(renderType("Double   Precision"), "double precision");
    assert.equal(renderType("character varying (255)"), "character varying(255)");
    assert.equal(renderType("timestamp with time zone"), "timestamp with time zone");
  });

  it("keeps array suffixes", () => {
    assert.equal(renderType("text[]"), "text[]");
    assert.equal(renderType("int [] []"), "int[][]");
    assert.equal(renderType("numeric(10,2)[]"), "numeric(10,2)[]");
  });

  it("refuses unknown types and anything that is not a type", () => {
    for (const bad of ["texts", "geometry", "text; DROP TABLE y", 'text"', "numeric(10,2,3)", "numeric(a)", "varchar(-1)", "", "int)"]) {
      assert.equal(renderType(bad), undefined, bad);
    }
  });

  it("lists every known type once, sorted, for error messages", () => {
    assert.deepEqual([...knownTypeNames], [...new Set(knownTypeNames)].sort());
    assert.ok(knownTypeNames.includes("timestamptz"));
    assert.ok(knownTypeNames.includes("double precision"));
  });
});

describe("catalogTypeOf: a declared type as format_type() prints it", () => {
  it("spells each declared type the catalog's way, and knows nothing it cannot be sure of", () => {
    const cases: [string, string | undefined][] = [
      ["serial", "integer"],
      ["BIGSERIAL", "bigint"],
      ["decimal(10,2)", "numeric(10,2)"],
      ["numeric(10)", "numeric(10,0)"],
      ["numeric", "numeric"],
      ["varchar(20)", "character varying(20)"],
      ["char(3)", "character(3)"],
      ["timestamptz", "timestamp with time zone"],
      ["text[]", "text[]"],
      ["integer[][]", "integer[]"],
      ["numeric(08,2)", "numeric(8,2)"],
      ["varchar(010)", "character varying(10)"],
      ["date", "date"],
      ["char", undefined],
      ["timestamp(3)", undefined],
      ["citext", undefined],
      ["no such type", undefined],
    ];
    for (const [declared, printed] of cases) {
      assert.equal(catalogTypeOf(declared), printed, declared);
    }
  });
});
