/** Checks on a whole partition layout: names, bounds, overlaps and placement. */
import { CheckFailure, checkBounds, checkIdentifier, parseBound } from "./common";

/** Where one partition's rows live. */
export interface PartitionPlacement {
  /** Partition name (also the archive table's name). */
  readonly name: string;
  /** Inclusive lower bound. */
  readonly from: string;
  /** Exclusive upper bound. */
  readonly to: string;
  /** `local`: on the main instance; `archive`: on the archive instance named by `archive`. */
  readonly tier: "local" | "archive";
  /** Key of the archive instance, for `tier: "archive"`. */
  readonly archive?: string;
}

/**
 * Every problem with a layout: each partition's name and bounds, duplicate
 * names, overlapping ranges, and archive placements that name no instance.
 */
export function validateLayout(partitions: readonly PartitionPlacement[], archiveKeys: readonly string[]): CheckFailure[] {
  const failures: CheckFailure[] = [];
  const names = new Set<string>();
  partitions.forEach((p, i) => {
    const where = `partitions[${i}]`;
    const own: CheckFailure[] = [];
    checkIdentifier(`${where}.name`, p.name, own);
    checkBounds(p.from, p.to, own);
    failures.push(
      ...own.map((f) => ({
        property: f.property.startsWith(where) ? f.property : `${where}.${f.property}`,
        reason: `${where} (${p.name}): ${f.reason}`,
      })),
    );
    if (names.has(p.name)) {
      failures.push({ property: `${where}.name`, reason: `${where}: partition name ${JSON.stringify(p.name)} is used twice` });
    }
    names.add(p.name);
    if (p.tier === "archive" && !archiveKeys.includes(p.archive ?? "")) {
      failures.push({
        property: `${where}.archive`,
        reason: `${where} (${p.name}) is archived on ${JSON.stringify(p.archive)}, which is not one of the archive instances (${archiveKeys.join(", ") || "none given"})`,
      });
    } else if (p.tier !== "archive" && p.tier !== "local") {
      failures.push({
        property: `${where}.tier`,
        reason: `${where} (${p.name}): tier must be "local" or "archive", got ${JSON.stringify(p.tier)}`,
      });
    }
  });
  const ranged = partitions
    .map((p) => ({ p, from: parseBound(p.from), to: parseBound(p.to) }))
    .filter((r) => r.from && r.to)
    .sort((a, b) => (a.from!.order < b.from!.order ? -1 : a.from!.order > b.from!.order ? 1 : 0));
  // Each range is compared with every earlier range still open at its start.
  for (let i = 1; i < ranged.length; i++) {
    const cur = ranged[i];
    for (const prev of ranged.slice(0, i)) {
      if (cur.from!.kind === prev.to!.kind && cur.from!.order < prev.to!.order) {
        failures.push({
          property: "partitions",
          reason: `partitions ${prev.p.name} [${prev.p.from}, ${prev.p.to}) and ${cur.p.name} [${cur.p.from}, ${cur.p.to}) overlap; PostgreSQL routes each row to exactly one partition — make ${prev.p.name} end where ${cur.p.name} starts`,
        });
      }
    }
  }
  return failures;
}
