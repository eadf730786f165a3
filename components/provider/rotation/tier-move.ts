/** What a tier change is given, what it returns, and what its steps share. */
import { RelayTarget } from "../../db/relay";
import { Session } from "../../db/session";
import { Operation } from "../../model/operation";
import { CopyMethod } from "../../model/rotation";
import { TableShape } from "../../model/table-shape";
import { Bounds, Connection, IndexSpec, TableName } from "../../model/types";
import { Placement, TierMoveKind, TierStep } from "../../planner/plan-tier-change";
import { TableChecksum } from "./checksum";

/** A table on an instance. */
export interface TableAt {
  readonly connection: Connection;
  readonly table: Required<TableName>;
}

/** Everything one move of a partition's rows needs. */
export interface TierMove {
  readonly op: Operation;
  readonly kind: TierMoveKind;
  /** The plan's steps, run in order. */
  readonly steps: readonly TierStep[];
  /** The main instance's database. */
  readonly main: Connection;
  readonly parent: Required<TableName>;
  /** The partition on the main instance. */
  readonly partition: Required<TableName>;
  readonly bounds: Bounds;
  /** Columns, partition key and indexes of the rows' tables. */
  readonly shape: TableShape;
  /** Where the rows are: the local partition, or its archive table. */
  readonly source: TableAt;
  /** Where they go: an archive table, or a new table on the main instance, attached at the cutover. */
  readonly target: TableAt;
  /** Creates the target, without its indexes (they are built once the rows are in). */
  readonly createTarget: readonly string[];
  /** Grants on the target, made when it is created or found, before any row is read through it. */
  readonly targetGrants: readonly string[];
  /** The target's indexes, named as they are on it. */
  readonly targetIndexes: readonly IndexSpec[];
  /** How the rows are copied: `fdw` only archiving (the main instance pushes them through its foreign server). */
  readonly copyMethod: CopyMethod;
  /** The foreign server on the main instance that reaches the target (the fdw copy). */
  readonly server: string;
  /** Rows per remote INSERT (the fdw copy). */
  readonly batchSize: number;
  /** How long each lock is waited for, and how many times. */
  readonly lockTimeoutMs: number;
  readonly attempts: number;
  /** The cutover on the main instance, once the parent is locked and the last changes are replayed. */
  readonly cutover: readonly string[];
  /** A read through the partition before the cutover commits (an archive one: the foreign server works). */
  readonly probe?: string;
  /** Where the partition is once moved: main's catalog then says so (a rerun after a committed cutover). */
  readonly placed: Placement;
  /**
   * Whether the source is the local partition, which the cutover itself
   * drops or renames; otherwise the source is an archive table, dropped (or
   * renamed to {@link keepSourceAs}) once the cutover committed.
   */
  readonly sourceIsPartition: boolean;
  readonly keepSourceAs?: string;
  /**
   * Set when pgtier cannot reach the target archive from where it runs (an
   * archive move only): its statements go through the main instance
   * (dblink), and the fdw copy logs in as its admin through a transient server.
   */
  readonly relay?: RelayTarget;
}

/** What a move did. */
export interface MoveOutcome extends TableChecksum {
  /** Whether rows were copied (false when the target already held them, or a rerun found the move done). */
  readonly copied: boolean;
  /** Changes writers made during the move, replayed on the target. */
  readonly replayed: number;
}

/** The sessions one move works with. */
export interface Sessions {
  /** Main instance: the cutover, with the parent locked. */
  readonly main: Session;
  /** Source instance: starts the capture, and blocks writes to the source at the cutover. */
  readonly capture: Session;
  /** Source instance, in autocommit: reads the capture's log and forgets what was replayed. */
  readonly log: Session;
  /** Source instance: reads the rows in the capture's snapshot, for the copy. */
  readonly reader: Session;
  /** Source instance: the snapshot's count and checksum while the copy runs. */
  readonly checker: Session;
  /** Target instance. */
  readonly target: Session;
}

/** What the steps of a move hand on to each other. */
export interface MoveState {
  /** The source's count and checksum in the capture's snapshot. */
  snapshot?: TableChecksum;
  /** What the target must hold: the snapshot plus every change replayed since. */
  expected?: { rows: bigint; checksum: bigint };
  /** Whether rows were copied. */
  copied: boolean;
  /** Changes replayed so far. */
  replayed: number;
  /** What both sides held when the cutover committed. */
  verified?: TableChecksum;
}

/** Where a move takes the rows, in progress lines. */
export function destinationOf(m: TierMove): string {
  return m.kind === "archive" ? "the archive" : m.kind === "restore" ? "the main instance" : "the new archive";
}

/** What a finished move did, in its last progress line. */
export function doneVerb(m: TierMove): string {
  return m.kind === "archive" ? "archived" : m.kind === "restore" ? "restored" : "moved";
}
