/**
 * The table of contents of a custom-format dump, as `pg_restore --list`
 * prints it, and the list a data-only restore runs (`pg_restore
 * --use-list`). Pure.
 *
 * A line of the listing is `<dump id>; <catalog oid> <oid> <kind> <schema>
 * <name> <owner>`, e.g. `3350; 0 16399 TABLE DATA public emp_2025 postgres`;
 * lines starting with `;` are comments.
 */
import { QualifiedName } from "./manifest";

/** One entry of the listing. */
export interface TocEntry {
  /** The line as pg_restore printed it (what --use-list reads back). */
  readonly line: string;
  /** `TABLE DATA`, `SEQUENCE SET`, `TABLE`, ... */
  readonly kind: string;
  /** The schema, `-` for objects outside one. */
  readonly schema: string;
  readonly name: string;
}

/**
 * Kinds of entry made of more than one word, longest first, so that
 * `TABLE DATA` is not read as `TABLE` with a name starting `DATA`.
 */
const KINDS = [
  "SEQUENCE OWNED BY",
  "FOREIGN TABLE",
  "FOREIGN SERVER",
  "USER MAPPING",
  "TABLE DATA",
  "SEQUENCE SET",
  "FK CONSTRAINT",
  "TABLE ATTACH",
  "INDEX ATTACH",
  "DEFAULT ACL",
  "SCHEMA",
  "EXTENSION",
  "COMMENT",
  "TABLE",
  "SEQUENCE",
  "DEFAULT",
  "CONSTRAINT",
  "INDEX",
  "ACL",
];

const LINE = /^\d+; \d+ \d+ (.*)$/;

/** The entries of a `pg_restore --list` listing (comments and blank lines skipped; kinds it does not know are kept with their first word). */
export function parseToc(listing: string): TocEntry[] {
  const entries: TocEntry[] = [];
  for (const line of listing.split("\n")) {
    const m = LINE.exec(line.trimEnd());
    if (!m) {
      continue;
    }
    const rest = m[1];
    const kind = KINDS.find((k) => rest.startsWith(`${k} `)) ?? rest.split(" ")[0];
    const words = rest.slice(kind.length + 1).split(" ");
    // The schema is one word and the owner the last; a name may hold spaces.
    entries.push({ line: line.trimEnd(), kind, schema: words[0] ?? "", name: words.slice(1, -1).join(" ") });
  }
  return entries;
}

function is(entry: TocEntry, kind: string, t: QualifiedName): boolean {
  return entry.kind === kind && entry.schema === t.schema && entry.name === t.name;
}

/** Entries holding rows of any of `tables` (to prove a main dump holds no foreign partition's rows). */
export function dataEntriesOf(entries: readonly TocEntry[], tables: readonly QualifiedName[]): TocEntry[] {
  return entries.filter((e) => tables.some((t) => is(e, "TABLE DATA", t)));
}

/** What a data-only restore of a dump runs, and what the dump lacks. */
export interface RestoreList {
  /** The listing for `pg_restore --use-list`: one TABLE DATA per table, one SEQUENCE SET per sequence. */
  readonly list: string;
  /** Tables and sequences the dump has no rows or value for (`schema.name`). */
  readonly missing: readonly string[];
}

/**
 * The data-only restore of `tables` and `sequences` from a dump: their
 * TABLE DATA and SEQUENCE SET entries, nothing else (no schema, owner or
 * privilege: `pulumi up` made those, and the restore must not change them).
 */
export function buildRestoreList(
  entries: readonly TocEntry[],
  tables: readonly QualifiedName[],
  sequences: readonly QualifiedName[],
): RestoreList {
  const lines: string[] = [];
  const missing: string[] = [];
  const pick = (kind: string, t: QualifiedName) => {
    const found = entries.find((e) => is(e, kind, t));
    if (found) {
      lines.push(found.line);
    } else {
      missing.push(`${t.schema}.${t.name}`);
    }
  };
  tables.forEach((t) => pick("TABLE DATA", t));
  sequences.forEach((s) => pick("SEQUENCE SET", s));
  return Object.freeze({ list: `${lines.join("\n")}\n`, missing: Object.freeze(missing) });
}

/** Kinds of entry that make up a plain table's definition, besides its rows. */
const DEFINITION_KINDS = ["TABLE", "SEQUENCE", "SEQUENCE OWNED BY", "DEFAULT", "CONSTRAINT", "INDEX", "COMMENT"];

/**
 * The restore of a plain table that is not in the target database, with
 * the sequences its columns own: its definition (table, sequences, column
 * defaults, constraints), its rows and the sequences' values. A column
 * default's and a constraint's entry are named `<table> <column or
 * constraint>`. Indexes other than a constraint's are not found by name and
 * are left out.
 */
export function buildTableWithDefinitionList(
  entries: readonly TocEntry[],
  table: QualifiedName,
  sequences: readonly string[],
): RestoreList {
  const own = (e: TocEntry) =>
    e.schema === table.schema &&
    ((["TABLE", "TABLE DATA"].includes(e.kind) && e.name === table.name) ||
      (["DEFAULT", "CONSTRAINT"].includes(e.kind) && e.name.startsWith(`${table.name} `)) ||
      (["SEQUENCE", "SEQUENCE OWNED BY", "SEQUENCE SET"].includes(e.kind) && sequences.includes(e.name)));
  const picked = entries.filter(
    (e) => own(e) && (DEFINITION_KINDS.includes(e.kind) || e.kind === "TABLE DATA" || e.kind === "SEQUENCE SET"),
  );
  const missing = [
    ...(picked.some((e) => e.kind === "TABLE") ? [] : [`${table.schema}.${table.name}`]),
    ...sequences.filter((s) => !picked.some((e) => e.kind === "SEQUENCE" && e.name === s)).map((s) => `${table.schema}.${s}`),
  ];
  return Object.freeze({ list: `${picked.map((e) => e.line).join("\n")}\n`, missing: Object.freeze(missing) });
}

/**
 * The restore of a plain table and the sequences its columns own (the
 * decommission log): with its definition when the target lacks it
 * (`create`), else its rows and the sequences' values only.
 */
export function buildLogRestoreList(
  entries: readonly TocEntry[],
  log: QualifiedName & { readonly sequences: readonly string[] },
  create: boolean,
): RestoreList {
  const table = { schema: log.schema, name: log.name };
  return create
    ? buildTableWithDefinitionList(entries, table, log.sequences)
    : buildRestoreList(
        entries,
        [table],
        log.sequences.map((name) => ({ schema: log.schema, name })),
      );
}
