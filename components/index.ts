/** pgtier's public API: resources, components and the value types they take. */
export * from "./model/types";
export * from "./resources/common";
export * from "./resources/docker";
export * from "./resources/postgres-instance";
export * from "./resources/fdw";
export * from "./resources/tables";
export * from "./docker-postgres";
export * from "./archive-layout";
export { PartitionPlacement, validateLayout } from "./validate/layout";
export * from "./tiered-table";
export * from "./planner/periods";
export * from "./planner/plan-layout";
export * from "./planner/plan-rotation";
