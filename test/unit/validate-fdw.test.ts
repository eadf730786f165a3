import assert from "node:assert/strict";
import {
  validateDatabaseArgs,
  validateExtensionArgs,
  validateForeignServerArgs,
  validateUserMappingArgs,
} from "../../components/validate/fdw";
import { mainConnection } from "./fixtures";

const archiveServer = {
  connection: mainConnection,
  name: "archive_server",
  host: "pgtier-test-archive",
  port: 5432,
  dbname: "archive_db",
  options: { fetch_size: "10000", use_remote_estimate: "true" },
};

const mapping = { connection: mainConnection, server: "archive_server", remoteUser: "postgres", password: "pw" };

const SERVER_OPTION_NAMES =
  "analyze_sampling, application_name, async_capable, batch_size, connect_timeout, extensions, fdw_startup_cost, fdw_tuple_cost, " +
  "fetch_size, gssencmode, keep_connections, keepalives, keepalives_count, keepalives_idle, keepalives_interval, options, " +
  "parallel_abort, parallel_commit, passfile, sslcert, sslcompression, sslcrl, sslkey, sslmode, sslrootcert, sslsni, target_session_attrs, " +
  "tcp_user_timeout, truncatable, updatable, use_remote_estimate";

describe("validateDatabaseArgs and validateExtensionArgs", () => {
  it("accept a database and postgres_fdw", () => {
    assert.deepEqual(validateDatabaseArgs({ connection: mainConnection, name: "archive_db" }), []);
    assert.deepEqual(validateExtensionArgs({ connection: mainConnection, name: "postgres_fdw" }), []);
  });

  it("refuse hostile names", () => {
    assert.deepEqual(
      validateDatabaseArgs({ connection: mainConnection, name: "db; DROP DATABASE x" }).map((f) => f.property),
      ["name"],
    );
    assert.deepEqual(
      validateExtensionArgs({ connection: mainConnection, name: "postgres_fdw", schema: "Fdw Schema" }).map((f) => f.property),
      ["schema"],
    );
  });
});

describe("validateForeignServerArgs", () => {
  it("accepts the guide's archive_server", () => {
    assert.deepEqual(validateForeignServerArgs(archiveServer), []);
  });

  it("refuses an unknown postgres_fdw option, listing the known ones", () => {
    // WHEN
    const failures = validateForeignServerArgs({ ...archiveServer, options: { fetchsize: "10000" } });
    // THEN
    assert.deepEqual(failures, [
      {
        property: "options.fetchsize",
        reason: `options.fetchsize: fetchsize is not a postgres_fdw option; known options are ${SERVER_OPTION_NAMES}`,
      },
    ]);
  });

  it("refuses a non-integer fetch_size", () => {
    for (const bad of ["10k", "0", "-5", "1.5", ""]) {
      assert.deepEqual(
        validateForeignServerArgs({ ...archiveServer, options: { fetch_size: bad } }),
        [{ property: "options.fetch_size", reason: `options.fetch_size must be a positive integer, got ${JSON.stringify(bad)}` }],
        bad,
      );
    }
  });

  it("refuses a bad sslmode, listing libpq's modes", () => {
    assert.deepEqual(validateForeignServerArgs({ ...archiveServer, options: { sslmode: "strict" } }), [
      {
        property: "options.sslmode",
        reason: 'options.sslmode must be one of disable, allow, prefer, require, verify-ca, verify-full, got "strict"',
      },
    ]);
    assert.deepEqual(validateForeignServerArgs({ ...archiveServer, options: { sslmode: "verify-full" } }), []);
  });

  it("refuses option values given as numbers or booleans, with the fix", () => {
    assert.deepEqual(validateForeignServerArgs({ ...archiveServer, options: { fetch_size: 10000, use_remote_estimate: true } }), [
      {
        property: "options.fetch_size",
        reason: 'options.fetch_size must be a string (PostgreSQL options are text), got 10000; write "10000"',
      },
      {
        property: "options.use_remote_estimate",
        reason: 'options.use_remote_estimate must be a string (PostgreSQL options are text), got true; write "true"',
      },
    ]);
  });

  it("refuses bad booleans, numbers and extension lists", () => {
    assert.deepEqual(
      validateForeignServerArgs({
        ...archiveServer,
        options: { keep_connections: "sometimes", fdw_tuple_cost: "cheap", extensions: "citext, bad-name" },
      }),
      [
        { property: "options.keep_connections", reason: 'options.keep_connections must be "true" or "false", got "sometimes"' },
        { property: "options.fdw_tuple_cost", reason: 'options.fdw_tuple_cost must be a number, got "cheap"' },
        {
          property: "options.extensions",
          reason: 'options.extensions must be a comma-separated list of extension names, got "citext, bad-name"',
        },
      ],
    );
  });

  it("refuses host, port and dbname given as options", () => {
    assert.deepEqual(validateForeignServerArgs({ ...archiveServer, options: { host: "elsewhere", port: "5433" } }), [
      { property: "options.host", reason: "options.host: set host with its own argument, not in options" },
      { property: "options.port", reason: "options.port: set port with its own argument, not in options" },
    ]);
  });

  it("points user and password in server options to the UserMapping", () => {
    const failures = validateForeignServerArgs({ ...archiveServer, options: { user: "postgres" } });
    assert.equal(failures.length, 1);
    assert.match(failures[0].reason, /UserMapping/);
  });

  it("refuses options that are not a map", () => {
    const failures = validateForeignServerArgs({ ...archiveServer, options: ["fetch_size=10000"] });
    assert.deepEqual(failures[0], { property: "options", reason: "options must be a map of option names to string values" });
  });

  it("reports a list given as options once", () => {
    assert.deepEqual(validateForeignServerArgs({ ...archiveServer, options: ["fetch_size=10000"] }), [
      { property: "options", reason: "options must be a map of option names to string values" },
    ]);
  });

  it("refuses a missing host and a bad port", () => {
    assert.deepEqual(validateForeignServerArgs({ ...archiveServer, host: undefined, port: 70000 }), [
      { property: "host", reason: "host is required and must be a non-empty string" },
      { property: "port", reason: "port must be an integer port from 1 to 65535, got 70000" },
    ]);
  });
});

describe("validateUserMappingArgs", () => {
  it("accepts a mapping for the connecting role and for PUBLIC", () => {
    assert.deepEqual(validateUserMappingArgs(mapping), []);
    assert.deepEqual(validateUserMappingArgs({ ...mapping, localUser: "PUBLIC" }), []);
    assert.deepEqual(validateUserMappingArgs({ ...mapping, localUser: "app_user" }), []);
  });

  it("refuses an empty password, and takes none for a mapping whose password is in the server's passfile", () => {
    assert.deepEqual(validateUserMappingArgs({ ...mapping, password: "" }), [
      {
        property: "password",
        reason:
          "password must be a non-empty string (a secret); leave it out only when the server's passfile holds it, which postgres_fdw allows for superuser local roles",
      },
    ]);
    assert.deepEqual(validateUserMappingArgs({ ...mapping, password: undefined }), []);
  });

  it("refuses a hostile local role and server", () => {
    assert.deepEqual(
      validateUserMappingArgs({ ...mapping, localUser: 'admin"; DROP ROLE x; --', server: "Archive Server" }).map((f) => f.property),
      ["server", "localUser"],
    );
  });

  it("requires a remote user", () => {
    assert.deepEqual(validateUserMappingArgs({ ...mapping, remoteUser: "" }), [
      { property: "remoteUser", reason: "remoteUser is required and must be a non-empty string" },
    ]);
  });
});
