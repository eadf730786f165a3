/** Validators for TieredPartition: the partition's shape, its tier, and its bounds, which its period fixes. */
import {
  CheckFailure,
  checkColumns,
  checkConnection,
  checkIdentifier,
  checkIndexes,
  checkOptionalFlag,
  checkOptionalIdentifier,
  columnNames,
  isUnknown,
} from "./common";
import { Bag, isBag } from "../model/reader";
import { COPY_METHODS, TIERS } from "../model/rotation";
import { checkForeignTableOptions } from "./fdw";
import { checkTableGrants } from "./roles";
import { checkPartitionKey, checkPartitionOf } from "./tables";

function checkInteger(property: string, value: unknown, min: number, max: number, failures: CheckFailure[]): void {
  if (value === undefined || isUnknown(value)) {
    return;
  }
  if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) {
    failures.push({ property, reason: `${property} must be an integer from ${min} to ${max}, got ${JSON.stringify(value)}` });
  }
}

function checkOneOf(property: string, value: unknown, allowed: readonly string[], failures: CheckFailure[]): void {
  if (value === undefined || isUnknown(value)) {
    return;
  }
  if (typeof value !== "string" || !allowed.includes(value)) {
    failures.push({
      property,
      reason: `${property} must be ${allowed.map((a) => JSON.stringify(a)).join(" or ")}, got ${JSON.stringify(value)}`,
    });
  }
}

function checkArchiveTarget(news: Bag, failures: CheckFailure[]): void {
  const archive = news.archive;
  if (news.tier !== "archive" || isUnknown(archive)) {
    return;
  }
  if (!isBag(archive)) {
    failures.push({
      property: "archive",
      reason: `tier is "archive" but archive is not set: pass the archive instance's connection and the foreign server that reaches it`,
    });
    return;
  }
  const nested: CheckFailure[] = [];
  checkConnection(archive.connection, nested);
  failures.push(...nested.map((f) => ({ property: `archive.${f.property}`, reason: `archive.${f.reason}` })));
  checkIdentifier("archive.server", archive.server, failures);
  checkOptionalIdentifier("archive.schema", archive.schema, failures);
  checkTableGrants("archive.grants", archive.grants, failures);
}

function checkBackup(value: unknown, failures: CheckFailure[]): void {
  if (value === undefined || value === null || isUnknown(value)) {
    return;
  }
  const backup = isBag(value) ? value : {};
  if (typeof backup.location !== "string" || !backup.location.startsWith("/")) {
    failures.push({
      property: "backup.location",
      reason: `backup.location must be an absolute directory path, got ${JSON.stringify(backup.location)}`,
    });
  }
  checkOptionalFlag("backup.csv", backup.csv, failures);
  if (backup.reason !== undefined && typeof backup.reason !== "string" && !isUnknown(backup.reason)) {
    failures.push({ property: "backup.reason", reason: `backup.reason must be a string, got ${JSON.stringify(backup.reason)}` });
  }
}

/** Bounds are fixed by the period: a new range is refused before anything changes. */
function checkBoundsUnchanged(olds: Bag, news: Bag, failures: CheckFailure[]): void {
  const moved = (olds.from !== undefined && olds.from !== news.from) || (olds.to !== undefined && olds.to !== news.to);
  if (moved && !isUnknown(news.from) && !isUnknown(news.to)) {
    failures.push({
      property: "from",
      reason: `${String(news.name)} covers [${String(olds.from)}, ${String(olds.to)}); a tiered partition's bounds are fixed by its period and cannot become [${String(news.from)}, ${String(news.to)})`,
    });
  }
}

/** Validates `TieredPartition` inputs, given the previous inputs when it exists. */
export function validateTieredPartitionArgs(news: Bag, olds?: Bag): CheckFailure[] {
  const failures: CheckFailure[] = [];
  checkPartitionOf(news, failures);
  checkColumns(news.columns, failures);
  checkPartitionKey(news, failures);
  checkIndexes(news.indexes, columnNames(news.columns), failures);
  checkOneOf("tier", news.tier, TIERS, failures);
  if (news.tier === undefined) {
    failures.push({ property: "tier", reason: `tier is required: "local" or "archive"` });
  }
  checkArchiveTarget(news, failures);
  checkForeignTableOptions(news.options, failures);
  checkOneOf("copyMethod", news.copyMethod, COPY_METHODS, failures);
  checkInteger("batchSize", news.batchSize, 1, 1_000_000, failures);
  checkInteger("lockTimeoutMs", news.lockTimeoutMs, 1, 600_000, failures);
  checkInteger("attempts", news.attempts, 1, 100, failures);
  checkOptionalFlag("keepLocal", news.keepLocal, failures);
  checkOptionalFlag("keepArchive", news.keepArchive, failures);
  checkBackup(news.backup, failures);
  if (olds) {
    checkBoundsUnchanged(olds, news, failures);
  }
  return failures;
}
