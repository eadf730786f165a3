/** TieredPartition: one period of a tiered table, local or archived, whose tier changes in place. */
import * as pulumi from "@pulumi/pulumi";
import { BackupSettings } from "../model/backup";
import { RotationSettings, Tier } from "../model/rotation";
import { ColumnSpec, IndexSpec } from "../model/types";
import { ConnectionArgs, InputsOf, pgtierType, registerArgs } from "./common";
import { PartitionArgs } from "./tables";

/** Where an archived {@link TieredPartition}'s rows live. */
export interface ArchiveTargetArgs {
  /** Connection to the archive instance's database, as the runner reaches it. */
  readonly connection: pulumi.Input<ConnectionArgs>;
  /** Foreign server on the main instance that reaches the archive instance. */
  readonly server: pulumi.Input<string>;
  /**
   * Schema of the archive table on the archive instance.
   * @default "public"
   */
  readonly schema?: pulumi.Input<string>;
  /**
   * Privileges on the archive table per role (e.g. the roles postgres_fdw
   * logs in as): granted when the table is created or rows move into it,
   * before the cutover; revoked from roles no longer listed. Dropping the
   * table at decommission takes them with it.
   * @default [] (only the archive's admin role can read the table)
   */
  readonly grants?: pulumi.Input<readonly pulumi.Input<{ role: pulumi.Input<string>; privileges: readonly pulumi.Input<string>[] }>[]>;
}

/** Final backups taken before a partition's rows are dropped; each field is documented, with its default, on {@link BackupSettings}. */
export type BackupArgs = InputsOf<BackupSettings>;

/** Arguments of {@link TieredPartition}; the rotation settings are documented, with their defaults, on {@link RotationSettings}. */
export interface TieredPartitionArgs extends PartitionArgs, Partial<InputsOf<RotationSettings>> {
  /** The parent's columns (the archive table gets the same). */
  readonly columns: pulumi.Input<ColumnSpec[]>;
  /** The parent's partition key; the archive table's CHECK constraint is on it. */
  readonly partitionKey: pulumi.Input<string>;
  /**
   * The parent's indexes, created on the archive table as `<table>_<index>`.
   * @default []
   */
  readonly indexes?: pulumi.Input<IndexSpec[]>;
  /** `local` (rows on the main instance) or `archive`. Changing local to archive moves the rows in place. */
  readonly tier: pulumi.Input<Tier>;
  /** The archive instance and foreign server; required when tier is `archive`. */
  readonly archive?: pulumi.Input<ArchiveTargetArgs>;
  /**
   * postgres_fdw table options of the foreign partition (fetch_size, batch_size, use_remote_estimate, async_capable).
   * @default {}
   */
  readonly options?: pulumi.Input<Record<string, pulumi.Input<string>>>;
  /**
   * Final backups on decommission (an absolute location); required for deleting a partition that holds rows.
   * @default none (such a delete is refused)
   */
  readonly backup?: pulumi.Input<BackupArgs>;
}

/**
 * One period of a tiered table, local or archived. Moving it from local to
 * archive copies, verifies and cuts over in place; deleting it is a
 * decommission (verified backup, audit row, drop).
 */
export class TieredPartition extends pulumi.CustomResource {
  /** Tier the partition is in. */
  declare readonly tier: pulumi.Output<Tier>;
  /** Rows moved by the last archiving (unset until then). */
  declare readonly archivedRows: pulumi.Output<string | undefined>;
  /** Checksum verified on both sides by the last archiving. */
  declare readonly archivedChecksum: pulumi.Output<string | undefined>;

  constructor(name: string, args: TieredPartitionArgs, opts?: pulumi.CustomResourceOptions) {
    super(pgtierType("TieredPartition"), name, registerArgs(args, ["archivedRows", "archivedChecksum"]), opts);
  }
}
