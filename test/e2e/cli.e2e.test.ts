/**
 * The pgtier command end to end: a real stack brought up through the
 * Pulumi CLI, and `node dist/cli/index.js` run as a subprocess, as a user
 * runs it. `status` reports the layout with live row counts; `doctor`
 * passes on a healthy stack, and each of the guide's troubleshooting cases,
 * provoked by hand on the one stack and undone afterwards, is reported
 * naming the object and the fix, with a non-zero exit status.
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { setTimeout as sleep } from "node:timers/promises";
import { promisify } from "node:util";
import { guideSampleRows } from "../../stacks/guide";
import { startContainer, stopContainer } from "../support/docker";
import { archiveDb, Database, mainDb, sql } from "../support/rotation";
import { pgtier, Run } from "../support/pgtier-command";
import { useStack } from "../support/stack";

const PASSWORD = "cli-Secret-5d2b";
const HBA_FILE = "/var/lib/postgresql/data/pg_hba.conf";

/** The doctor's line for one check, failing the test when there is none or more than one. */
function lineOf(run: Run, status: "ok" | "FAIL" | "skip", check: string): string {
  const lines = run.stdout.split("\n").filter((l) => l.startsWith(`${status.padEnd(4)}  ${check}  `));
  assert.equal(lines.length, 1, `one "${status} ${check}" line in:\n${run.stdout}\n${run.stderr}`);
  return lines[0];
}

/** `docker exec` as the container's default user. */
async function dockerExec(container: string, ...command: string[]): Promise<void> {
  await promisify(execFile)("docker", ["exec", container, ...command]);
}

/** Waits until a database accepts a login (a container that was just started). */
async function waitForLogin(db: Database): Promise<void> {
  for (let i = 0; ; i++) {
    try {
      await sql(db, "SELECT 1");
      return;
    } catch (err) {
      if (i >= 60) {
        throw err;
      }
      await sleep(500);
    }
  }
}

describe("e2e: the pgtier command on a real stack", function () {
  const { stackName, prefix, stack } = useStack("cli", PASSWORD);
  const archiveContainer = `${prefix}-archive`;
  let main: Database;
  let archive: Database;

  before(async () => {
    const up = await stack().up({ color: "never" });
    assert.equal(up.summary.result, "succeeded");
    main = mainDb(up.outputs.mainEndpoint.value, PASSWORD);
    archive = archiveDb(up.outputs.archiveEndpoint.value, PASSWORD);
    for (const r of guideSampleRows) {
      await sql(main, "INSERT INTO employees (name, hire_date, department, salary) VALUES ($1, $2, $3, $4)", [
        r.name,
        r.hireDate,
        r.department,
        r.salary,
      ]);
    }
    // The inserts through postgres_fdw change the archive table; analyze it so the stack starts healthy.
    await sql(archive, "ANALYZE emp_2024");
  });

  it("status prints the timeline with live row counts, FDW health and the last rotation and decommission", async () => {
    // WHEN
    const run = await pgtier("status", "--stack", stackName);
    // THEN
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, new RegExp(`^stack ${stackName}: table employees, layout as of 2025-06-15$`, "m"));
    assert.match(run.stdout, /^PERIOD +PARTITION +BOUNDS +TIER +INSTANCE +ROWS +SIZE$/m);
    assert.match(run.stdout, /^2024 +emp_2024 +\[2024-01-01, 2025-01-01\) +archive +archive +4 +\d+ kB$/m);
    assert.match(run.stdout, /^2025 +emp_2025 +\[2025-01-01, 2026-01-01\) +local +main \(current\) +3 +\d+ kB$/m);
    assert.match(run.stdout, new RegExp(`^ {2}archive_server +${prefix}-archive:5432/archive_db +ok \\(\\d+ ms\\)$`, "m"));
    assert.match(run.stdout, /^last rotation: none recorded/m);
    assert.match(run.stdout, /^last decommission: none recorded$/m);
    // Progress goes to stderr, results to stdout; no password anywhere.
    assert.match(run.stderr, /counting rows in emp_2024 \(through archive_server\)/);
    assert.equal(`${run.stdout}${run.stderr}`.includes(PASSWORD), false);
  });

  it("status --json gives the same figures as JSON", async () => {
    const run = await pgtier("status", "--stack", stackName, "--json", "--quiet");
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stderr, "");
    const report = JSON.parse(run.stdout) as { figures: Record<string, { rows: number }>; servers: { server: string; ok: boolean }[] };
    assert.equal(report.figures.emp_2024.rows, 4);
    assert.equal(report.figures.emp_2025.rows, 3);
    assert.deepEqual(
      report.servers.map((s) => [s.server, s.ok]),
      [["archive_server", true]],
    );
  });

  it("doctor passes every check on the healthy stack, and a range query prunes and is pushed down", async () => {
    // WHEN
    const run = await pgtier(
      "doctor",
      "--stack",
      stackName,
      "--query",
      "SELECT * FROM employees WHERE hire_date >= '2024-03-01' AND hire_date < '2024-04-01'",
    );
    // THEN
    assert.equal(run.code, 0, `${run.stdout}\n${run.stderr}`);
    for (const check of [
      "archive reachable from here",
      "archive reachable from main",
      "authentication",
      "pg_hba",
      "remote table",
      "bounds CHECK",
      "statistics",
      "query pruning",
      "query pushdown",
    ]) {
      lineOf(run, "ok", check);
    }
    assert.match(run.stdout, /^9 checks: 9 ok, 0 failed, 0 skipped$/m);
  });

  it("doctor: archive unreachable (its container stopped)", async () => {
    await stopContainer(archiveContainer);
    try {
      // WHEN
      const run = await pgtier("doctor", "--stack", stackName);
      // THEN
      assert.equal(run.code, 1);
      assert.match(
        lineOf(run, "FAIL", "archive reachable from here"),
        new RegExp(
          `archive "archive" at 127\\.0\\.0\\.1:\\d+: this machine cannot connect \\(its container ${archiveContainer} is not running \\(exited\\)\\) — start its container \\(docker start ${archiveContainer}`,
        ),
      );
      assert.match(
        lineOf(run, "FAIL", "archive reachable from main"),
        new RegExp(
          `archive_server \\(${archiveContainer}:5432/archive_db\\): the main instance cannot connect \\(.+\\) — is the archive running\\? docker start ${archiveContainer}`,
        ),
      );
      lineOf(run, "skip", "authentication");
    } finally {
      await startContainer(archiveContainer);
      await waitForLogin(archive);
    }
  });

  it("doctor: authentication failed (the user mapping's password is wrong)", async () => {
    const [{ password }] = await sql<{ password: string }>(
      main,
      "SELECT (SELECT split_part(o, '=', 2) FROM unnest(umoptions) o WHERE o LIKE 'password=%') AS password FROM pg_user_mappings WHERE srvname = 'archive_server'",
    );
    await sql(main, "ALTER USER MAPPING FOR postgres SERVER archive_server OPTIONS (SET password 'not-the-password-9q')");
    try {
      // WHEN
      const run = await pgtier("doctor", "--stack", stackName);
      // THEN
      assert.equal(run.code, 1);
      const line = lineOf(run, "FAIL", "authentication");
      assert.match(
        line,
        /user mapping for postgres on archive_server \(logs in as employees_fdw_writer\): the archive refused the password \(.*password authentication failed for user "employees_fdw_writer"\)/,
      );
      assert.match(
        line,
        new RegExp(
          `— run pulumi up --refresh --stack ${stackName} so pgtier sets the mapping's and the role's password again, or by hand: ALTER USER MAPPING FOR "postgres" SERVER "archive_server"`,
        ),
      );
      lineOf(run, "ok", "archive reachable from main");
      // Neither the right password nor the wrong one is printed.
      const all = `${run.stdout}${run.stderr}`;
      assert.equal(all.includes(password), false);
      assert.equal(all.includes("not-the-password-9q"), false);
    } finally {
      await sql(main, `ALTER USER MAPPING FOR postgres SERVER archive_server OPTIONS (SET password '${password.replace(/'/g, "''")}')`);
    }
  });

  it("doctor: pg_hba.conf rejecting the main instance", async () => {
    await dockerExec(archiveContainer, "sed", "-i", "1i host all employees_fdw_writer all reject", HBA_FILE);
    await sql(archive, "SELECT pg_reload_conf()");
    try {
      // WHEN
      const run = await pgtier("doctor", "--stack", stackName);
      // THEN
      assert.equal(run.code, 1);
      assert.match(
        lineOf(run, "FAIL", "pg_hba"),
        /archive_server \(.*, user employees_fdw_writer\): the archive's pg_hba\.conf rejects the main instance \(.*pg_hba\.conf rejects connection for host "([\d.]+)".*\) — add "host archive_db employees_fdw_writer \1\/32 scram-sha-256" to the archive's pg_hba\.conf above any line that rejects it, then run SELECT pg_reload_conf\(\) on the archive$/,
      );
    } finally {
      await dockerExec(archiveContainer, "sed", "-i", "1d", HBA_FILE);
      await sql(archive, "SELECT pg_reload_conf()");
    }
  });

  it("doctor: the remote table missing on the archive", async () => {
    await sql(archive, "ALTER TABLE emp_2024 RENAME TO emp_2024_elsewhere");
    try {
      // WHEN
      const run = await pgtier("doctor", "--stack", stackName);
      // THEN
      assert.equal(run.code, 1);
      assert.equal(
        lineOf(run, "FAIL", "remote table"),
        `FAIL  remote table  emp_2024 -> public.emp_2024 on archive_server: the archive has no table public.emp_2024 (relation "public.emp_2024" does not exist) — restore it on the archive (pg_restore of its backup), or, if it is there under another name, point the foreign table at it: ALTER FOREIGN TABLE "emp_2024" OPTIONS (SET schema_name 'public', SET table_name '<its name>')`,
      );
      lineOf(run, "ok", "authentication");
    } finally {
      await sql(archive, "ALTER TABLE emp_2024_elsewhere RENAME TO emp_2024");
    }
  });

  it("doctor: an archive table without its CHECK constraint", async () => {
    const [{ def }] = await sql<{ def: string }>(
      archive,
      "SELECT pg_get_constraintdef(oid) AS def FROM pg_constraint WHERE conname = 'emp_2024_bounds'",
    );
    await sql(archive, "ALTER TABLE emp_2024 DROP CONSTRAINT emp_2024_bounds");
    try {
      // WHEN
      const run = await pgtier("doctor", "--stack", stackName);
      // THEN
      assert.equal(run.code, 1);
      assert.equal(
        lineOf(run, "FAIL", "bounds CHECK"),
        `FAIL  bounds CHECK  public.emp_2024 on archive "archive": no CHECK constraint pins hire_date to the partition's bounds [2024-01-01, 2025-01-01) — on the archive: ALTER TABLE "public"."emp_2024" ADD CONSTRAINT "emp_2024_bounds" CHECK ("hire_date" >= '2024-01-01' AND "hire_date" < '2025-01-01')`,
      );
    } finally {
      await sql(archive, `ALTER TABLE emp_2024 ADD CONSTRAINT emp_2024_bounds ${def}`);
    }
  });

  it("doctor: stale statistics after a bulk load on the archive without ANALYZE", async () => {
    // autovacuum would analyze the table by itself within a minute: not during this test.
    await sql(archive, "ALTER TABLE emp_2024 SET (autovacuum_enabled = false)");
    await sql(
      archive,
      "INSERT INTO emp_2024 (name, hire_date, department, salary) SELECT 'bulk-' || g, date '2024-01-01' + g % 365, 'Ops', 1000 FROM generate_series(1, 2000) g",
    );
    try {
      // The counters reach pg_stat_user_tables within a second or so.
      for (let i = 0; i < 40; i++) {
        const [{ n }] = await sql<{ n: string }>(
          archive,
          "SELECT n_mod_since_analyze AS n FROM pg_stat_user_tables WHERE relname = 'emp_2024'",
        );
        if (Number(n) >= 2000) {
          break;
        }
        await sleep(250);
      }
      // WHEN
      const run = await pgtier("doctor", "--stack", stackName);
      // THEN
      assert.equal(run.code, 1);
      assert.match(
        lineOf(run, "FAIL", "statistics"),
        /^FAIL {2}statistics {2}public\.emp_2024 on archive "archive": stale statistics: 2000 rows changed since its last ANALYZE \(.+\), more than 50 \(50 \+ 10% of its 4 rows\) — on the archive: ANALYZE "public"\."emp_2024"/,
      );
    } finally {
      await sql(archive, "DELETE FROM emp_2024 WHERE name LIKE 'bulk-%'");
      await sql(archive, "ANALYZE emp_2024");
      await sql(archive, "ALTER TABLE emp_2024 RESET (autovacuum_enabled)");
    }
  });

  it("doctor --query: the guide's EXTRACT(YEAR FROM hire_date) query is not pruned nor pushed down", async () => {
    // WHEN
    const run = await pgtier(
      "doctor",
      "--stack",
      stackName,
      "--query",
      "SELECT * FROM employees WHERE EXTRACT(YEAR FROM hire_date) = 2024",
    );
    // THEN
    assert.equal(run.code, 1);
    const rewrite = "rewrite EXTRACT(YEAR FROM hire_date) = 2024 as hire_date >= '2024-01-01' AND hire_date < '2025-01-01'";
    const pruning = lineOf(run, "FAIL", "query pruning");
    assert.match(
      pruning,
      /employees \(2 partitions\): the plan reads emp_2024, emp_2025: every partition, because its condition on hire_date goes through an expression/,
    );
    assert.ok(pruning.endsWith(`— ${rewrite}`), pruning);
    const pushdown = lineOf(run, "FAIL", "query pushdown");
    assert.match(
      pushdown,
      /emp_2024 on archive_server: the WHERE clause is not pushed down: the main instance filters \(EXTRACT\(year FROM .*hire_date\) = '2024'::numeric\) after fetching the rows, and the archive sends no WHERE at all/,
    );
    assert.ok(pushdown.endsWith(rewrite), pushdown);
    // Every other check passes: the faults above were undone.
    assert.match(run.stdout, /^9 checks: 7 ok, 2 failed, 0 skipped$/m);
  });

  it("status shows the last rotation once the as-of date moves a year", async () => {
    await stack().setConfig("pgtier:asOf", { value: "2026-01-01" });
    const up = await stack().up({ color: "never" });
    assert.equal(up.summary.result, "succeeded");
    // WHEN
    const run = await pgtier("status", "--stack", stackName);
    // THEN
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /^2025 +emp_2025 +\[2025-01-01, 2026-01-01\) +archive +archive +3 +\d+ kB$/m);
    assert.match(run.stdout, /^2026 +emp_2026 +\[2026-01-01, 2027-01-01\) +local +main \(current\) +0 +\d+ kB$/m);
    assert.match(run.stdout, /^last rotation: emp_2025 to archive "archive", 3 rows, at \d{4}-\d\d-\d\dT/m);
  });
});
