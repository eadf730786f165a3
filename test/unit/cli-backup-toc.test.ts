import assert from "node:assert/strict";
import { buildLogRestoreList, buildRestoreList, dataEntriesOf, parseToc } from "../../cli/backup/toc";

/** Part of `pg_restore --list` of the guide's main database. */
const listing = `;
; Archive created at 2026-11-30 10:00:00 UTC
;     dbname: appdb
;     TOC Entries: 60
;     Format: CUSTOM
;
; Selected TOC Entries:
;
2; 3079 16385 EXTENSION - postgres_fdw
3301; 0 0 COMMENT - EXTENSION postgres_fdw
1997; 1417 16393 FOREIGN SERVER - archive_server postgres
3302; 1418 16394 USER MAPPING - USER MAPPING postgres SERVER archive_server postgres
215; 1259 16396 TABLE public employees postgres
214; 1259 16395 SEQUENCE public employees_id_seq postgres
3303; 0 0 SEQUENCE OWNED BY public employees_id_seq postgres
216; 1259 16401 FOREIGN TABLE public emp_2024 postgres
217; 1259 16404 TABLE public emp_2025 postgres
3304; 0 0 TABLE ATTACH public emp_2025 postgres
3290; 2604 16399 DEFAULT public employees id postgres
3295; 0 16404 TABLE DATA public emp_2025 postgres
3296; 0 16420 TABLE DATA public my table postgres
3305; 0 0 SEQUENCE SET public employees_id_seq postgres
3150; 1259 16410 INDEX public idx_emp_date postgres
`;

describe("cli backup: a dump's table of contents", () => {
  it("reads each entry's kind, schema and name", () => {
    const entries = parseToc(listing);
    assert.deepEqual(
      entries.map((e) => `${e.kind}|${e.schema}|${e.name}`),
      [
        "EXTENSION|-|",
        "COMMENT|-|EXTENSION",
        "FOREIGN SERVER|-|archive_server",
        "USER MAPPING|-|USER MAPPING postgres SERVER archive_server",
        "TABLE|public|employees",
        "SEQUENCE|public|employees_id_seq",
        "SEQUENCE OWNED BY|public|employees_id_seq",
        "FOREIGN TABLE|public|emp_2024",
        "TABLE|public|emp_2025",
        "TABLE ATTACH|public|emp_2025",
        "DEFAULT|public|employees id",
        "TABLE DATA|public|emp_2025",
        "TABLE DATA|public|my table",
        "SEQUENCE SET|public|employees_id_seq",
        "INDEX|public|idx_emp_date",
      ],
    );
  });

  it("finds rows of the tables asked about only", () => {
    const entries = parseToc(listing);
    assert.deepEqual(dataEntriesOf(entries, [{ schema: "public", name: "emp_2024" }]), []);
    assert.deepEqual(
      dataEntriesOf(entries, [{ schema: "public", name: "my table" }]).map((e) => e.line),
      ["3296; 0 16420 TABLE DATA public my table postgres"],
    );
  });

  it("restores the tables' rows and the sequences' values, nothing else", () => {
    // WHEN
    const restore = buildRestoreList(
      parseToc(listing),
      [{ schema: "public", name: "emp_2025" }],
      [{ schema: "public", name: "employees_id_seq" }],
    );
    // THEN
    assert.equal(
      restore.list,
      "3295; 0 16404 TABLE DATA public emp_2025 postgres\n3305; 0 0 SEQUENCE SET public employees_id_seq postgres\n",
    );
    assert.deepEqual(restore.missing, []);
  });

  it("names what the dump lacks", () => {
    const restore = buildRestoreList(parseToc(listing), [{ schema: "public", name: "emp_2024" }], [{ schema: "archive", name: "s" }]);
    assert.deepEqual(restore.missing, ["public.emp_2024", "archive.s"]);
  });

  describe("the decommission log", () => {
    const withLog = `${listing}220; 1259 16430 TABLE public archive_decommission_log postgres
219; 1259 16429 SEQUENCE public archive_decommission_log_id_seq postgres
3310; 0 0 SEQUENCE OWNED BY public archive_decommission_log_id_seq postgres
3291; 2604 16433 DEFAULT public archive_decommission_log id postgres
3298; 0 16430 TABLE DATA public archive_decommission_log postgres
3311; 0 0 SEQUENCE SET public archive_decommission_log_id_seq postgres
3160; 2606 16437 CONSTRAINT public archive_decommission_log archive_decommission_log_pkey postgres
`;
    const log = { schema: "public", name: "archive_decommission_log", sequences: ["archive_decommission_log_id_seq"] };

    it("is created from its definition when the stack has none", () => {
      const restore = buildLogRestoreList(parseToc(withLog), log, true);
      assert.deepEqual(
        restore.list
          .trim()
          .split("\n")
          .map((l) => l.split(" ").slice(3, -1).join(" ")),
        [
          "TABLE public archive_decommission_log",
          "SEQUENCE public archive_decommission_log_id_seq",
          "SEQUENCE OWNED BY public archive_decommission_log_id_seq",
          "DEFAULT public archive_decommission_log id",
          "TABLE DATA public archive_decommission_log",
          "SEQUENCE SET public archive_decommission_log_id_seq",
          "CONSTRAINT public archive_decommission_log archive_decommission_log_pkey",
        ],
      );
      assert.deepEqual(restore.missing, []);
    });

    it("gets its rows and sequence value only when the stack has an empty one", () => {
      const restore = buildLogRestoreList(parseToc(withLog), log, false);
      assert.equal(
        restore.list,
        "3298; 0 16430 TABLE DATA public archive_decommission_log postgres\n3311; 0 0 SEQUENCE SET public archive_decommission_log_id_seq postgres\n",
      );
    });

    it("names what a dump without it lacks", () => {
      assert.deepEqual(buildLogRestoreList(parseToc(listing), log, true).missing, [
        "public.archive_decommission_log",
        "public.archive_decommission_log_id_seq",
      ]);
    });
  });
});
