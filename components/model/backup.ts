/** Final backups, taken before a partition's rows are dropped (a decommission). */
import { Reader } from "./reader";

/** Where final backups go, and what they hold. */
export interface BackupSettings {
  /**
   * Directory for pg_dump files on the machine running pulumi. A
   * TieredPartition takes an absolute path; a TieredTable resolves a
   * relative one against the project directory (where Pulumi.yaml is).
   */
  readonly location: string;
  /**
   * Also write a CSV.gz export of the rows beside the dump.
   * @default false
   */
  readonly csv?: boolean;
  /**
   * Recorded as retention_reason in archive_decommission_log.
   * @default "retention period expired"
   */
  readonly reason?: string;
}

/** The defaults of {@link BackupSettings}. */
export const BACKUP_DEFAULTS = { csv: false, reason: "retention period expired" } as const;

/** Backup settings as given, read from a bag. */
export function readBackupSettings(r: Reader): BackupSettings {
  return { location: r.text("location"), csv: r.optionalFlag("csv"), reason: r.optionalText("reason") };
}

/** Backup settings with their defaults applied. */
export function withBackupDefaults(b: BackupSettings): Required<BackupSettings> {
  return { location: b.location, csv: b.csv ?? BACKUP_DEFAULTS.csv, reason: b.reason ?? BACKUP_DEFAULTS.reason };
}
