/** validateTieredPartitionArgs: a partition's shape, its tier, and which tier changes pgtier can carry out. */
import assert from "node:assert/strict";
import { CheckFailure, UNKNOWN } from "../../components/validate/common";
import { validateTieredPartitionArgs } from "../../components/validate/tiered";
import { archiveConnection, employeeColumns, employeeIndexes, mainConnection, tieredDefaults } from "./fixtures";

/** emp_2025 kept local, as TieredTable passes it (no defaults filled in). */
const emp2025Local = {
  connection: mainConnection,
  name: "emp_2025",
  parent: "employees",
  from: "2025-01-01",
  to: "2026-01-01",
  columns: employeeColumns,
  partitionKey: "hire_date",
  indexes: employeeIndexes,
  tier: "local",
};

/** emp_2024 on the archive instance through archive_server. */
const emp2024Archived = {
  ...emp2025Local,
  name: "emp_2024",
  from: "2024-01-01",
  to: "2025-01-01",
  tier: "archive",
  archive: { connection: archiveConnection, server: "archive_server" },
};

/** The provider's defaults, as check fills them in. */
const defaults = tieredDefaults;

function only(property: string, reason: string): CheckFailure[] {
  return [{ property, reason }];
}

describe("validateTieredPartitionArgs", () => {
  describe("valid inputs", () => {
    it("accepts a local partition, with or without the defaults filled in", () => {
      assert.deepEqual(validateTieredPartitionArgs(emp2025Local), []);
      assert.deepEqual(validateTieredPartitionArgs({ ...defaults, ...emp2025Local }), []);
    });

    it("accepts an archived partition, with or without the defaults filled in", () => {
      assert.deepEqual(validateTieredPartitionArgs(emp2024Archived), []);
      assert.deepEqual(validateTieredPartitionArgs({ ...defaults, ...emp2024Archived }), []);
    });

    it("accepts an archive schema, the fdw copy method, keepLocal and an absolute backup location", () => {
      const news = {
        ...emp2024Archived,
        archive: { ...emp2024Archived.archive, schema: "cold" },
        copyMethod: "fdw",
        keepLocal: true,
        backup: { location: "/var/backups/pgtier", csv: true },
      };
      assert.deepEqual(validateTieredPartitionArgs(news), []);
    });

    it("accepts the ends of every integer range", () => {
      for (const [batchSize, lockTimeoutMs, attempts] of [
        [1, 1, 1],
        [1_000_000, 600_000, 100],
      ]) {
        assert.deepEqual(validateTieredPartitionArgs({ ...emp2025Local, batchSize, lockTimeoutMs, attempts }), [], String(batchSize));
      }
    });

    it("does not look at archive while the partition is local", () => {
      assert.deepEqual(validateTieredPartitionArgs({ ...emp2025Local, archive: { server: "Not Valid" } }), []);
    });
  });

  describe("tier", () => {
    it("is required", () => {
      const { tier: _tier, ...news } = emp2025Local;
      assert.deepEqual(validateTieredPartitionArgs(news), only("tier", 'tier is required: "local" or "archive"'));
    });

    it("is local or archive", () => {
      assert.deepEqual(
        validateTieredPartitionArgs({ ...emp2025Local, tier: "cold" }),
        only("tier", 'tier must be "local" or "archive", got "cold"'),
      );
      assert.deepEqual(validateTieredPartitionArgs({ ...emp2025Local, tier: 1 }), only("tier", 'tier must be "local" or "archive", got 1'));
    });
  });

  describe("archive", () => {
    const ARCHIVE_NOT_SET =
      'tier is "archive" but archive is not set: pass the archive instance\'s connection and the foreign server that reaches it';

    it("is required when the tier is archive", () => {
      const { archive: _archive, ...news } = emp2024Archived;
      assert.deepEqual(validateTieredPartitionArgs(news), only("archive", ARCHIVE_NOT_SET));
      assert.deepEqual(validateTieredPartitionArgs({ ...news, archive: null }), only("archive", ARCHIVE_NOT_SET));
      assert.deepEqual(validateTieredPartitionArgs({ ...news, archive: "archive_server" }), only("archive", ARCHIVE_NOT_SET));
    });

    it("needs the archive instance's connection, reported under archive.", () => {
      assert.deepEqual(
        validateTieredPartitionArgs({ ...emp2024Archived, archive: { server: "archive_server" } }),
        only("archive.connection", "archive.connection is required: pass the instance's connection (instance.connection)"),
      );
    });

    it("checks the archive connection's fields, reported under archive.", () => {
      // WHEN
      const failures = validateTieredPartitionArgs({
        ...emp2024Archived,
        archive: { connection: { ...archiveConnection, port: 0, database: "" }, server: "archive_server" },
      });
      // THEN
      assert.deepEqual(failures, [
        { property: "archive.connection.port", reason: "archive.connection.port must be an integer port from 1 to 65535, got 0" },
        { property: "archive.connection.database", reason: "archive.connection.database is required and must be a non-empty string" },
      ]);
    });

    it("needs the foreign server's name", () => {
      assert.deepEqual(
        validateTieredPartitionArgs({ ...emp2024Archived, archive: { connection: archiveConnection } }),
        only("archive.server", "archive.server is required"),
      );
    });

    it("refuses a server or schema that is not a plain identifier", () => {
      assert.deepEqual(
        validateTieredPartitionArgs({
          ...emp2024Archived,
          archive: { connection: archiveConnection, server: "Archive Server", schema: "Cold" },
        }),
        [
          {
            property: "archive.server",
            reason:
              'archive.server "Archive Server" is not a plain SQL identifier; use lower-case letters, digits and underscores, starting with a letter or underscore (e.g. "emp_2024")',
          },
          {
            property: "archive.schema",
            reason:
              'archive.schema "Cold" is not a plain SQL identifier; use lower-case letters, digits and underscores, starting with a letter or underscore (e.g. "emp_2024")',
          },
        ],
      );
    });
  });

  describe("rotation settings", () => {
    it("copyMethod is pipe or fdw", () => {
      assert.deepEqual(
        validateTieredPartitionArgs({ ...emp2025Local, copyMethod: "rsync" }),
        only("copyMethod", 'copyMethod must be "pipe" or "fdw", got "rsync"'),
      );
    });

    it("batchSize is an integer from 1 to 1000000", () => {
      for (const bad of [0, 1.5, 1_000_001, -1, "100"]) {
        assert.deepEqual(
          validateTieredPartitionArgs({ ...emp2025Local, batchSize: bad }),
          only("batchSize", `batchSize must be an integer from 1 to 1000000, got ${JSON.stringify(bad)}`),
          String(bad),
        );
      }
    });

    it("lockTimeoutMs is an integer from 1 to 600000", () => {
      for (const bad of [0, 600_001, 2.5]) {
        assert.deepEqual(
          validateTieredPartitionArgs({ ...emp2025Local, lockTimeoutMs: bad }),
          only("lockTimeoutMs", `lockTimeoutMs must be an integer from 1 to 600000, got ${bad}`),
          String(bad),
        );
      }
    });

    it("attempts is an integer from 1 to 100", () => {
      for (const bad of [0, 101]) {
        assert.deepEqual(
          validateTieredPartitionArgs({ ...emp2025Local, attempts: bad }),
          only("attempts", `attempts must be an integer from 1 to 100, got ${bad}`),
          String(bad),
        );
      }
    });

    it("keepLocal is true or false", () => {
      assert.deepEqual(
        validateTieredPartitionArgs({ ...emp2025Local, keepLocal: "yes" }),
        only("keepLocal", 'keepLocal must be true or false, got "yes"'),
      );
      assert.deepEqual(
        validateTieredPartitionArgs({ ...emp2025Local, keepLocal: 1 }),
        only("keepLocal", "keepLocal must be true or false, got 1"),
      );
    });
  });

  describe("backup", () => {
    it("location must be an absolute directory", () => {
      assert.deepEqual(
        validateTieredPartitionArgs({ ...emp2024Archived, backup: { location: "backups/dev" } }),
        only("backup.location", 'backup.location must be an absolute directory path, got "backups/dev"'),
      );
    });

    it("location is required once backup is set", () => {
      assert.deepEqual(
        validateTieredPartitionArgs({ ...emp2024Archived, backup: { csv: true } }),
        only("backup.location", "backup.location must be an absolute directory path, got undefined"),
      );
    });

    it("is optional", () => {
      assert.deepEqual(validateTieredPartitionArgs({ ...emp2024Archived, backup: null }), []);
    });
  });

  it("collects every problem in one list", () => {
    // WHEN
    const failures = validateTieredPartitionArgs({
      ...emp2024Archived,
      archive: { connection: archiveConnection },
      copyMethod: "rsync",
      batchSize: 0,
      keepLocal: "no",
    });
    // THEN
    assert.deepEqual(
      failures.map((f) => f.property),
      ["archive.server", "copyMethod", "batchSize", "keepLocal"],
    );
  });

  describe("tier changes (with the previous inputs)", () => {
    it("allows local to archive: that is the rotation", () => {
      assert.deepEqual(validateTieredPartitionArgs({ ...emp2024Archived }, { ...emp2024Archived, tier: "local", archive: undefined }), []);
    });

    it("allows the same inputs again", () => {
      assert.deepEqual(validateTieredPartitionArgs({ ...emp2024Archived }, { ...emp2024Archived }), []);
      assert.deepEqual(validateTieredPartitionArgs({ ...emp2025Local }, { ...emp2025Local }), []);
    });

    it("allows archive to local and a move to another archive server: the rows move in place", () => {
      assert.deepEqual(validateTieredPartitionArgs({ ...emp2024Archived, tier: "local", archive: undefined }, emp2024Archived), []);
      assert.deepEqual(
        validateTieredPartitionArgs(
          { ...emp2024Archived, archive: { connection: archiveConnection, server: "archive2_server" } },
          emp2024Archived,
        ),
        [],
      );
    });

    it("refuses new bounds", () => {
      // WHEN
      const failures = validateTieredPartitionArgs({ ...emp2025Local, to: "2025-07-01" }, emp2025Local);
      // THEN
      assert.deepEqual(
        failures,
        only(
          "from",
          "emp_2025 covers [2025-01-01, 2026-01-01); a tiered partition's bounds are fixed by its period and cannot become [2025-01-01, 2025-07-01)",
        ),
      );
    });

    it("refuses a moved lower bound the same way", () => {
      assert.deepEqual(
        validateTieredPartitionArgs({ ...emp2025Local, from: "2024-07-01" }, emp2025Local).map((f) => f.reason),
        [
          "emp_2025 covers [2025-01-01, 2026-01-01); a tiered partition's bounds are fixed by its period and cannot become [2024-07-01, 2026-01-01)",
        ],
      );
    });

    it("does not compare bounds the old inputs did not have", () => {
      const { from: _from, to: _to, ...olds } = emp2025Local;
      assert.deepEqual(validateTieredPartitionArgs(emp2025Local, olds), []);
    });
  });

  describe("values not known yet", () => {
    it("skips unknown tier, rotation settings, keepLocal and backup", () => {
      const news = {
        ...emp2025Local,
        tier: UNKNOWN,
        copyMethod: UNKNOWN,
        batchSize: UNKNOWN,
        lockTimeoutMs: UNKNOWN,
        attempts: UNKNOWN,
        keepLocal: UNKNOWN,
        backup: UNKNOWN,
      };
      assert.deepEqual(validateTieredPartitionArgs(news), []);
    });

    it("skips a backup whose location is unknown", () => {
      assert.deepEqual(validateTieredPartitionArgs({ ...emp2024Archived, backup: { location: UNKNOWN } }), []);
    });

    it("skips an unknown archive connection and server", () => {
      assert.deepEqual(validateTieredPartitionArgs({ ...emp2024Archived, archive: { connection: UNKNOWN, server: UNKNOWN } }), []);
      assert.deepEqual(
        validateTieredPartitionArgs({
          ...emp2024Archived,
          archive: { connection: { ...archiveConnection, port: UNKNOWN }, server: "archive_server" },
        }),
        [],
      );
    });

    it("does not judge a tier change while the new tier is unknown", () => {
      assert.deepEqual(validateTieredPartitionArgs({ ...emp2024Archived, tier: UNKNOWN }, emp2024Archived), []);
    });

    it("does not judge a server move while the new server is unknown", () => {
      assert.deepEqual(
        validateTieredPartitionArgs({ ...emp2024Archived, archive: { connection: archiveConnection, server: UNKNOWN } }, emp2024Archived),
        [],
      );
    });

    it("does not judge new bounds while either bound is unknown", () => {
      assert.deepEqual(validateTieredPartitionArgs({ ...emp2025Local, to: UNKNOWN }, emp2025Local), []);
      assert.deepEqual(validateTieredPartitionArgs({ ...emp2025Local, from: UNKNOWN }, emp2025Local), []);
    });

    it("still reports the known problems next to unknown values", () => {
      assert.deepEqual(
        validateTieredPartitionArgs({ ...emp2025Local, batchSize: UNKNOWN, attempts: 0 }),
        only("attempts", "attempts must be an integer from 1 to 100, got 0"),
      );
    });
  });
});

describe("validateTieredPartitionArgs with an archive not known yet", () => {
  it("skips an archive passed as one unknown value, now and against the stored inputs", () => {
    // WHEN: preview, archive given as one Output of a resource not created yet
    const news = { ...emp2024Archived, archive: UNKNOWN };
    // THEN
    assert.deepEqual(validateTieredPartitionArgs(news), []);
    assert.deepEqual(validateTieredPartitionArgs(news, emp2024Archived), []);
  });
});
