/** Validators for TieredPartition: the partition's shape, its tier, and which tier changes pgtier can carry out. */
import {
  CheckFailure,
  checkColumns,
  checkConnection,
  checkIdentifier,
  checkIndexes,
  checkOptionalIdentifier,
  columnNames,
  isUnknown,
} from "./common";
import { checkForeignTableOptions } from "./fdw";
import { checkPartitionKey, checkPartitionOf } from "./tables";

/** Tiers a partition can be in. */
export const TIERS = ["local", "archive"] as const;

/** Copy methods of a rotation. */
export const COPY_METHODS = ["pipe", "fdw"] as const;

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

function checkArchiveTarget(news: Record<string, unknown>, failures: CheckFailure[]): void {
  const archive = news.archive as Record<string, unknown> | undefined;
  if (news.tier !== "archive" || isUnknown(news.archive)) {
    return;
  }
  if (!archive || typeof archive !== "object") {
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
}

function checkBackup(value: unknown, failures: CheckFailure[]): void {
  if (value === undefined || value === null || isUnknown(value)) {
    return;
  }
  const backup = value as Record<string, unknown>;
  if (typeof backup.location !== "string" || !backup.location.startsWith("/")) {
    failures.push({
      property: "backup.location",
      reason: `backup.location must be an absolute directory path, got ${JSON.stringify(backup.location)}`,
    });
  }
}

/**
 * Tier changes pgtier carries out in place: local to archive. The reverse,
 * a move between archive instances, and new bounds are refused before
 * anything changes.
 */
function checkEvolution(olds: Record<string, unknown> | undefined, news: Record<string, unknown>, failures: CheckFailure[]): void {
  if (!olds || isUnknown(news.tier)) {
    return;
  }
  if (olds.tier === "archive" && news.tier === "local") {
    failures.push({
      property: "tier",
      reason:
        `${String(news.name)} is archived, and the program now places it on the main instance (pgtier:asOf moved back, or hotPeriods grew); ` +
        `moving rows back is not supported yet — keep asOf and hotPeriods as they were`,
    });
  }
  const oldServer = (olds.archive as Record<string, unknown> | undefined)?.server;
  // An archive not known yet (one Output during preview) is checked again once known.
  const newServer = isUnknown(news.archive)
    ? olds.archive && (olds.archive as Record<string, unknown>).server
    : (news.archive as Record<string, unknown> | undefined)?.server;
  if (olds.tier === "archive" && news.tier === "archive" && oldServer !== newServer && !isUnknown(newServer)) {
    failures.push({
      property: "archive.server",
      reason: `${String(news.name)} is archived through server ${JSON.stringify(oldServer)}; moving it to ${JSON.stringify(newServer)} is not supported yet — keep its archive placement rule`,
    });
  }
  if ((olds.from !== undefined && olds.from !== news.from) || (olds.to !== undefined && olds.to !== news.to)) {
    if (!isUnknown(news.from) && !isUnknown(news.to)) {
      failures.push({
        property: "from",
        reason: `${String(news.name)} covers [${String(olds.from)}, ${String(olds.to)}); a tiered partition's bounds are fixed by its period and cannot become [${String(news.from)}, ${String(news.to)})`,
      });
    }
  }
}

/** Validates `TieredPartition` inputs, given the previous inputs when it exists. */
export function validateTieredPartitionArgs(news: Record<string, unknown>, olds?: Record<string, unknown>): CheckFailure[] {
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
  if (news.keepLocal !== undefined && typeof news.keepLocal !== "boolean" && !isUnknown(news.keepLocal)) {
    failures.push({ property: "keepLocal", reason: `keepLocal must be true or false, got ${JSON.stringify(news.keepLocal)}` });
  }
  checkBackup(news.backup, failures);
  checkEvolution(olds, news, failures);
  return failures;
}
