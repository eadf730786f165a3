import assert from "node:assert/strict";
import {
  parseBoundsCheck,
  parseOptions,
  parseRangeBound,
  partitionState,
  reconcileColumns,
  RelationInfo,
} from "../../components/sql/catalog";

describe("parseOptions (pg_foreign_server.srvoptions and friends)", () => {
  it("turns a catalog option array into a record", () => {
    assert.deepEqual(parseOptions(["host=pgtier-test-archive", "port=5432", "dbname=archive_db", "fetch_size=10000"]), {
      host: "pgtier-test-archive",
      port: "5432",
      dbname: "archive_db",
      fetch_size: "10000",
    });
  });

  it("splits at the first '=' only, so values may contain '='", () => {
    assert.deepEqual(parseOptions(["options=-c search_path=archive", "password=a=b"]), {
      options: "-c search_path=archive",
      password: "a=b",
    });
  });

  it("reads an entry without '=' as an empty value, and null as no options", () => {
    assert.deepEqual(parseOptions(["flag"]), { flag: "" });
    assert.deepEqual(parseOptions(null), {});
    assert.deepEqual(parseOptions(undefined), {});
  });
});

describe("parseRangeBound (pg_get_expr of relpartbound)", () => {
  it("reads a date range as pg_get_expr prints it", () => {
    assert.deepEqual(parseRangeBound("FOR VALUES FROM ('2024-01-01') TO ('2025-01-01')"), { from: "2024-01-01", to: "2025-01-01" });
  });

  it("reads timestamp and integer ranges", () => {
    assert.deepEqual(parseRangeBound("FOR VALUES FROM ('2024-01-01 00:00:00') TO ('2024-07-01 00:00:00')"), {
      from: "2024-01-01 00:00:00",
      to: "2024-07-01 00:00:00",
    });
    assert.deepEqual(parseRangeBound("FOR VALUES FROM (1) TO (1000000)"), { from: "1", to: "1000000" });
  });

  it("un-doubles quotes inside a literal", () => {
    assert.deepEqual(parseRangeBound("FOR VALUES FROM ('it''s') TO ('z')"), { from: "it's", to: "z" });
  });

  it("gives undefined for list, hash, default and missing bounds", () => {
    assert.equal(parseRangeBound("FOR VALUES IN ('a', 'b')"), undefined);
    assert.equal(parseRangeBound("FOR VALUES WITH (modulus 4, remainder 0)"), undefined);
    assert.equal(parseRangeBound("DEFAULT"), undefined);
    assert.equal(parseRangeBound(null), undefined);
    assert.equal(parseRangeBound(undefined), undefined);
  });
});

describe("partitionState (refresh of a partition)", () => {
  const info = (parent: string | null, bound: string | null): RelationInfo => ({
    oid: 16384,
    kind: "r",
    parent,
    parent_schema: parent && "public",
    bound,
  });

  it("reads an attached partition's bounds from the catalog", () => {
    assert.deepEqual(
      partitionState(
        info("employees", "FOR VALUES FROM ('2025-01-01') TO ('2025-07-01')"),
        { schema: "public", name: "employees" },
        {
          from: "2025-01-01",
          to: "2026-01-01",
        },
      ),
      { attached: true, from: "2025-01-01", to: "2025-07-01" },
    );
  });

  it("shows a partition detached by hand as not attached, keeping the declared bounds", () => {
    assert.deepEqual(partitionState(info(null, null), { schema: "public", name: "employees" }, { from: "2025-01-01", to: "2026-01-01" }), {
      attached: false,
      from: "2025-01-01",
      to: "2026-01-01",
    });
  });
});

describe("parseBoundsCheck (pg_get_constraintdef of the archive table's CHECK)", () => {
  it("reads the fully parenthesised form pg_get_constraintdef(oid) prints", () => {
    assert.deepEqual(parseBoundsCheck("CHECK (((hire_date >= '2024-01-01'::date) AND (hire_date < '2025-01-01'::date)))"), {
      from: "2024-01-01",
      to: "2025-01-01",
    });
  });

  it("reads timestamp bounds with a multi-word type", () => {
    assert.deepEqual(
      parseBoundsCheck(
        "CHECK (((created_at >= '2024-01-01 00:00:00'::timestamp without time zone) AND (created_at < '2024-07-01 00:00:00'::timestamp without time zone)))",
      ),
      { from: "2024-01-01 00:00:00", to: "2024-07-01 00:00:00" },
    );
  });

  it("un-doubles quotes inside the literals", () => {
    assert.deepEqual(parseBoundsCheck("CHECK (((k >= 'a''b'::text) AND (k < 'c''d'::text)))"), { from: "a'b", to: "c'd" });
  });

  it("reads the pretty-printed form without inner parentheses", () => {
    assert.deepEqual(parseBoundsCheck("CHECK (hire_date >= '2024-01-01'::date AND hire_date < '2025-01-01'::date)"), {
      from: "2024-01-01",
      to: "2025-01-01",
    });
  });

  it("reads integer bounds, which PostgreSQL prints without quotes", () => {
    assert.deepEqual(parseBoundsCheck("CHECK (((id >= 1) AND (id < 1000000)))"), { from: "1", to: "1000000" });
  });

  it("gives undefined for a missing or unrelated constraint", () => {
    assert.equal(parseBoundsCheck(undefined), undefined);
    assert.equal(parseBoundsCheck("CHECK ((salary > (0)::numeric))"), undefined);
  });
});

describe("reconcileColumns: columns as stored against the declared ones", () => {
  const declared = [
    { name: "id", type: "serial" },
    { name: "salary", type: "decimal(10,2)" },
    { name: "stamp", type: "timestamp(3)" },
  ];

  it("keeps the declared spelling of a column whose type the catalog prints another way", () => {
    const found = [
      { name: "id", type: "integer", not_null: true },
      { name: "salary", type: "numeric(10,2)", not_null: false },
      { name: "stamp", type: "timestamp(3) without time zone", not_null: false },
    ];
    assert.deepEqual(reconcileColumns(found, declared), declared);
  });

  it("shows a column of another type, and one added by hand, as the catalog has them", () => {
    const found = [
      { name: "id", type: "integer", not_null: true },
      { name: "salary", type: "numeric(12,2)", not_null: false },
      { name: "note", type: "text", not_null: false },
    ];
    assert.deepEqual(reconcileColumns(found, declared), [
      { name: "id", type: "serial" },
      { name: "salary", type: "numeric(12,2)", nullable: true },
      { name: "note", type: "text", nullable: true },
    ]);
  });
});
