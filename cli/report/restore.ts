/**
 * What `pgtier restore` found when it compared the restored rows with the
 * backup's manifest, and how it is printed. Pure.
 */
import { Figures } from "../backup/manifest";
import { formatColumns } from "./timeline";

/** One partition's rows, as the backup had them and as the main instance reads them now. */
export interface PartitionCheck {
  readonly partition: string;
  readonly tier: "local" | "archive";
  /** The archive holding it, for an archived partition. */
  readonly archive?: string;
  /** The foreign server it was read through. */
  readonly server?: string;
  /** Count and checksum in the manifest. */
  readonly expected: Figures;
  /** Count and checksum read after the restore. */
  readonly found?: Figures;
  /** Why it could not be read. */
  readonly error?: string;
  /** Whether the two agree. */
  readonly ok: boolean;
}

/** One sequence: the value the backup recorded and the value restored. */
export interface SequenceCheck {
  /** `schema.name`. */
  readonly sequence: string;
  readonly expected: string;
  readonly found?: string;
  /** Whether the restored value is at least the recorded one. */
  readonly ok: boolean;
}

/** The decommission audit table: restored from the backup, or the stack's own kept. */
export interface LogCheck {
  /** `schema.name`. */
  readonly table: string;
  /** Its rows in the backup. */
  readonly expected: string;
  /** Its rows after the restore. */
  readonly found?: string;
  /** `kept`: the stack had rows in its own, which were left as they are. */
  readonly outcome: "restored" | "kept";
  readonly ok: boolean;
}

/** The outcome of a restore. */
export interface RestoreReport {
  /** The stack restored into. */
  readonly stack: string;
  /** The stack the backup was taken of. */
  readonly backupOf: string;
  /** The backup directory. */
  readonly from: string;
  readonly partitions: readonly PartitionCheck[];
  readonly sequences: readonly SequenceCheck[];
  /** Partitions of the stack the backup had no rows for (left empty). */
  readonly notInBackup: readonly string[];
  /** The decommission log, when the backup had one. */
  readonly decommissionLog?: LogCheck;
}

/** Whether any partition or sequence differs from the backup. */
export function restoreMismatched(r: RestoreReport): boolean {
  return r.partitions.some((p) => !p.ok) || r.sequences.some((s) => !s.ok) || r.decommissionLog?.ok === false;
}

function verdict(p: PartitionCheck): string {
  if (p.error) {
    return `FAIL: could not read it (${p.error})`;
  }
  const through = p.server ? ` (read through ${p.server})` : "";
  return p.ok
    ? `ok${through}`
    : `MISMATCH${through}: ${p.found!.rows} rows, checksum ${p.found!.checksum}; the backup has ${p.expected.rows} rows, checksum ${p.expected.checksum}`;
}

/** The restore's table: one row per partition, then the sequences and a one-line summary. */
export function formatRestore(r: RestoreReport): string[] {
  const table = formatColumns([
    ["PARTITION", "TIER", "INSTANCE", "ROWS", "CHECKSUM", "VERIFIED"],
    ...r.partitions.map((p) => [p.partition, p.tier, p.archive ?? "main", p.expected.rows, p.expected.checksum, verdict(p)]),
  ]);
  const sequences = r.sequences.map(
    (s) => `sequence ${s.sequence}: ${s.found ?? "missing"} (the backup recorded ${s.expected}) ${s.ok ? "ok" : "MISMATCH"}`,
  );
  const l = r.decommissionLog;
  const log = !l
    ? []
    : l.outcome === "kept"
      ? [`decommission log ${l.table}: the stack's own kept (it holds rows); the backup's ${l.expected} rows not restored`]
      : [`decommission log ${l.table}: ${l.found ?? "?"} rows (the backup had ${l.expected}) ${l.ok ? "ok" : "MISMATCH"}`];
  const empty = r.notInBackup.length > 0 ? [`not in the backup, left empty: ${r.notInBackup.join(", ")}`] : [];
  const rows = r.partitions.reduce((n, p) => n + BigInt(p.expected.rows), 0n);
  const failed = r.partitions.filter((p) => !p.ok).map((p) => p.partition);
  const summary = restoreMismatched(r)
    ? `restore of ${r.from} into stack ${r.stack}: ${failed.length > 0 ? `${failed.join(", ")} differ${failed.length === 1 ? "s" : ""} from the backup` : "a sequence or the decommission log differs from the backup"} — see above`
    : `restored ${r.partitions.length} partitions, ${rows} rows, into stack ${r.stack}: counts and checksums match the backup of ${r.backupOf}`;
  return [...table, ...sequences, ...log, ...empty, "", summary];
}
