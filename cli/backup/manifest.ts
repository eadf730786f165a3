/**
 * The manifest of a `pgtier backup`: which file holds which partition's
 * rows, and the row count and content checksum each partition had in the
 * snapshot its file was dumped from (the same figures the rotation
 * compares, see components/sql/rotation.ts's buildChecksumSql). Pure:
 * building, serialising and reading back with every problem named.
 */
import { deepFreeze } from "../../components/model/reader";
import { Bounds } from "../../components/model/types";

/** The manifest's format; a reader refuses any other. */
export const MANIFEST_FORMAT = "pgtier-backup/1";

/** The manifest's file name in a backup directory. */
export const MANIFEST_FILE = "manifest.json";

/** A table by schema and name. */
export interface QualifiedName {
  readonly schema: string;
  readonly name: string;
}

/** Row count and content checksum, as text (bigint and numeric). */
export interface Figures {
  /** Row count. */
  readonly rows: string;
  /** Sum of the rows' 64-bit hashes. */
  readonly checksum: string;
}

/** Where a partition's rows live. */
export interface PartitionPlace {
  /** The partition on the main instance, e.g. `emp_2024`. */
  readonly partition: string;
  /** Its range; none for a default partition. */
  readonly bounds?: Bounds;
  /** `local`: a table on the main instance; `archive`: a foreign table reading `table` on archive `archive`. */
  readonly tier: "local" | "archive";
  /** The archive instance's name, for an archived partition. */
  readonly archive?: string;
  /** The foreign server on the main instance, for an archived partition. */
  readonly server?: string;
  /** The table that holds the rows: the partition itself on main, or the remote table on the archive. */
  readonly table: QualifiedName;
}

/** A partition in the manifest: where its rows were and what they were. */
export interface ManifestPartition extends PartitionPlace, Figures {}

/** A sequence of the tiered table's columns (a `serial`), as read when the dump started. */
export interface ManifestSequence extends QualifiedName {
  /** Its last_value, as text. */
  readonly lastValue: string;
  /** Whether nextval has returned last_value already. */
  readonly isCalled: boolean;
}

/** The decommission audit table (the guide's archive_decommission_log) as the main dump holds it. */
export interface ManifestLog extends QualifiedName {
  /** Its rows when the dump started. */
  readonly rows: string;
  /** The sequences its columns own (`id serial`), by name, in its schema. */
  readonly sequences: readonly string[];
}

/** One dump file. */
export interface ManifestFile {
  /** File name, relative to the backup directory. */
  readonly file: string;
  /** `main`, or `archive` (then `archive` names which). */
  readonly instance: "main" | "archive";
  /** The archive's name, for a file dumped from an archive. */
  readonly archive?: string;
  /** The database dumped. */
  readonly database: string;
  /** The partitions whose rows the file holds. */
  readonly partitions: readonly ManifestPartition[];
  /** The sequences whose values it holds (main only). */
  readonly sequences: readonly ManifestSequence[];
  /** The decommission audit table, when the main instance had one (main only). */
  readonly decommissionLog?: ManifestLog;
  /** Size in bytes. */
  readonly bytes: number;
  /** SHA-256 of the file, hex. */
  readonly sha256: string;
}

/** The whole manifest. */
export interface Manifest {
  /** {@link MANIFEST_FORMAT}. */
  readonly format: string;
  /** The stack backed up. */
  readonly stack: string;
  /** When the backup started (ISO timestamp, UTC). */
  readonly createdAt: string;
  /** pgtier's version. */
  readonly pgtierVersion: string;
  /** `pg_dump --version`. */
  readonly pgDump: string;
  /** The tiered table. */
  readonly table: QualifiedName;
  /** Its columns, in the order the checksums hash them. */
  readonly columns: readonly string[];
  /** The dump files. */
  readonly files: readonly ManifestFile[];
}

/** Every partition of the manifest, in file order. */
export function manifestPartitions(m: Manifest): ManifestPartition[] {
  return m.files.flatMap((f) => f.partitions);
}

/** The manifest as the text of manifest.json. */
export function formatManifest(m: Manifest): string {
  return `${JSON.stringify(m, null, 2)}\n`;
}

/** A manifest that cannot be read, naming every problem found. */
export class ManifestError extends Error {}

type Obj = Readonly<Record<string, unknown>>;

function isObj(v: unknown): v is Obj {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Reads fields of one object of the manifest, recording what is missing or of the wrong type. */
class Fields {
  constructor(
    private readonly o: Obj,
    private readonly at: string,
    private readonly problems: string[],
  ) {}

  text(key: string, optional = false): string {
    const v = this.o[key];
    if (typeof v === "string" && v.length > 0) {
      return v;
    }
    if (!(optional && v === undefined)) {
      this.problems.push(`${this.at}${key} is ${v === undefined ? "missing" : `not a text (${JSON.stringify(v)})`}`);
    }
    return "";
  }

  digits(key: string): string {
    const v = this.text(key);
    if (v !== "" && !/^-?\d+$/.test(v)) {
      this.problems.push(`${this.at}${key} is not a whole number (${JSON.stringify(v)})`);
    }
    return v;
  }

  number(key: string): number {
    const v = this.o[key];
    if (typeof v !== "number" || !Number.isInteger(v) || v < 0) {
      this.problems.push(`${this.at}${key} is not a byte count (${JSON.stringify(v)})`);
      return 0;
    }
    return v;
  }

  flag(key: string): boolean {
    const v = this.o[key];
    if (typeof v !== "boolean") {
      this.problems.push(`${this.at}${key} is not true or false (${JSON.stringify(v)})`);
      return false;
    }
    return v;
  }

  list<T>(key: string, read: (f: Fields, at: string) => T): T[] {
    const v = this.o[key];
    if (!Array.isArray(v)) {
      this.problems.push(`${this.at}${key} is not a list`);
      return [];
    }
    return v.map((item, i) => {
      const at = `${this.at}${key}[${i}].`;
      return read(new Fields(isObj(item) ? item : {}, at, this.problems), at);
    });
  }

  /** A list of names; `nonEmpty` when an empty list is a problem too. */
  names(key: string, nonEmpty = false): string[] {
    const v = this.o[key];
    if (!Array.isArray(v) || (nonEmpty && v.length === 0)) {
      this.problems.push(`${this.at}${key} is not a list of names`);
      return [];
    }
    return v.map((c, i) => {
      if (typeof c !== "string" || c.length === 0) {
        this.problems.push(`${this.at}${key}[${i}] is not a name (${JSON.stringify(c)})`);
        return "";
      }
      return c;
    });
  }

  object<T>(key: string, read: (f: Fields) => T, optional = false): T | undefined {
    const v = this.o[key];
    if (v === undefined && optional) {
      return undefined;
    }
    if (!isObj(v)) {
      this.problems.push(`${this.at}${key} is not an object`);
    }
    return read(new Fields(isObj(v) ? v : {}, `${this.at}${key}.`, this.problems));
  }
}

function qualified(f: Fields): QualifiedName {
  return { schema: f.text("schema"), name: f.text("name") };
}

function partitionOf(f: Fields, at: string, problems: string[]): ManifestPartition {
  const tier = f.text("tier");
  if (tier !== "local" && tier !== "archive") {
    problems.push(`${at}tier is neither "local" nor "archive" (${JSON.stringify(tier)})`);
  }
  const bounds = f.object("bounds", (b) => ({ from: b.text("from"), to: b.text("to") }), true);
  const archive = tier === "archive" ? f.text("archive") : undefined;
  const server = tier === "archive" ? f.text("server") : undefined;
  return {
    partition: f.text("partition"),
    ...(bounds ? { bounds } : {}),
    tier: tier === "archive" ? "archive" : "local",
    ...(archive !== undefined ? { archive } : {}),
    ...(server !== undefined ? { server } : {}),
    table: f.object("table", qualified)!,
    rows: f.digits("rows"),
    checksum: f.digits("checksum"),
  };
}

function fileOf(f: Fields, at: string, problems: string[]): ManifestFile {
  const file = f.text("file");
  if (file.includes("/") || file.includes("\\") || file === "." || file === "..") {
    problems.push(`${at}file ${JSON.stringify(file)} is not a file name in the backup directory`);
  }
  const instance = f.text("instance");
  if (instance !== "main" && instance !== "archive") {
    problems.push(`${at}instance is neither "main" nor "archive" (${JSON.stringify(instance)})`);
  }
  const archive = instance === "archive" ? f.text("archive") : undefined;
  const sha256 = f.text("sha256");
  if (sha256 !== "" && !/^[0-9a-f]{64}$/.test(sha256)) {
    problems.push(`${at}sha256 is not a SHA-256 in hex`);
  }
  const decommissionLog = f.object(
    "decommissionLog",
    (l) => ({ ...qualified(l), rows: l.digits("rows"), sequences: l.names("sequences") }),
    true,
  );
  return {
    file,
    instance: instance === "archive" ? "archive" : "main",
    ...(archive !== undefined ? { archive } : {}),
    database: f.text("database"),
    partitions: f.list("partitions", (p, pat) => partitionOf(p, pat, problems)),
    sequences: f.list("sequences", (s) => ({ ...qualified(s), lastValue: s.digits("lastValue"), isCalled: s.flag("isCalled") })),
    ...(decommissionLog ? { decommissionLog } : {}),
    bytes: f.number("bytes"),
    sha256,
  };
}

/**
 * Reads manifest.json's text back into a manifest. Every problem found is
 * named in one {@link ManifestError} (`where` names the file in it).
 */
export function parseManifest(text: string, where: string): Manifest {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new ManifestError(`${where} is not JSON (${(err as Error).message}) — is it a manifest pgtier backup wrote?`);
  }
  if (!isObj(value)) {
    throw new ManifestError(`${where} is not a JSON object — is it a manifest pgtier backup wrote?`);
  }
  if (value.format !== MANIFEST_FORMAT) {
    throw new ManifestError(
      `${where} has format ${JSON.stringify(value.format)}, this pgtier reads ${JSON.stringify(MANIFEST_FORMAT)} — restore with the pgtier version that wrote it (${JSON.stringify(value.pgtierVersion)})`,
    );
  }
  const problems: string[] = [];
  const f = new Fields(value, "", problems);
  const manifest: Manifest = {
    format: MANIFEST_FORMAT,
    stack: f.text("stack"),
    createdAt: f.text("createdAt"),
    pgtierVersion: f.text("pgtierVersion"),
    pgDump: f.text("pgDump"),
    table: f.object("table", qualified)!,
    columns: f.names("columns", true),
    files: f.list("files", (ff, at) => fileOf(ff, at, problems)),
  };
  problems.push(...duplicates(manifest));
  if (problems.length > 0) {
    throw new ManifestError(`${where} is not a valid pgtier backup manifest:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
  }
  return deepFreeze(manifest);
}

/** A partition or a file named twice. */
function duplicates(m: Manifest): string[] {
  const problems: string[] = [];
  const seen = (names: string[], what: string) => {
    const counted = new Set<string>();
    for (const n of names) {
      if (counted.has(n)) {
        problems.push(`${what} ${n} is listed more than once`);
      }
      counted.add(n);
    }
  };
  seen(
    m.files.map((f) => f.file),
    "file",
  );
  seen(
    manifestPartitions(m).map((p) => p.partition),
    "partition",
  );
  return problems;
}
