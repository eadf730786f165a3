/** pgtier's public API: resources, components and the value types they take. */
export * from "./model/types";
export { BACKUP_DEFAULTS, BackupSettings } from "./model/backup";
export { ArchiveTarget, COPY_METHODS, CopyMethod, ROTATION_DEFAULTS, RotationSettings, Tier, TIERS } from "./model/rotation";
export * from "./resources/common";
export * from "./resources/docker";
export * from "./resources/postgres-instance";
export * from "./resources/fdw";
export * from "./resources/tables";
export * from "./resources/tiered-partition";
export * from "./docker-postgres";
export * from "./archive-layout";
export { PartitionPlacement, validateLayout } from "./validate/layout";
export * from "./tiered-table";
export * from "./planner/periods";
export * from "./planner/plan-layout";
export * from "./planner/plan-tier-change";
export * from "./planner/plan-rotation";
