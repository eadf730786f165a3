import { strict as assert } from "node:assert";
import { grantsFor } from "../../components/model/rotation";
import { generatePassword } from "../../components/provider/definitions/role";
import {
  buildCreateRoleSql,
  buildGrantSql,
  buildTableGrantsSql,
  commonPrivileges,
  PRIVILEGES_LOCK_SQL,
  roleOwnerOf,
} from "../../components/sql/roles";
import { validateGrantArgs, validateRoleArgs } from "../../components/validate/roles";
import { securityConfigProblems, serverOptionsOf } from "../../stacks/security";
import { mainConnection } from "./fixtures";

const ATTRIBUTES = {
  login: true,
  superuser: false,
  createDatabase: false,
  createRole: false,
  inherit: true,
  replication: false,
  connectionLimit: -1,
};

describe("roles and grants: SQL, validation and the stack's security keys", () => {
  it("creates a role with every attribute spelt out, names and password quoted, and marks it as pgtier's", () => {
    assert.deepEqual(buildCreateRoleSql('we"ird', ATTRIBUTES, "it's", "urn:pulumi:dev::p::pgtier:index:Role::r"), [
      `CREATE ROLE "we""ird" WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE INHERIT NOREPLICATION CONNECTION LIMIT -1 PASSWORD 'it''s'`,
      `COMMENT ON ROLE "we""ird" IS 'managed by pgtier: urn:pulumi:dev::p::pgtier:index:Role::r'`,
    ]);
    assert.equal(roleOwnerOf("managed by pgtier: urn:x"), "urn:x");
    assert.equal(roleOwnerOf("made by hand"), undefined);
    assert.equal(roleOwnerOf(null), undefined);
  });

  it("revokes then grants, so the role holds exactly the list; an empty list only revokes", () => {
    const target = { objectType: "table", database: "archive_db", schema: "public", objects: ["emp_2024"] } as const;
    assert.equal(
      PRIVILEGES_LOCK_SQL,
      "SELECT pg_advisory_xact_lock(hashtext('pgtier: privileges'))",
      "grants on one object wait for each other",
    );
    assert.deepEqual(buildGrantSql(target, "fdw_reader", ["SELECT"], false), [
      PRIVILEGES_LOCK_SQL,
      `REVOKE ALL ON TABLE "public"."emp_2024" FROM "fdw_reader"`,
      `GRANT SELECT ON TABLE "public"."emp_2024" TO "fdw_reader"`,
    ]);
    assert.deepEqual(buildGrantSql({ ...target, objects: [] }, "w", ["UPDATE", "INSERT"], true), [
      PRIVILEGES_LOCK_SQL,
      `REVOKE ALL ON ALL TABLES IN SCHEMA "public" FROM "w"`,
      `GRANT INSERT, UPDATE ON ALL TABLES IN SCHEMA "public" TO "w" WITH GRANT OPTION`,
    ]);
    assert.deepEqual(buildGrantSql({ objectType: "database", database: "archive_db", objects: [] }, "r", ["CONNECT"], false), [
      PRIVILEGES_LOCK_SQL,
      `REVOKE ALL ON DATABASE "archive_db" FROM "r"`,
      `GRANT CONNECT ON DATABASE "archive_db" TO "r"`,
    ]);
    assert.deepEqual(buildTableGrantsSql({ schema: "public", name: "emp_2024" }, [{ role: "gone", privileges: [] }]), [
      PRIVILEGES_LOCK_SQL,
      `REVOKE ALL ON TABLE "public"."emp_2024" FROM "gone"`,
    ]);
  });

  it("reads the privileges every object holds, with grant option only when all of them have it", () => {
    const rows = [
      { object: "a", privilege: "SELECT", grantable: true },
      { object: "a", privilege: "INSERT", grantable: true },
      { object: "b", privilege: "SELECT", grantable: true },
    ];
    assert.deepEqual(commonPrivileges(rows, ["a", "b"]), { privileges: ["SELECT"], grantable: true });
    assert.deepEqual(commonPrivileges(rows, ["a", "c"]), { privileges: [], grantable: false });
  });

  it("revokes from a role an archive target no longer lists", () => {
    const olds = {
      connection: mainConnection,
      server: "s",
      grants: [
        { role: "a", privileges: ["SELECT"] },
        { role: "b", privileges: ["SELECT"] },
      ],
    };
    const news = { connection: mainConnection, server: "s", grants: [{ role: "a", privileges: ["SELECT", "INSERT"] }] };
    assert.deepEqual(grantsFor(news, olds), [
      { role: "a", privileges: ["SELECT", "INSERT"] },
      { role: "b", privileges: [] },
    ]);
    assert.deepEqual(grantsFor({ connection: mainConnection, server: "s" }), []);
  });

  it("generates passwords of 32 URL-safe characters, never the same twice", () => {
    const a = generatePassword();
    assert.match(a, /^[A-Za-z0-9_-]{32}$/);
    assert.notEqual(a, generatePassword());
  });

  it("refuses a grant whose privileges do not fit the object type, or a server grant naming no server", () => {
    assert.deepEqual(
      validateGrantArgs({ connection: mainConnection, role: "r", objectType: "foreign_server", privileges: ["USAGE"] }).map(
        (f) => f.reason,
      ),
      ['a grant on foreign_server names the servers in objects, e.g. ["archive_server"]'],
    );
    assert.deepEqual(
      validateGrantArgs({ connection: mainConnection, role: "r", objectType: "view", privileges: [] }).map((f) => f.property),
      ["objectType"],
    );
    assert.deepEqual(
      validateRoleArgs({ connection: mainConnection, name: "r", password: "" }).map((f) => f.property),
      ["password"],
    );
  });

  it("checks the stack's sslmode, sslrootcert and writable archives, each with the fix", () => {
    assert.deepEqual(securityConfigProblems({ sslmode: "verify-full", sslrootcert: "/etc/pgtier/ca.crt" }, ["archive"]), []);
    assert.deepEqual(securityConfigProblems({ sslmode: "strict", writableArchives: ["archve"] }, ["archive"]), [
      'pgtier:sslmode must be one of disable, allow, prefer, require, verify-ca, verify-full, not "strict"',
      'pgtier:writableArchives names "archve", which is not an archive of this stack (archive)',
    ]);
    assert.deepEqual(securityConfigProblems({ sslmode: "verify-full" }, []), [
      "pgtier:sslmode is verify-full, which verifies the archive's certificate: set pgtier:sslrootcert to the CA certificate's path on the main instance",
    ]);
    assert.deepEqual(securityConfigProblems({ serverOptions: { sslmode: "disable" } }, []), [
      "pgtier:serverOptions sets sslmode; use the stack setting pgtier:sslmode instead",
    ]);
    assert.deepEqual(
      serverOptionsOf({ sslmode: "require", serverOptions: { fetch_size: "50000" } }, { fetch_size: "10000", use_remote_estimate: "true" }),
      {
        fetch_size: "50000",
        use_remote_estimate: "true",
        sslmode: "require",
      },
    );
  });
});
