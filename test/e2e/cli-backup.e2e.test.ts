/**
 * `pgtier backup` and `pgtier restore` end to end: a real stack with rows
 * in 2024 (archived) and 2025 (local) backed up through the CLI, destroyed,
 * brought up empty, and restored; the rows are compared by a fingerprint
 * the test computes itself (count and md5 of the ordered rows, on the
 * instance that holds them), and `pulumi preview` shows nothing to change.
 * The unhappy paths: a restore into tables holding rows, and from a backup
 * whose files or manifest were changed, are refused before any change.
 */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import { buildDecommissionLogTableSql } from "../../components/sql/decommission";
import { archiveDb, Database, mainDb, sql } from "../support/rotation";
import { pgtier } from "../support/pgtier-command";
import { skipAfterFirstFailure, useStack } from "../support/stack";

const PASSWORD = "backup-Secret-7c1e";
const ROWS_PER_YEAR = 5000;

/** Count and md5 of a table's rows in id order, as text: the test's own fingerprint, not pgtier's checksum. */
async function fingerprint(db: Database, table: string): Promise<string> {
  const [row] = await sql<{ n: string; md5: string | null }>(
    db,
    `SELECT count(*)::text AS n, md5(string_agg(t::text, E'\\n' ORDER BY t.id, t.name)) AS md5 FROM ${table} t`,
  );
  return `${row.n} rows, md5 ${row.md5 ?? "-"}`;
}

/** The manifest's fields the test reads. */
interface ManifestSeen {
  readonly stack: string;
  readonly columns: string[];
  readonly files: {
    file: string;
    instance: string;
    archive?: string;
    bytes: number;
    sha256: string;
    partitions: { partition: string; tier: string; rows: string; checksum: string }[];
    sequences: { name: string; lastValue: string }[];
    decommissionLog?: { schema: string; name: string; rows: string; sequences: string[] };
  }[];
}

function sha256Of(file: string): string {
  return createHash("sha256").update(fs.readFileSync(file)).digest("hex");
}

/** `pg_restore --list` of a dump: its TABLE DATA entries, `schema.name`. */
async function dataEntries(file: string): Promise<string[]> {
  const { stdout } = await promisify(execFile)("pg_restore", ["--list", file]);
  return stdout
    .split("\n")
    .map((l) => / TABLE DATA (\S+) (\S+) /.exec(l))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => `${m[1]}.${m[2]}`);
}

describe("e2e: pgtier backup and restore", function () {
  const { stackName, stack } = useStack("backup", PASSWORD);
  let dir: string;
  let backup: string;
  let main: Database;
  let archive: Database;
  const original: Record<string, string> = {};
  let lastId = "";
  skipAfterFirstFailure();

  /** The stack's instances, from its outputs after an up. */
  async function connect(): Promise<void> {
    const outputs = await stack().outputs();
    main = mainDb(outputs.mainEndpoint.value, PASSWORD);
    archive = archiveDb(outputs.archiveEndpoint.value, PASSWORD);
  }

  /** Both partitions' fingerprints, each on the instance holding it. */
  async function fingerprints(): Promise<Record<string, string>> {
    return { emp_2024: await fingerprint(archive, "emp_2024"), emp_2025: await fingerprint(main, "emp_2025") };
  }

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "pgtier-e2e-backup-"));
    backup = path.join(dir, "backup");
    const up = await stack().up({ color: "never" });
    assert.equal(up.summary.result, "succeeded");
    await connect();
    // Rows of both years through the partitioned table (2024's through postgres_fdw), with NULLs, quotes and non-ASCII text.
    for (const year of [2024, 2025]) {
      await sql(
        main,
        `INSERT INTO employees (name, hire_date, department, salary)
         SELECT 'emp ' || g || CASE WHEN g % 7 = 0 THEN ' O''Brien' WHEN g % 11 = 0 THEN ' Zoë' ELSE '' END,
                date '${year}-01-01' + (g % 365), CASE WHEN g % 13 = 0 THEN NULL ELSE 'dept ' || (g % 5) END, (g * 37 % 100000) / 100.0
           FROM generate_series(1, ${ROWS_PER_YEAR}) g`,
      );
    }
    // An earlier decommission's audit row, in the table pgtier's decommission creates.
    await sql(main, buildDecommissionLogTableSql("public"));
    await sql(
      main,
      "INSERT INTO archive_decommission_log (table_name, partition_range, row_count, backup_location) VALUES ('emp_2022', '[2022-01-01, 2023-01-01)', 12, '/backups/emp_2022.dump')",
    );
    Object.assign(original, await fingerprints());
    [{ lastId }] = await sql<{ lastId: string }>(main, `SELECT last_value::text AS "lastId" FROM employees_id_seq`);
  });

  after(() => dir && fs.rmSync(dir, { recursive: true, force: true }));

  it("backup dumps main without the foreign partition's rows and the archive table on its own, with a manifest of counts and checksums", async () => {
    // WHEN
    const run = await pgtier("backup", "--stack", stackName, "--to", backup);
    // THEN
    assert.equal(run.code, 0, run.stderr);
    const manifest = JSON.parse(fs.readFileSync(path.join(backup, "manifest.json"), "utf8")) as ManifestSeen;
    assert.equal(manifest.stack, stackName);
    assert.deepEqual(manifest.columns, ["id", "name", "hire_date", "department", "salary"]);
    assert.deepEqual(
      manifest.files.map((f) => [f.file, f.instance, f.archive, f.partitions.map((p) => [p.partition, p.tier, p.rows])]),
      [
        ["main.appdb.dump", "main", undefined, [["emp_2025", "local", String(ROWS_PER_YEAR)]]],
        ["archive.public.emp_2024.dump", "archive", "archive", [["emp_2024", "archive", String(ROWS_PER_YEAR)]]],
      ],
    );
    assert.deepEqual(
      manifest.files[0].sequences.map((s) => [s.name, s.lastValue]),
      [["employees_id_seq", lastId]],
    );
    assert.deepEqual(manifest.files[0].decommissionLog, {
      schema: "public",
      name: "archive_decommission_log",
      rows: "1",
      sequences: ["archive_decommission_log_id_seq"],
    });
    for (const f of manifest.files) {
      const file = path.join(backup, f.file);
      assert.equal(sha256Of(file), f.sha256, f.file);
      assert.equal(fs.statSync(file).size, f.bytes, f.file);
      assert.match(f.partitions[0].checksum, /^-?\d+$/);
    }
    // The main dump holds the local partition's rows and none of the foreign one's; the archive dump holds its table's.
    const mainData = await dataEntries(path.join(backup, "main.appdb.dump"));
    assert.ok(mainData.includes("public.emp_2025"), mainData.join(", "));
    assert.ok(!mainData.includes("public.emp_2024"), mainData.join(", "));
    assert.deepEqual(await dataEntries(path.join(backup, "archive.public.emp_2024.dump")), ["public.emp_2024"]);
    // Progress per file on stderr; the summary on stdout; no password anywhere.
    assert.match(run.stderr, /dumping the whole database appdb on main to main\.appdb\.dump/);
    assert.match(run.stderr, /wrote archive\.public\.emp_2024\.dump: emp_2024 5000 rows, \d+ kB, in [\d.]+s/);
    assert.match(run.stdout, /^archive\.public\.emp_2024\.dump +archive +emp_2024 +5000 +\d+ kB$/m);
    assert.equal(`${run.stdout}${run.stderr}`.includes(PASSWORD), false);
    // The main dump holds the user mappings' passwords: nobody else may read any of it.
    assert.equal(fs.statSync(backup).mode & 0o777, 0o700);
    for (const file of fs.readdirSync(backup)) {
      assert.equal(fs.statSync(path.join(backup, file)).mode & 0o777, 0o600, file);
    }
  });

  it("backup refuses a directory that holds a backup already, or that others may read", async () => {
    const run = await pgtier("backup", "--stack", stackName, "--to", backup, "--quiet");
    assert.equal(run.code, 2);
    assert.match(run.stderr, /holds a backup already \(manifest\.json\) — name a new directory with --to; nothing was written/);
    const open = path.join(dir, "open");
    fs.mkdirSync(open, { mode: 0o755 });
    fs.chmodSync(open, 0o755);
    const refused = await pgtier("backup", "--stack", stackName, "--to", open, "--quiet");
    assert.equal(refused.code, 2);
    assert.match(
      refused.stderr,
      /open may be read by other users \(mode 755\), and the main dump holds the user mappings' passwords — chmod 700 .*open, or name a new directory with --to; nothing was written/,
    );
    assert.deepEqual(fs.readdirSync(open), []);
  });

  it("restore refuses tables that hold rows, before changing anything", async () => {
    // WHEN
    const run = await pgtier("restore", "--stack", stackName, "--from", backup);
    // THEN
    assert.equal(run.code, 2, run.stdout);
    assert.match(run.stderr, /refused, nothing was changed:/);
    assert.match(run.stderr, /- emp_2025 on the main instance holds rows already/);
    assert.match(run.stderr, /- public\.emp_2024 on archive "archive" \(partition emp_2024\) holds rows already/);
    assert.deepEqual(await fingerprints(), original);
  });

  it("destroy and an empty up leave the tables empty", async () => {
    const destroyed = await stack().destroy({ color: "never" });
    assert.equal(destroyed.summary.result, "succeeded");
    const up = await stack().up({ color: "never" });
    assert.equal(up.summary.result, "succeeded");
    await connect();
    assert.deepEqual(await fingerprints(), { emp_2024: "0 rows, md5 -", emp_2025: "0 rows, md5 -" });
  });

  it("restore refuses a backup whose dump or manifest was changed, before changing anything", async () => {
    const tampered = path.join(dir, "tampered");
    fs.cpSync(backup, tampered, { recursive: true });
    fs.appendFileSync(path.join(tampered, "archive.public.emp_2024.dump"), "x");
    const manifestFile = path.join(tampered, "manifest.json");
    const manifest = JSON.parse(fs.readFileSync(manifestFile, "utf8")) as ManifestSeen;
    manifest.files[0].partitions[0].partition = "emp_2023";
    fs.writeFileSync(manifestFile, JSON.stringify(manifest));
    // WHEN
    const run = await pgtier("restore", "--stack", stackName, "--from", tampered);
    // THEN
    assert.equal(run.code, 2, run.stdout);
    assert.match(run.stderr, /refused, nothing was changed:/);
    assert.match(
      run.stderr,
      /- archive\.public\.emp_2024\.dump is not the file the backup wrote \(\d+ bytes, SHA-256 [0-9a-f]{12}…; the manifest says \d+ bytes/,
    );
    assert.match(run.stderr, /- partition emp_2023 \[2025-01-01, 2026-01-01\) is in the backup but not in the stack/);
    assert.deepEqual(await fingerprints(), { emp_2024: "0 rows, md5 -", emp_2025: "0 rows, md5 -" });
  });

  it("restore fills the empty stack: the same rows on each instance, verified through the main instance", async () => {
    // WHEN
    const run = await pgtier("restore", "--stack", stackName, "--from", backup, "--jobs", "2");
    // THEN
    assert.equal(run.code, 0, `${run.stdout}\n${run.stderr}`);
    assert.deepEqual(await fingerprints(), original);
    assert.match(run.stdout, /^emp_2024 +archive +archive +5000 +-?\d+ +ok \(read through archive_server\)$/m);
    assert.match(run.stdout, /^emp_2025 +local +main +5000 +-?\d+ +ok$/m);
    assert.match(run.stdout, new RegExp(`^sequence public\\.employees_id_seq: ${lastId} \\(the backup recorded ${lastId}\\) ok$`, "m"));
    assert.match(run.stdout, /^decommission log public\.archive_decommission_log: 1 rows \(the backup had 1\) ok$/m);
    const status = await pgtier("status", "--stack", stackName, "--quiet");
    assert.match(status.stdout, /^last decommission: emp_2022/m);
    assert.match(run.stdout, /restored 2 partitions, 10000 rows, into stack .*: counts and checksums match the backup/);
    assert.match(run.stderr, /restoring archive\.public\.emp_2024\.dump into archive "archive" \(archive_db\): emp_2024/);
    // Through the partitioned table, as an application reads it, and new rows take ids after the restored ones.
    const [{ n }] = await sql<{ n: string }>(main, "SELECT count(*)::text AS n FROM employees");
    assert.equal(n, String(2 * ROWS_PER_YEAR));
    const [{ id }] = await sql<{ id: string }>(
      main,
      "INSERT INTO employees (name, hire_date) VALUES ('after restore', '2025-12-31') RETURNING id::text AS id",
    );
    assert.equal(BigInt(id), BigInt(lastId) + 1n);
    await sql(main, "DELETE FROM employees WHERE name = 'after restore'");
  });

  it("pulumi preview shows nothing to change after the restore, and doctor passes", async () => {
    const preview = await stack().preview({ color: "never" });
    assert.deepEqual(Object.keys(preview.changeSummary), ["same"]);
    const doctor = await pgtier("doctor", "--stack", stackName, "--quiet");
    assert.equal(doctor.code, 0, doctor.stdout);
  });
});
