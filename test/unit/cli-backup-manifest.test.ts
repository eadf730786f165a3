import assert from "node:assert/strict";
import { formatManifest, Manifest, MANIFEST_FORMAT, manifestPartitions, parseManifest } from "../../cli/backup/manifest";

/** A manifest as pgtier backup writes it for the guide's layout. */
export const guideManifest: Manifest = {
  format: MANIFEST_FORMAT,
  stack: "dev",
  createdAt: "2026-11-30T10:00:00.000Z",
  pgtierVersion: "0.1.0",
  pgDump: "pg_dump (PostgreSQL) 15.18",
  table: { schema: "public", name: "employees" },
  columns: ["id", "name", "hire_date", "department", "salary"],
  files: [
    {
      file: "main.appdb.dump",
      instance: "main",
      database: "appdb",
      partitions: [
        {
          partition: "emp_2025",
          bounds: { from: "2025-01-01", to: "2026-01-01" },
          tier: "local",
          table: { schema: "public", name: "emp_2025" },
          rows: "3",
          checksum: "-123456789",
        },
      ],
      sequences: [{ schema: "public", name: "employees_id_seq", lastValue: "7", isCalled: true }],
      decommissionLog: { schema: "public", name: "archive_decommission_log", rows: "1", sequences: ["archive_decommission_log_id_seq"] },
      bytes: 9000,
      sha256: "a".repeat(64),
    },
    {
      file: "archive.public.emp_2024.dump",
      instance: "archive",
      archive: "archive",
      database: "archive_db",
      partitions: [
        {
          partition: "emp_2024",
          bounds: { from: "2024-01-01", to: "2025-01-01" },
          tier: "archive",
          archive: "archive",
          server: "archive_server",
          table: { schema: "public", name: "emp_2024" },
          rows: "4",
          checksum: "987654321",
        },
      ],
      sequences: [],
      bytes: 3000,
      sha256: "b".repeat(64),
    },
  ],
};

describe("cli backup: the manifest", () => {
  it("reads back what it writes", () => {
    // WHEN
    const read = parseManifest(formatManifest(guideManifest), "manifest.json");
    // THEN
    assert.deepEqual(read, guideManifest);
    assert.ok(Object.isFrozen(read.files[0].partitions[0]));
    assert.deepEqual(
      manifestPartitions(read).map((p) => p.partition),
      ["emp_2025", "emp_2024"],
    );
  });

  it("names every problem at once", () => {
    // GIVEN a manifest with a file outside the directory, a count that is no number, a missing checksum and a partition twice
    const bad = JSON.parse(formatManifest(guideManifest)) as { files: Record<string, unknown>[] };
    bad.files[1].file = "../elsewhere.dump";
    const partition = (bad.files[1].partitions as Record<string, unknown>[])[0];
    partition.rows = "four";
    partition.partition = "emp_2025";
    delete (bad.files[0].partitions as Record<string, unknown>[])[0].checksum;
    // WHEN / THEN
    assert.throws(
      () => parseManifest(JSON.stringify(bad), "/b/manifest.json"),
      (err: Error) => {
        assert.equal(
          err.message,
          [
            "/b/manifest.json is not a valid pgtier backup manifest:",
            "  - files[0].partitions[0].checksum is missing",
            '  - files[1].file "../elsewhere.dump" is not a file name in the backup directory',
            '  - files[1].partitions[0].rows is not a whole number ("four")',
            "  - partition emp_2025 is listed more than once",
          ].join("\n"),
        );
        return true;
      },
    );
  });

  it("refuses another format and text that is not JSON", () => {
    assert.throws(
      () => parseManifest(JSON.stringify({ format: "pgtier-backup/9", pgtierVersion: "9.0.0" }), "m.json"),
      /^Error: m\.json has format "pgtier-backup\/9", this pgtier reads "pgtier-backup\/1" — restore with the pgtier version that wrote it \("9\.0\.0"\)$/,
    );
    assert.throws(() => parseManifest("{", "m.json"), /^Error: m\.json is not JSON \(.+\) — is it a manifest pgtier backup wrote\?$/);
  });
});
