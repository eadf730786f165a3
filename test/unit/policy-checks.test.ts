/** The policy pack's decisions, without the engine: one table of expectations per policy. */
import assert from "node:assert/strict";
import {
  backupProblem,
  mappingRoleProblems,
  PACK_DEFAULTS,
  packSettings,
  passwordKeys,
  plaintextPasswordProblems,
  publishedProblem,
  retentionProblem,
  serverSizeProblems,
  sslmodeProblem,
  UNKNOWN,
} from "../../policies/src/checks";

describe("policy checks", () => {
  it("sslmode: only require and verify-full pass; unknown values are left for later", () => {
    const cases: [unknown, boolean][] = [
      [{ sslmode: "require" }, false],
      [{ sslmode: "verify-full" }, false],
      [{ sslmode: UNKNOWN }, false],
      [UNKNOWN, false],
      [{ sslmode: "prefer" }, true],
      [{ sslmode: "disable" }, true],
      [{ sslmode: "verify-ca" }, true],
      [{ fetch_size: "100" }, true],
      [undefined, true],
    ];
    for (const [options, fails] of cases) {
      const problem = sslmodeProblem({ resource: "s", options: options as never });
      assert.equal(problem !== undefined, fails, JSON.stringify(options));
    }
    assert.match(sslmodeProblem({ resource: "s", options: {} })!, /^ForeignServer "s" has no sslmode .*stack config pgtier:sslmode/);
  });

  it("sizes: within the bounds, absent or unknown pass", () => {
    const settings = { fetchSize: PACK_DEFAULTS.fetchSize, batchSize: PACK_DEFAULTS.batchSize };
    const cases: [Record<string, unknown>, number][] = [
      [{}, 0],
      [{ fetch_size: "100", batch_size: "1" }, 0],
      [{ fetch_size: "100000", batch_size: "10000" }, 0],
      [{ fetch_size: UNKNOWN }, 0],
      [{ fetch_size: "99" }, 1],
      [{ fetch_size: "100001", batch_size: "0" }, 2],
      [{ batch_size: "ten" }, 1],
      [{ batch_size: "1.5" }, 1],
    ];
    for (const [options, count] of cases) {
      assert.equal(serverSizeProblems({ resource: "s", options: options as never }, settings).length, count, JSON.stringify(options));
    }
  });

  it("user mappings: postgres, an instance's admin role and a superuser Role are refused", () => {
    // WHEN
    const problems = mappingRoleProblems(
      [
        { resource: "a", urn: "urn:a", remoteUser: "postgres" },
        { resource: "b", urn: "urn:b", remoteUser: "admin" },
        { resource: "c", urn: "urn:c", remoteUser: "boss" },
        { resource: "d", urn: "urn:d", remoteUser: "reader" },
        { resource: "e", urn: "urn:e", remoteUser: UNKNOWN },
      ],
      [{ resource: "archive", user: "admin" }],
      [
        { resource: "boss-role", name: "boss", superuser: true },
        { resource: "reader-role", name: "reader", superuser: false },
      ],
    );
    // THEN
    assert.deepEqual(
      problems.map((p) => p.urn),
      ["urn:a", "urn:b", "urn:c"],
    );
    assert.match(problems[1].message, /it is the admin role of PostgresInstance "archive"/);
    assert.match(problems[2].message, /Role "boss-role" makes it a superuser/);
  });

  it("retention: converted to years with the period", () => {
    const cases: [string | undefined, string | undefined, number | undefined][] = [
      [undefined, undefined, undefined],
      ["7", undefined, undefined],
      ["6", "year", 7],
      ["28", "quarter", undefined],
      ["27", "quarter", 28],
      ["84", "month", undefined],
      ["83", "month", 84],
    ];
    for (const [retentionPeriods, period, needed] of cases) {
      const problem = retentionProblem({ retentionPeriods, period }, 7);
      if (needed === undefined) {
        assert.equal(problem, undefined, `${retentionPeriods} ${period}`);
      } else {
        assert.match(problem!, new RegExp(`set pgtier:retentionPeriods to at least ${needed},`));
      }
    }
  });

  it("backup: a partition needs a location, unless not known yet", () => {
    assert.equal(backupProblem({ resource: "p", backup: { location: "/b" } }), undefined);
    assert.equal(backupProblem({ resource: "p", backup: UNKNOWN }), undefined);
    assert.match(backupProblem({ resource: "p", backup: undefined })!, /^TieredPartition "p" has no backup location/);
    assert.match(backupProblem({ resource: "p", backup: { location: "" } })!, /pgtier:backupLocation/);
  });

  it("published: containers on loopback only; existing servers are not checked", () => {
    const at = (host: unknown, container = true) => publishedProblem({ resource: "i", container, endpoint: { host, port: 5432 } as never });
    assert.equal(at("127.0.0.1"), undefined);
    assert.equal(at(UNKNOWN), undefined);
    assert.equal(at("db.example.com", false), undefined);
    assert.match(at("0.0.0.0")!, /^PostgresInstance "i" publishes PostgreSQL on 0\.0\.0\.0:5432, beyond 127\.0\.0\.1/);
    // An unpublished container's endpoint is its address on its own network, not a publication.
    assert.equal(
      publishedProblem({ resource: "i", container: true, published: false, endpoint: { host: "172.18.0.2", port: 5432 } as never }),
      undefined,
    );
  });

  it("passwords in the stack's config: every password key must be secret", () => {
    const values = {
      "pgtier:password": "x",
      "pgtier:archivePassword": "y",
      "pgtier:mainPort": "1",
      "pgtier:archives": JSON.stringify([{ name: "a", host: "h", passwordKey: "aPass" }]),
      "pgtier:aPass": "z",
    };
    assert.deepEqual(passwordKeys(values), ["pgtier:aPass", "pgtier:archivePassword", "pgtier:password"]);
    assert.deepEqual(
      plaintextPasswordProblems(values, ["pgtier:password", "pgtier:aPass"]).map((p) => p.split(" ")[2]),
      ["pgtier:archivePassword"],
    );
  });

  it("settings: the pack's config over the defaults", () => {
    assert.deepEqual(packSettings({}), PACK_DEFAULTS);
    assert.deepEqual(packSettings({ minRetentionYears: 10, fetchSize: { max: 500 } }), {
      ...PACK_DEFAULTS,
      minRetentionYears: 10,
      fetchSize: { min: 100, max: 500 },
    });
  });
});
