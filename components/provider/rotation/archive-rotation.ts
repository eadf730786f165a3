/** What an archiving is given, what it returns, and what its steps share. */
import { Session } from "../../db/session";
import { ArchiveTarget, RotationSettings } from "../../model/rotation";
import { TableShape } from "../../model/table-shape";
import { Bounds, Connection, TableName } from "../../model/types";
import { TierStep } from "../../planner/plan-tier-change";
import { Operation } from "../definition";
import { TableChecksum } from "./checksum";

/** Everything one archiving needs. */
export interface ArchiveRotation {
  readonly op: Operation;
  /** The main instance's database. */
  readonly main: Connection;
  /** The archive instance and the foreign server that reaches it. */
  readonly target: ArchiveTarget;
  readonly parent: Required<TableName>;
  readonly partition: Required<TableName>;
  /** The table on the archive instance that receives the rows. */
  readonly archiveTable: Required<TableName>;
  readonly bounds: Bounds;
  /** Columns, partition key and indexes the archive table gets. */
  readonly shape: TableShape;
  /** The foreign partition's table options (schema_name, table_name and postgres_fdw's). */
  readonly foreignOptions: Readonly<Record<string, string>>;
  /** Copy method and lock waits. */
  readonly settings: RotationSettings;
  /** The tier-change plan's steps, run in order in the locked transaction. */
  readonly steps: readonly TierStep[];
}

/** What an archiving did. */
export interface RotationOutcome extends TableChecksum {
  /** Whether rows were copied (false when a rerun found them already there). */
  readonly copied: boolean;
  /** Attempts used (more than 1 when a lock was not granted in time). */
  readonly attempts: number;
}

/** The sessions one archiving works with. */
export interface Sessions {
  /** Main instance: holds the locks, and cuts over. */
  readonly main: Session;
  /** Main instance: reads the partition for the copy. */
  readonly reader: Session;
  /** Main instance: the local checksum while the copy runs. */
  readonly checker: Session;
  /** Archive instance. */
  readonly archive: Session;
}

/** What the steps of one attempt hand on to each other. */
export interface AttemptState {
  /** Whether the parent was locked first (after repeated lock conflicts): no writer can be waiting then. */
  readonly exclusive: boolean;
  /** The partition's rows, counted and checksummed under the lock. */
  local?: TableChecksum;
  /** The archive table's, when already known to match. */
  remote?: TableChecksum;
  /** Whether rows were copied (false when the archive already held them). */
  copied: boolean;
}
