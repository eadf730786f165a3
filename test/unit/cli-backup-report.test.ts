import assert from "node:assert/strict";
import { formatBackup } from "../../cli/report/backup";
import { formatRestore, RestoreReport, restoreMismatched } from "../../cli/report/restore";
import { buildAnalyzeSql, buildHasRowsSql, buildSequenceValueSql } from "../../cli/sql/backup";
import { guideManifest } from "./cli-backup-manifest.test";

const restored: RestoreReport = {
  stack: "restored",
  backupOf: "dev",
  from: "/b",
  partitions: [
    {
      partition: "emp_2024",
      tier: "archive",
      archive: "archive",
      server: "archive_server",
      expected: { rows: "4", checksum: "98" },
      found: { rows: "4", checksum: "98" },
      ok: true,
    },
    { partition: "emp_2025", tier: "local", expected: { rows: "3", checksum: "-12" }, found: { rows: "2", checksum: "7" }, ok: false },
  ],
  sequences: [{ sequence: "public.employees_id_seq", expected: "7", found: "7", ok: true }],
  notInBackup: ["emp_2026"],
  decommissionLog: { table: "public.archive_decommission_log", expected: "1", found: "1", outcome: "restored", ok: true },
};

describe("cli backup and restore: what they print", () => {
  it("backup: one row per file and where the manifest is", () => {
    assert.deepEqual(formatBackup(guideManifest, "/b"), [
      "FILE                          INSTANCE  PARTITIONS  ROWS  SIZE",
      "main.appdb.dump               main      emp_2025    3     9000 bytes",
      "archive.public.emp_2024.dump  archive   emp_2024    4     3000 bytes",
      "",
      "manifest: /b/manifest.json (counts, checksums and SHA-256 of every file)",
    ]);
  });

  it("restore: each partition verified, naming the one that differs", () => {
    assert.equal(restoreMismatched(restored), true);
    assert.deepEqual(formatRestore(restored), [
      "PARTITION  TIER     INSTANCE  ROWS  CHECKSUM  VERIFIED",
      "emp_2024   archive  archive   4     98        ok (read through archive_server)",
      "emp_2025   local    main      3     -12       MISMATCH: 2 rows, checksum 7; the backup has 3 rows, checksum -12",
      "sequence public.employees_id_seq: 7 (the backup recorded 7) ok",
      "decommission log public.archive_decommission_log: 1 rows (the backup had 1) ok",
      "not in the backup, left empty: emp_2026",
      "",
      "restore of /b into stack restored: emp_2025 differs from the backup — see above",
    ]);
  });

  it("restore: the stack's own decommission log kept", () => {
    const kept = {
      ...restored,
      decommissionLog: { table: "public.archive_decommission_log", expected: "2", outcome: "kept" as const, ok: true },
    };
    assert.ok(
      formatRestore(kept).includes(
        "decommission log public.archive_decommission_log: the stack's own kept (it holds rows); the backup's 2 rows not restored",
      ),
    );
  });

  it("restore: the summary when everything matches", () => {
    const ok = { ...restored, partitions: [restored.partitions[0]], notInBackup: [] };
    assert.equal(restoreMismatched(ok), false);
    assert.equal(
      formatRestore(ok).at(-1),
      "restored 1 partitions, 4 rows, into stack restored: counts and checksums match the backup of dev",
    );
  });
});

describe("cli backup and restore: their SQL", () => {
  it("quotes every name", () => {
    const t = { schema: "Sales", name: 'emp "2024"' };
    assert.equal(buildAnalyzeSql(t), 'ANALYZE "Sales"."emp ""2024"""');
    assert.equal(buildHasRowsSql(t), 'SELECT EXISTS (SELECT 1 FROM "Sales"."emp ""2024""") AS has_rows');
    assert.equal(buildSequenceValueSql(t), 'SELECT last_value::text AS last_value, is_called FROM "Sales"."emp ""2024"""');
  });
});
