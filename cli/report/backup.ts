/** How `pgtier backup` prints what it wrote. Pure. */
import { Manifest, MANIFEST_FILE } from "../backup/manifest";
import { formatBytes, formatColumns } from "./timeline";

/** One row per file (its instance, partitions, rows and size), then where the manifest is. */
export function formatBackup(m: Manifest, dir: string): string[] {
  const table = formatColumns([
    ["FILE", "INSTANCE", "PARTITIONS", "ROWS", "SIZE"],
    ...m.files.map((f) => [
      f.file,
      f.instance === "main" ? "main" : (f.archive ?? "?"),
      f.partitions.map((p) => p.partition).join(", ") || "-",
      String(f.partitions.reduce((n, p) => n + BigInt(p.rows), 0n)),
      formatBytes(f.bytes),
    ]),
  ]);
  return [...table, "", `manifest: ${dir}/${MANIFEST_FILE} (counts, checksums and SHA-256 of every file)`];
}
