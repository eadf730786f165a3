/**
 * A TieredPartition's values: its inputs and outputs, their defaults, how
 * they are read from the engine's bags, and where its rows are for the
 * tier-change plan.
 */
import { BackupSettings, readBackupSettings } from "../../model/backup";
import { Reader } from "../../model/reader";
import { ArchiveTarget, readArchiveTarget, readRotationSettings, ROTATION_DEFAULTS, RotationSettings, TIERS } from "../../model/rotation";
import { readTableShape, TableShape } from "../../model/table-shape";
import { Placement } from "../../planner/plan-tier-change";
import { PARTITION_DEFAULTS, PartitionInputs, readPartitionInputs } from "./partition";

/** Where the rows are: on the main instance, or on the archive target. */
export type TierInputs =
  { readonly tier: "local"; readonly archive?: ArchiveTarget } | { readonly tier: "archive"; readonly archive: ArchiveTarget };

/** A tiered partition's inputs (defaults applied). */
export type TieredPartitionInputs = PartitionInputs &
  TableShape &
  RotationSettings &
  TierInputs & {
    /** postgres_fdw's table options of the foreign partition. */
    readonly options: Readonly<Record<string, string>>;
    /** Final backups on decommission. */
    readonly backup?: BackupSettings;
  };

/** What the provider records beside the inputs. */
export interface TieredPartitionOutputs {
  /** Rows moved by the last archiving. */
  readonly archivedRows?: string;
  /** Checksum verified on both sides by the last archiving. */
  readonly archivedChecksum?: string;
  /** The archive table a foreign partition points at, when a refresh found it is not the partition's name. */
  readonly remoteTable?: string;
}

/** The defaults of a TieredPartition: the values its arguments document. */
export const TIERED_PARTITION_DEFAULTS = Object.freeze({
  ...PARTITION_DEFAULTS,
  indexes: [],
  options: {},
  ...ROTATION_DEFAULTS,
});

/** An archive target, or undefined when the bag holds none pgtier can use (no connection). */
function readUsableTarget(r: Reader): ArchiveTarget | undefined {
  return r.optionalObject("archive", (a) => (a.has("connection") ? readArchiveTarget(a) : undefined));
}

/**
 * The tier. Inputs always carry an archive target when archived (check
 * requires it); a state an earlier pgtier refreshed after an unrecorded
 * cutover holds one without a connection, and reads as local: the next
 * update finds the cutover done and completes it.
 */
function readTier(r: Reader): TierInputs {
  const archive = r.oneOf("tier", TIERS) === "archive" ? readUsableTarget(r) : undefined;
  return archive ? { tier: "archive", archive } : { tier: "local" };
}

export function readTieredPartitionInputs(r: Reader): TieredPartitionInputs {
  return {
    ...readPartitionInputs(r),
    ...readTableShape(r),
    ...readRotationSettings(r),
    ...readTier(r),
    options: r.textMap("options"),
    backup: r.optionalObject("backup", readBackupSettings),
  };
}

/** The outputs, read from stored state. */
export function readTieredPartitionOutputs(r: Reader): TieredPartitionOutputs {
  return {
    archivedRows: r.optionalText("archivedRows"),
    archivedChecksum: r.optionalText("archivedChecksum"),
    remoteTable: r.optionalText("remoteTable"),
  };
}

/** Where a partition's rows are, for the tier-change plan: archives are told apart by their foreign server. */
export function placementOf(p: TierInputs): Placement {
  return p.tier === "archive" ? { tier: "archive", archive: p.archive.server } : { tier: "local" };
}
