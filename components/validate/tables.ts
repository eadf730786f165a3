/** Validators for the partitioned table, its partitions and archive tables. */
import {
  CheckFailure,
  checkBounds,
  checkColumns,
  checkConnection,
  checkIdentifier,
  checkIndexes,
  checkOptionalIdentifier,
  columnNames,
  isUnknown,
} from "./common";
import { checkForeignTableOptions } from "./fdw";

/** The fix for PostgreSQL's refusal of foreign partitions under unique indexes. */
export const UNIQUE_WITH_FOREIGN_PARTITIONS =
  "PostgreSQL cannot attach a foreign-table partition to a table with a UNIQUE index or primary key " +
  "(it cannot enforce uniqueness on a remote server); drop `unique` from this index, or keep every partition local " +
  "with allowForeignPartitions: false";

/** The partition key names one of the columns. */
export function checkPartitionKey(news: Record<string, unknown>, failures: CheckFailure[]): void {
  checkIdentifier("partitionKey", news.partitionKey, failures);
  const names = columnNames(news.columns);
  if (names && typeof news.partitionKey === "string" && !isUnknown(news.partitionKey) && !names.has(news.partitionKey)) {
    failures.push({
      property: "partitionKey",
      reason: `partitionKey ${JSON.stringify(news.partitionKey)} is not one of the columns (${[...names].join(", ")})`,
    });
  }
}

/** Validates `PartitionedTable` inputs. */
export function validatePartitionedTableArgs(news: Record<string, unknown>): CheckFailure[] {
  const failures: CheckFailure[] = [];
  checkConnection(news.connection, failures);
  checkIdentifier("name", news.name, failures);
  checkOptionalIdentifier("schema", news.schema, failures);
  checkColumns(news.columns, failures);
  checkPartitionKey(news, failures);
  checkIndexes(news.indexes, columnNames(news.columns), failures);
  if (news.allowForeignPartitions !== false && Array.isArray(news.indexes)) {
    news.indexes.forEach((index: { name?: string; unique?: boolean }, i: number) => {
      if (index?.unique === true) {
        failures.push({
          property: `indexes[${i}].unique`,
          reason: `index ${JSON.stringify(index.name)} is UNIQUE: ${UNIQUE_WITH_FOREIGN_PARTITIONS}`,
        });
      }
    });
  }
  return failures;
}

/** What every partition needs: connection, name, parent and bounds. */
export function checkPartitionOf(news: Record<string, unknown>, failures: CheckFailure[]): void {
  checkConnection(news.connection, failures);
  checkIdentifier("name", news.name, failures);
  checkOptionalIdentifier("schema", news.schema, failures);
  checkIdentifier("parent", news.parent, failures);
  checkOptionalIdentifier("parentSchema", news.parentSchema, failures);
  checkBounds(news.from, news.to, failures);
}

/** Validates `LocalPartition` inputs. */
export function validateLocalPartitionArgs(news: Record<string, unknown>): CheckFailure[] {
  const failures: CheckFailure[] = [];
  checkPartitionOf(news, failures);
  return failures;
}

/** Validates `ForeignPartition` inputs. */
export function validateForeignPartitionArgs(news: Record<string, unknown>): CheckFailure[] {
  const failures: CheckFailure[] = [];
  checkPartitionOf(news, failures);
  checkIdentifier("server", news.server, failures);
  checkOptionalIdentifier("remoteSchema", news.remoteSchema, failures);
  checkOptionalIdentifier("remoteTable", news.remoteTable, failures);
  checkForeignTableOptions(news.options, failures);
  return failures;
}

/** Validates `ArchiveTable` inputs. */
export function validateArchiveTableArgs(news: Record<string, unknown>): CheckFailure[] {
  const failures: CheckFailure[] = [];
  checkConnection(news.connection, failures);
  checkIdentifier("name", news.name, failures);
  checkOptionalIdentifier("schema", news.schema, failures);
  checkColumns(news.columns, failures);
  checkPartitionKey(news, failures);
  checkIndexes(news.indexes, columnNames(news.columns), failures);
  checkBounds(news.from, news.to, failures);
  return failures;
}

/** Validates `MonitoringViews` inputs. */
export function validateMonitoringViewsArgs(news: Record<string, unknown>): CheckFailure[] {
  const failures: CheckFailure[] = [];
  checkConnection(news.connection, failures);
  for (const key of ["schema", "parent", "parentSchema", "partitionKey", "healthView", "statsView", "connectionsView"]) {
    checkIdentifier(key, news[key], failures);
  }
  const servers = news.servers;
  if (servers !== undefined && !isUnknown(servers)) {
    if (!Array.isArray(servers)) {
      failures.push({ property: "servers", reason: `servers must be a list of foreign server names, got ${JSON.stringify(servers)}` });
    } else {
      servers.forEach((server, i) => checkIdentifier(`servers[${i}]`, server, failures));
      // Checked here, not when the views are made: a replace would have dropped the old ones by then.
      const view = news.connectionsView;
      const long = servers.filter(
        (server): server is string => typeof server === "string" && typeof view === "string" && Buffer.byteLength(`${view}_${server}`) > 63,
      );
      if (long.length > 0) {
        failures.push({
          property: "connectionsView",
          reason: `the foreign table per server, ${long.map((server) => `${String(view)}_${server}`).join(", ")}, would be longer than 63 bytes; give the connection view a shorter name`,
        });
      }
    }
  }
  if (typeof news.healthView === "string" && news.healthView === news.statsView) {
    failures.push({
      property: "statsView",
      reason: `healthView and statsView are both ${JSON.stringify(news.statsView)}; give them different names`,
    });
  }
  return failures;
}
