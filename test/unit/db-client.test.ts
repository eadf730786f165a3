import assert from "node:assert/strict";
import { describeConnection, explainConnectError } from "../../components/db/client";
import { redactSql } from "../../components/db/session";
import { buildAlterRolePasswordSql, buildAlterUserMappingSql, buildCreateUserMappingSql } from "../../components/sql/fdw";
import { mainConnection } from "./fixtures";

describe("redactSql", () => {
  it("hides the password of a user mapping and keeps the rest", () => {
    // WHEN
    const shown = redactSql(buildCreateUserMappingSql("CURRENT_USER", "archive_server", { user: "postgres", password: "s3cret" }));
    // THEN
    assert.equal(shown, `CREATE USER MAPPING FOR CURRENT_USER SERVER "archive_server" OPTIONS ("password" '[secret]', "user" 'postgres')`);
  });

  it("hides a password containing quotes entirely", () => {
    const sql = buildCreateUserMappingSql("PUBLIC", "s", { user: "postgres", password: "it's', \"user\" 'x" });
    assert.equal(redactSql(sql), `CREATE USER MAPPING FOR PUBLIC SERVER "s" OPTIONS ("password" '[secret]', "user" 'postgres')`);
  });

  it("hides a password set with ALTER USER MAPPING and ALTER ROLE", () => {
    const alter = buildAlterUserMappingSql("postgres", "s", { user: "u", password: "old" }, { user: "u", password: "new" });
    assert.equal(redactSql(alter!), `ALTER USER MAPPING FOR "postgres" SERVER "s" OPTIONS (SET "password" '[secret]')`);
    assert.equal(redactSql(buildAlterRolePasswordSql("postgres", "n3w")), `ALTER ROLE "postgres" PASSWORD '[secret]'`);
  });

  it("leaves statements without passwords alone", () => {
    const sql = `CREATE SERVER "s" FOREIGN DATA WRAPPER postgres_fdw OPTIONS ("host" 'password')`;
    assert.equal(redactSql(sql), sql);
  });
});

describe("connection messages", () => {
  it("describes a connection without its password", () => {
    assert.equal(describeConnection(mainConnection), "127.0.0.1:15432/appdb as postgres");
  });

  it("explains a refused connection with the resource, the address and what to check", () => {
    const err = explainConnectError('ForeignServer "archive"', mainConnection, { code: "ECONNREFUSED" });
    assert.equal(
      err.message,
      'ForeignServer "archive": could not connect to 127.0.0.1:15432 (connection refused — is the instance running? check its container or the host/port)',
    );
  });

  it("explains a wrong password without showing it", () => {
    const err = explainConnectError('PostgresInstance "main"', { ...mainConnection, password: "Zq9-hidden" }, { code: "28P01" });
    assert.equal(
      err.message,
      'PostgresInstance "main": could not connect to 127.0.0.1:15432 (password authentication failed for user "postgres" — check the password (pulumi config set --secret ...))',
    );
    assert.equal(err.message.includes("Zq9-hidden"), false);
  });
});
