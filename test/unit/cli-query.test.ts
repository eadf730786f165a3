import assert from "node:assert/strict";
import { remoteWhere, summarizePlan } from "../../cli/diagnose/plan";
import { pruningVerdict, pushdownVerdicts, QueryTable, rangeRewrite, wrapsKey } from "../../cli/diagnose/query";
import { formatVerdict } from "../../cli/diagnose/verdict";

// Plans as PostgreSQL 15 gives them for the dev stack (EXPLAIN (VERBOSE, FORMAT JSON)), trimmed to the keys read.
const EXTRACT_SQL = "SELECT * FROM employees WHERE EXTRACT(YEAR FROM hire_date) = 2024";
const EXTRACT_PLAN = [
  {
    Plan: {
      "Node Type": "Append",
      "Subplans Removed": 0,
      Plans: [
        {
          "Node Type": "Foreign Scan",
          "Relation Name": "emp_2024",
          Filter: "(EXTRACT(year FROM employees_1.hire_date) = '2024'::numeric)",
          "Remote SQL": "SELECT id, name, hire_date, department, salary FROM public.emp_2024",
        },
        { "Node Type": "Seq Scan", "Relation Name": "emp_2025", Filter: "(EXTRACT(year FROM employees_2.hire_date) = '2024'::numeric)" },
      ],
    },
  },
];
const RANGE_PLAN = [
  {
    Plan: {
      "Node Type": "Aggregate",
      Plans: [
        {
          "Node Type": "Foreign Scan",
          "Relation Name": "emp_2024",
          "Remote SQL": "SELECT NULL FROM public.emp_2024 WHERE ((hire_date >= '2024-03-01')) AND ((hire_date < '2024-04-01'))",
        },
      ],
    },
  },
];
const TO_CHAR_PLAN = [
  {
    Plan: {
      "Node Type": "Foreign Scan",
      "Relation Name": "emp_2024",
      Filter: "(to_char((employees.hire_date)::timestamp with time zone, 'YYYY'::text) = '2024'::text)",
      "Remote SQL":
        "SELECT id, name, hire_date, department, salary FROM public.emp_2024 WHERE ((hire_date >= '2024-01-01')) AND ((hire_date < '2025-01-01'))",
    },
  },
];
const ALL_YEARS_PLAN = [
  {
    Plan: {
      "Node Type": "Append",
      Plans: [
        {
          "Node Type": "Foreign Scan",
          "Relation Name": "emp_2024",
          "Remote SQL": "SELECT hire_date FROM public.emp_2024 WHERE ((hire_date >= '2020-01-01'))",
        },
        { "Node Type": "Seq Scan", "Relation Name": "emp_2025", Filter: "(employees_2.hire_date >= '2020-01-01'::date)" },
      ],
    },
  },
];

const employees: QueryTable = {
  name: "employees",
  partitionKey: "hire_date",
  partitions: [{ name: "emp_2024", server: "archive_server" }, { name: "emp_2025" }],
};

describe("cli: reading a plan", () => {
  it("lists each scan with its local conditions and remote SQL", () => {
    const plan = summarizePlan(EXTRACT_PLAN);
    assert.deepEqual(
      plan.scans.map((s) => [s.nodeType, s.relations.join(","), s.localConditions.length, s.remoteSql !== undefined]),
      [
        ["Foreign Scan", "emp_2024", 1, true],
        ["Seq Scan", "emp_2025", 1, false],
      ],
    );
  });

  it("reads the relations of a Foreign Scan that aggregates or joins remotely", () => {
    const plan = summarizePlan([
      {
        Plan: {
          "Node Type": "Foreign Scan",
          Relations: "Aggregate on (public.emp_2024 employees)",
          "Remote SQL": "SELECT count(*) FROM public.emp_2024",
        },
      },
    ]);
    assert.deepEqual(plan.scans[0].relations, ["emp_2024"]);
    const join = summarizePlan([
      { Plan: { "Node Type": "Foreign Scan", Relations: '(public.emp_2024 a) INNER JOIN (public."Odd ""x" b)' } },
    ]);
    assert.deepEqual(join.scans[0].relations, ["emp_2024", 'Odd "x']);
  });

  it("refuses what is not an EXPLAIN (FORMAT JSON) result", () => {
    assert.throws(() => summarizePlan([{ nope: 1 }]), /not an EXPLAIN \(FORMAT JSON\) result/);
  });

  it("finds the WHERE of remote SQL", () => {
    assert.equal(remoteWhere("SELECT a FROM t WHERE ((a = 1))"), "((a = 1))");
    assert.equal(remoteWhere("SELECT a FROM t"), undefined);
  });
});

describe("cli: the partition key inside an expression", () => {
  const table: [string, boolean][] = [
    ["(EXTRACT(year FROM employees_1.hire_date) = '2024'::numeric)", true],
    ["(date_part('year'::text, hire_date) = '2024'::double precision)", true],
    ["(to_char((employees.hire_date)::timestamp with time zone, 'YYYY'::text) = '2024'::text)", true],
    ["((hire_date >= '2024-01-01')) AND ((hire_date < '2025-01-01'))", false],
    ["(employees_2.hire_date >= '2020-01-01'::date)", false],
    ["('2024-01-01'::date <= hire_date)", false],
    ["(hire_date IS NULL)", false],
    ["(other_hire_date_x = 1)", false],
  ];
  for (const [condition, wrapped] of table) {
    it(`${condition}: ${wrapped ? "wrapped" : "compared directly"}`, () => {
      assert.equal(wrapsKey(condition, "hire_date"), wrapped);
    });
  }
});

describe("cli: the guide's range rewrite", () => {
  it("rewrites EXTRACT(YEAR FROM key) = year as a range", () => {
    assert.equal(
      rangeRewrite(EXTRACT_SQL, "hire_date"),
      "EXTRACT(YEAR FROM hire_date) = 2024 as hire_date >= '2024-01-01' AND hire_date < '2025-01-01'",
    );
    assert.equal(
      rangeRewrite("select 1 from employees e where date_part('year', e.hire_date) = '2023'", "hire_date"),
      "date_part('year', e.hire_date) = '2023' as e.hire_date >= '2023-01-01' AND e.hire_date < '2024-01-01'",
    );
    assert.equal(rangeRewrite("SELECT * FROM employees WHERE hire_date >= '2024-01-01'", "hire_date"), undefined);
  });
});

describe("cli: pruning and pushdown verdicts", () => {
  it("the guide's EXTRACT query reads every partition and filters on the main instance", () => {
    // WHEN
    const plan = summarizePlan(EXTRACT_PLAN);
    const pruning = formatVerdict(pruningVerdict(employees, plan, EXTRACT_SQL));
    const pushdown = pushdownVerdicts(employees, plan, EXTRACT_SQL).map(formatVerdict);
    // THEN
    assert.equal(
      pruning,
      "FAIL  query pruning  employees (2 partitions): the plan reads emp_2024, emp_2025: every partition, because its condition on hire_date goes through an expression ((EXTRACT(year FROM employees_1.hire_date) = '2024'::numeric)), which partition pruning cannot use — rewrite EXTRACT(YEAR FROM hire_date) = 2024 as hire_date >= '2024-01-01' AND hire_date < '2025-01-01'",
    );
    assert.equal(pushdown.length, 1);
    assert.match(
      pushdown[0],
      /^FAIL {2}query pushdown {2}emp_2024 on archive_server: the WHERE clause is not pushed down: the main instance filters \(EXTRACT/,
    );
    assert.match(
      pushdown[0],
      /the archive sends no WHERE at all — .*; rewrite EXTRACT\(YEAR FROM hire_date\) = 2024 as hire_date >= '2024-01-01' AND hire_date < '2025-01-01'$/,
    );
  });

  it("a range prunes and is pushed down", () => {
    const plan = summarizePlan(RANGE_PLAN);
    const sql = "SELECT count(*) FROM employees WHERE hire_date >= '2024-03-01' AND hire_date < '2024-04-01'";
    assert.equal(formatVerdict(pruningVerdict(employees, plan, sql)), "ok    query pruning  employees (2 partitions) (reads emp_2024)");
    assert.deepEqual(pushdownVerdicts(employees, plan, sql).map(formatVerdict), [
      "ok    query pushdown  emp_2024 on archive_server (the archive filters: WHERE ((hire_date >= '2024-03-01')) AND ((hire_date < '2024-04-01')))",
    ]);
  });

  it("a condition postgres_fdw does not send fails pushdown, though the range prunes", () => {
    const plan = summarizePlan(TO_CHAR_PLAN);
    const sql =
      "SELECT * FROM employees WHERE hire_date >= '2024-01-01' AND hire_date < '2025-01-01' AND to_char(hire_date, 'YYYY') = '2024'";
    assert.equal(pruningVerdict(employees, plan, sql).status, "ok");
    const [pushdown] = pushdownVerdicts(employees, plan, sql).map(formatVerdict);
    assert.match(
      pushdown,
      /^FAIL {2}query pushdown {2}emp_2024 on archive_server: .*filters \(to_char.*and the archive sends only WHERE \(\(hire_date >= '2024-01-01'\)\)/,
    );
  });

  it("every partition read for a range that covers them all is fine", () => {
    const sql = "SELECT hire_date FROM employees WHERE hire_date >= '2020-01-01'";
    assert.equal(pruningVerdict(employees, summarizePlan(ALL_YEARS_PLAN), sql).status, "ok");
  });

  it("a plan that reads no archive partition passes pushdown", () => {
    const plan = summarizePlan([{ Plan: { "Node Type": "Seq Scan", "Relation Name": "emp_2025" } }]);
    assert.deepEqual(pushdownVerdicts(employees, plan, "").map(formatVerdict), [
      "ok    query pushdown  employees (the plan reads no archive partition)",
    ]);
  });
});
