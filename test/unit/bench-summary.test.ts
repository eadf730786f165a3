/**
 * The query benchmark's pure parts: medians, speed-ups, the printed table,
 * the RESULT line, result comparison, and the candidates it parses from
 * BENCH_QUERY_CANDIDATES.
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import { describeConfig, FDW_DEFAULTS, parseCandidates, positiveCount, PRESET_CANDIDATES } from "../../bench/configs";
import { canonicalRows, formatResultLine, formatTimingTable, median, speedup } from "../../bench/summary";

describe("benchmark summary", () => {
  it("median: the middle value, or the mean of the middle two", () => {
    const cases: [number[], number][] = [
      [[7], 7],
      [[3, 1, 2], 2],
      [[40, 10, 30, 20], 25],
      [[5, 5, 1, 9, 5], 5],
    ];
    for (const [values, expected] of cases) {
      assert.equal(median(values), expected, JSON.stringify(values));
    }
  });

  it("median: leaves its input as it was, and refuses no values", () => {
    const values = [3, 1, 2];
    median(values);
    assert.deepEqual(values, [3, 1, 2]);
    assert.throws(() => median([]), { message: "median of no values: run each query at least once" });
  });

  it("median: between the smallest and the largest value (property)", () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 0, max: 1e6, noNaN: true }), { minLength: 1, maxLength: 30 }), (values) => {
        const m = median(values);
        assert.ok(m >= Math.min(...values) && m <= Math.max(...values));
      }),
    );
  });

  it("speedup: baseline over candidate; refuses a duration that is not positive", () => {
    assert.equal(speedup(300, 100), 3);
    assert.equal(speedup(100, 400), 0.25);
    assert.throws(() => speedup(0, 1), { message: "a speed-up needs two positive durations, got 0 and 1" });
    assert.throws(() => speedup(1, NaN), { message: "a speed-up needs two positive durations, got 1 and NaN" });
  });

  it("RESULT line: the part, then every figure with two decimals in the order given", () => {
    assert.equal(
      formatResultLine("queries", [
        ["group_by_year", 1.456],
        ["top_earners", 2],
        ["one_day", 0.994],
      ]),
      "RESULT queries group_by_year=1.46 top_earners=2.00 one_day=0.99",
    );
  });

  it("timing table: medians per configuration, then each configuration's speed-up over the first", () => {
    // WHEN
    const lines = formatTimingTable(
      ["fdw_defaults", "pgtier"],
      [
        { query: "group_by_year", medians: { fdw_defaults: 1500, pgtier: 1000 } },
        { query: "one_day", medians: { fdw_defaults: 2.25, pgtier: 4.5 } },
      ],
    );
    // THEN
    assert.deepEqual(lines, [
      "query          fdw_defaults ms  pgtier ms  pgtier x",
      "-------------  ---------------  ---------  --------",
      "group_by_year           1500.0     1000.0      1.50",
      "one_day                    2.3        4.5      0.50",
    ]);
  });

  it("canonical rows: order counts only where the query orders its rows", () => {
    const a = [
      [1, "x"],
      [2, "y"],
    ];
    const b = [
      [2, "y"],
      [1, "x"],
    ];
    assert.equal(canonicalRows(a, false), canonicalRows(b, false));
    assert.notEqual(canonicalRows(a, true), canonicalRows(b, true));
    assert.notEqual(canonicalRows(a, false), canonicalRows([[1, "x"]], false));
  });
});

describe("benchmark candidates (BENCH_QUERY_CANDIDATES)", () => {
  it("none when unset, empty or 0; the presets for 1", () => {
    assert.deepEqual(parseCandidates(undefined), []);
    assert.deepEqual(parseCandidates(" "), []);
    assert.deepEqual(parseCandidates("0"), []);
    assert.deepEqual(parseCandidates("1"), PRESET_CANDIDATES);
  });

  it("server options, database settings and analyze, one candidate per ;", () => {
    assert.deepEqual(parseCandidates("fetch_size=50000 async_capable=true; enable_partitionwise_aggregate=on, analyze;"), [
      {
        name: "c1",
        serverOptions: { fetch_size: "50000", async_capable: "true" },
        databaseSettings: {},
        analyzeForeign: false,
      },
      {
        name: "c2",
        serverOptions: {},
        databaseSettings: { enable_partitionwise_aggregate: "on" },
        analyzeForeign: true,
      },
    ]);
  });

  it("refuses a word that is neither key=value nor analyze, naming it and the form", () => {
    for (const word of ["fetch_size", "fetch_size=", "=1", "Fetch-Size=1"]) {
      assert.throws(() => parseCandidates(`async_capable=true; ${word}`), {
        message: `BENCH_QUERY_CANDIDATES: ${JSON.stringify(word)} in candidate 2 is neither key=value nor analyze, e.g. "fetch_size=50000 async_capable=true; analyze"`,
      });
    }
  });

  it("describes a configuration in one line", () => {
    assert.equal(describeConfig(FDW_DEFAULTS), "postgres_fdw's and PostgreSQL's defaults");
    assert.equal(
      describeConfig({ name: "x", serverOptions: { fetch_size: "10000" }, databaseSettings: { work_mem: "64MB" }, analyzeForeign: true }),
      "fetch_size=10000, work_mem=64MB, ANALYZE of the foreign partitions on main",
    );
  });
});

describe("benchmark counts from the environment", () => {
  it("the fallback when unset or blank; a positive integer, underscores allowed", () => {
    assert.equal(positiveCount("BENCH_QUERY_ROWS", undefined, 1_000_000), 1_000_000);
    assert.equal(positiveCount("BENCH_QUERY_ROWS", "", 1_000_000), 1_000_000);
    assert.equal(positiveCount("BENCH_QUERY_ROWS", "40000", 1_000_000), 40_000);
    assert.equal(positiveCount("BENCH_QUERY_ROWS", "2_000_000", 1_000_000), 2_000_000);
  });

  it("refuses anything else, naming the variable and an example", () => {
    for (const bad of ["0", "-5", "1.5", "1e", "many"]) {
      assert.throws(() => positiveCount("BENCH_QUERY_REPEAT", bad, 5), {
        message: `BENCH_QUERY_REPEAT must be a positive integer, got ${JSON.stringify(bad)}; e.g. BENCH_QUERY_REPEAT=5`,
      });
    }
  });
});
