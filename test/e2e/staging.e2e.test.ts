/**
 * The staging stack's setup through the Pulumi CLI: two archive instances by
 * period, FDW roles, TLS with verify-full (pgtier's CA, a certificate per
 * instance), one archive read-only and one writable, retention with
 * backups. What a user checks: FDW sessions encrypted and not superusers,
 * the guide's queries and DML through `employees`, the read-only archive's
 * refusal, grants after a rotation, and no key or password in the state.
 */
import assert from "node:assert/strict";
import { Client } from "pg";
import { archiveDb, Database, Endpoint, fdwGrantsOn, insertRows, mainDb, partitionSums, sql } from "../support/rotation";
import { dockerClient } from "../../components/docker/client";
import { skipAfterFirstFailure, stateText, useStack } from "../support/stack";

const PASSWORD = "staging-e2e-5d1f";

describe("e2e: the staging setup (two archives, FDW roles, TLS verify-full) through the Pulumi CLI", function () {
  const { stackName, prefix, stack } = useStack("staging", PASSWORD, {
    archives: JSON.stringify([
      { name: "archive-old", to: "2025-01-01" },
      { name: "archive-recent", from: "2025-01-01" },
    ]),
    writableArchives: JSON.stringify(["archive-recent"]),
    asOf: "2026-06-15",
    firstPeriod: "2024-01-01",
    futurePeriods: "0",
    tls: "true",
    passwordFile: "true",
    isolateArchives: "true",
  });
  skipAfterFirstFailure();
  this.timeout(180_000);
  let main: Database;
  let old: Database;
  let recent: Database;

  it("comes up with TLS on every instance and the foreign servers on verify-full with the CA on the main instance", async () => {
    const up = await stack().up({ color: "never" });
    assert.equal(up.summary.result, "succeeded");
    const endpoints = up.outputs.archiveEndpoints.value as Record<string, Endpoint>;
    main = mainDb(up.outputs.mainEndpoint.value as Endpoint, PASSWORD);
    old = archiveDb(endpoints["archive-old"], PASSWORD);
    recent = archiveDb(endpoints["archive-recent"], PASSWORD);
    const servers = await sql<{ srvname: string; options: string[] }>(
      main,
      "SELECT srvname, srvoptions AS options FROM pg_foreign_server ORDER BY 1",
    );
    for (const s of servers) {
      assert.ok(s.options.includes("sslmode=verify-full"), s.options.join(","));
      assert.ok(
        s.options.some((o) => /^sslrootcert=\/.*\/pgtier_ca\.crt$/.test(o)),
        s.options.join(","),
      );
    }
    for (const db of [main, old, recent]) {
      const [ssl] = await sql<{ ssl: string }>(db, "SELECT current_setting('ssl') AS ssl");
      assert.equal(ssl.ssl, "on");
    }
  });

  it("keeps the archives on an internal network of their own, unpublished; the main instance joins it and is published on 127.0.0.1", async () => {
    const docker = dockerClient();
    const archivesNet = await docker.getNetwork(`${prefix}-archives`).inspect();
    assert.equal(archivesNet.Internal, true);
    for (const name of ["archive-old", "archive-recent"]) {
      const info = await docker.getContainer(`${prefix}-${name}`).inspect();
      assert.deepEqual(Object.keys(info.NetworkSettings.Networks), [`${prefix}-archives`], name);
      assert.deepEqual(info.HostConfig.PortBindings ?? {}, {}, `${name} is not published`);
    }
    const mainInfo = await docker.getContainer(`${prefix}-main`).inspect();
    assert.deepEqual(Object.keys(mainInfo.NetworkSettings.Networks).sort(), [prefix, `${prefix}-archives`].sort());
    assert.equal(mainInfo.HostConfig.PortBindings?.["5432/tcp"]?.[0]?.HostIp, "127.0.0.1");
  });

  it("reads every year through employees over encrypted FDW sessions as the FDW roles, never a superuser", async () => {
    // 2024 lives on the read-only archive: loaded there by its admin, as a restore would.
    await sql(
      old,
      "INSERT INTO emp_2024 (id, name, hire_date, department, salary) VALUES (1001, 'Alice Johnson', '2024-03-15', 'Engineering', 95000)",
    );
    await insertRows(main, { from: "2025-01-01", to: "2026-01-01", count: 50, tag: "y2025" });
    await insertRows(main, { from: "2026-01-01", to: "2027-01-01", count: 50, tag: "y2026" });
    const client = new Client({ host: main.host, port: main.port, user: "postgres", password: PASSWORD, database: "appdb" });
    await client.connect();
    try {
      const years = await client.query(
        "SELECT EXTRACT(YEAR FROM hire_date)::int AS year, count(*)::int AS n FROM employees GROUP BY 1 ORDER BY 1",
      );
      assert.deepEqual(years.rows, [
        { year: 2024, n: 1 },
        { year: 2025, n: 50 },
        { year: 2026, n: 50 },
      ]);
      const sessionsOn = (db: Database) =>
        sql(
          db,
          "SELECT a.usename, r.rolsuper, s.ssl FROM pg_stat_activity a JOIN pg_stat_ssl s USING (pid) JOIN pg_roles r ON r.rolname = a.usename WHERE a.application_name = 'postgres_fdw'",
        );
      assert.deepEqual(await sessionsOn(old), [{ usename: "employees_fdw_reader", rolsuper: false, ssl: true }]);
      assert.deepEqual(await sessionsOn(recent), [{ usename: "employees_fdw_writer", rolsuper: false, ssl: true }]);
    } finally {
      await client.end();
    }
  });

  it("routes the guide's Step 5 DML to the writable archive, and the read-only one refuses it with PostgreSQL's permission error", async () => {
    await sql(main, "INSERT INTO employees (name, hire_date, department, salary) VALUES ('Hannah Green', '2025-12-15', 'Sales', 79000.00)");
    await sql(
      main,
      "UPDATE employees SET salary = salary * 1.05 WHERE hire_date >= '2025-01-01' AND hire_date < '2026-01-01' AND department = 'Sales'",
    );
    const [onRecent] = await sql<{ n: number }>(recent, "SELECT count(*)::int AS n FROM emp_2025 WHERE name = 'Hannah Green'");
    assert.equal(onRecent.n, 1);
    await assert.rejects(
      sql(main, "INSERT INTO employees (name, hire_date, department, salary) VALUES ('Ivan Old', '2024-12-15', 'Sales', 70000.00)"),
      /permission denied for table emp_2024/,
    );
    await assert.rejects(sql(main, "DELETE FROM employees WHERE hire_date < '2025-01-01'"), /permission denied for table emp_2024/);
  });

  it("keeps the FDW roles' passwords in the main instance's password file, not in the mappings; the role gets in only over TLS", async () => {
    const mappings = await sql<{ options: string[] }>(main, "SELECT umoptions AS options FROM pg_user_mappings ORDER BY srvname");
    assert.deepEqual(
      mappings.map((m) => m.options),
      [["user=employees_fdw_reader"], ["user=employees_fdw_writer"]],
    );
    const [file] = await sql<{ text: string }>(
      main,
      "SELECT pg_read_file(substring(array_to_string(srvoptions, ',') FROM 'passfile=([^,]+)')) AS text FROM pg_foreign_server WHERE srvname = 'archive_old_server'",
    );
    const line = file.text.split("\n").find((l) => l.includes(":employees_fdw_reader:"))!;
    const password = line.split(":")[4];
    assert.equal(password.length, 32);
    const plain = new Client({ host: old.host, port: old.port, user: "employees_fdw_reader", password, database: "archive_db" });
    await assert.rejects(plain.connect(), /pg_hba\.conf rejects connection .*"employees_fdw_reader".*no encryption/);
  });

  it("after a rotation, the new archive table is granted to the FDW roles and read through employees as the mapped role", async () => {
    await stack().setConfig("pgtier:asOf", { value: "2027-01-10" });
    const before = await partitionSums(main);
    const up = await stack().up({ color: "never" });
    assert.equal(up.summary.result, "succeeded");
    const grants = await fdwGrantsOn(recent, "emp_2026");
    assert.deepEqual(grants, [
      { grantee: "employees_fdw_reader", p: "SELECT" },
      { grantee: "employees_fdw_writer", p: "DELETE,INSERT,SELECT,UPDATE" },
    ]);
    const after = await partitionSums(main);
    assert.deepEqual(after.emp_2026, before.emp_2026, "emp_2026's rows, read from the archive through the mapping");
  });

  it("keeps every private key and password out of the state in plain text", () => {
    const text = stateText(stackName);
    assert.ok(text.includes("pgtier:index:ServerCertificate"), "the state was read");
    assert.equal(text.includes("PRIVATE KEY"), false);
    assert.equal(text.includes(PASSWORD), false);
  });
});
