import assert from "node:assert/strict";
import { directVerdict, failureKind, remoteTableVerdict, ServerProbe, serverVerdicts } from "../../cli/diagnose/connections";
import { formatVerdict } from "../../cli/diagnose/verdict";

/** What postgres_fdw raises on the main instance, as `pg` reports it. */
const FDW = {
  refused: {
    code: "08001",
    message: 'could not connect to server "archive_server"',
    detail:
      'connection to server at "archive" (172.18.0.2), port 5432 failed: Connection refused\n\tIs the server running on that host and accepting TCP/IP connections?',
  },
  noHost: {
    code: "08001",
    message: 'could not connect to server "archive_server"',
    detail: 'could not translate host name "archive" to address: Name or service not known',
  },
  password: {
    code: "08001",
    message: 'could not connect to server "archive_server"',
    detail:
      'connection to server at "archive" (172.18.0.2), port 5432 failed: FATAL:  password authentication failed for user "employees_fdw_writer"',
  },
  hba: {
    code: "08001",
    message: 'could not connect to server "archive_server"',
    detail:
      'connection to server at "archive" (172.18.0.2), port 5432 failed: FATAL:  pg_hba.conf rejects connection for host "172.18.0.3", user "employees_fdw_writer", database "archive_db", no encryption',
  },
  noEntry: {
    code: "08001",
    message: 'could not connect to server "archive_server"',
    detail:
      'connection to server at "archive" failed: FATAL:  no pg_hba.conf entry for host "172.18.0.3", user "employees_fdw_writer", database "archive_db", no encryption',
  },
  noTable: { code: "42P01", message: 'relation "public.emp_2024" does not exist' },
};

const probe: ServerProbe = {
  server: "archive_server",
  address: "archive:5432/archive_db",
  localRole: "postgres",
  remoteRole: "employees_fdw_writer",
  database: "archive_db",
  container: "pgtier-dev-archive",
  stackName: "dev",
};

describe("cli: the kind of a failure through postgres_fdw", () => {
  const table: [keyof typeof FDW, string][] = [
    ["refused", "unreachable"],
    ["noHost", "unreachable"],
    ["password", "authentication"],
    ["hba", "pg_hba"],
    ["noEntry", "pg_hba"],
    ["noTable", "remote-table"],
  ];
  for (const [name, kind] of table) {
    it(`${name} is ${kind}`, () => {
      assert.equal(failureKind(FDW[name]), kind);
    });
  }

  it("reads a direct login's SQLSTATE too", () => {
    assert.equal(failureKind({ code: "28P01", message: "password authentication failed" }), "authentication");
    assert.equal(failureKind({ code: "28000", message: "no pg_hba.conf entry" }), "pg_hba");
    assert.equal(failureKind({ code: "ECONNREFUSED", message: "connect ECONNREFUSED 127.0.0.1:1" }), "unreachable");
    assert.equal(failureKind({ code: "XX000", message: "something else" }), "other");
  });
});

describe("cli: verdicts of a foreign server", () => {
  it("passes every check when the probe connected", () => {
    // WHEN
    const lines = serverVerdicts(probe).map(formatVerdict);
    // THEN
    assert.deepEqual(lines, [
      "ok    archive reachable from main  archive_server (archive:5432/archive_db)",
      "ok    authentication  user mapping for postgres on archive_server (logs in as employees_fdw_writer)",
      "ok    pg_hba  archive_server (archive:5432/archive_db, user employees_fdw_writer)",
    ]);
  });

  it("an unreachable archive fails, names the container to start, and skips the login checks", () => {
    const [reachable, auth, hba] = serverVerdicts({ ...probe, error: FDW.noHost });
    assert.equal(
      formatVerdict(reachable),
      'FAIL  archive reachable from main  archive_server (archive:5432/archive_db): the main instance cannot connect (could not translate host name "archive" to address: Name or service not known) — is the archive running? docker start pgtier-dev-archive, or pulumi up --stack dev; from the main instance check it answers (pg_isready -h archive -p 5432), and check the server\'s host and port options and the network between them',
    );
    assert.equal(auth.status, "skip");
    assert.equal(hba.status, "skip");
  });

  it("a refused password fails authentication with the mapping to fix, never a password", () => {
    const [reachable, auth, hba] = serverVerdicts({ ...probe, error: FDW.password });
    assert.equal(reachable.status, "ok");
    assert.equal(hba.status, "ok");
    const line = formatVerdict(auth);
    assert.match(
      line,
      /^FAIL {2}authentication {2}user mapping for postgres on archive_server \(logs in as employees_fdw_writer\): the archive refused the password/,
    );
    assert.match(line, /pulumi up --refresh --stack dev/);
    assert.match(line, /ALTER USER MAPPING FOR "postgres" SERVER "archive_server" OPTIONS \(SET password '<the role's password>'\)$/);
  });

  it("a pg_hba.conf rejection fails pg_hba with the line to add for the client's address", () => {
    const [, auth, hba] = serverVerdicts({ ...probe, error: FDW.hba });
    assert.equal(auth.status, "skip");
    assert.match(
      formatVerdict(hba),
      /^FAIL {2}pg_hba .*rejects the main instance .* — add "host archive_db employees_fdw_writer 172\.18\.0\.3\/32 scram-sha-256"/,
    );
    assert.match(formatVerdict(hba), /SELECT pg_reload_conf\(\) on the archive$/);
  });
});

describe("cli: verdict of a foreign partition's remote table", () => {
  const t = { partition: "emp_2024", server: "archive_server", remoteSchema: "public", remoteName: "emp_2024", serverConnected: true };

  it("passes when the read worked, and is skipped when the server does not connect", () => {
    assert.equal(formatVerdict(remoteTableVerdict(t)), "ok    remote table  emp_2024 -> public.emp_2024 on archive_server");
    assert.equal(remoteTableVerdict({ ...t, serverConnected: false }).status, "skip");
  });

  it("fails on a missing table, with the foreign table's options to fix", () => {
    assert.equal(
      formatVerdict(remoteTableVerdict({ ...t, error: FDW.noTable })),
      `FAIL  remote table  emp_2024 -> public.emp_2024 on archive_server: the archive has no table public.emp_2024 (relation "public.emp_2024" does not exist) — restore it on the archive (pg_restore of its backup), or, if it is there under another name, point the foreign table at it: ALTER FOREIGN TABLE "emp_2024" OPTIONS (SET schema_name 'public', SET table_name '<its name>')`,
    );
  });
});

describe("cli: this machine's login to an archive", () => {
  it("names the container to start", () => {
    const v = directVerdict("archive", "127.0.0.1:15433", "its container pgtier-dev-archive is not running (exited)", "pgtier-dev-archive");
    assert.equal(
      formatVerdict(v),
      'FAIL  archive reachable from here  archive "archive" at 127.0.0.1:15433: this machine cannot connect (its container pgtier-dev-archive is not running (exited)) — start its container (docker start pgtier-dev-archive, or pulumi up to create it again) and check it stays up (docker logs pgtier-dev-archive)',
    );
    assert.equal(
      formatVerdict(directVerdict("archive", "127.0.0.1:15433", undefined)),
      'ok    archive reachable from here  archive "archive" at 127.0.0.1:15433',
    );
  });
});
