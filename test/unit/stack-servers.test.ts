import { strict as assert } from "node:assert";
import { archiveConfigProblems, mainConfigProblems } from "../../stacks/archives";

describe("the stack's existing servers (pgtier:main, pgtier:archives entries with host)", () => {
  it("accepts an existing main server with only a host, and one with every key", () => {
    assert.deepEqual(mainConfigProblems({ host: "db.example.com" }), []);
    assert.deepEqual(
      mainConfigProblems({
        host: "db.example.com",
        port: 6432,
        database: "appdb",
        user: "pgtier_admin",
        passwordKey: "mainPassword",
        internalHost: "db.internal",
        internalPort: 5432,
      }),
      [],
    );
    assert.deepEqual(mainConfigProblems(undefined), [], "unset: a container");
  });

  it("refuses a main setting that is not an object with a host, saying what it should be", () => {
    for (const bad of ["db.example.com", { port: 5432 }, [], null]) {
      const [problem] = mainConfigProblems(bad);
      assert.match(problem, /^pgtier:main must be an object naming an existing server, e\.g\. \{"host": /, JSON.stringify(bad));
    }
  });

  it("names a misspelt key, a bad port and an empty string, each with the fix", () => {
    assert.deepEqual(mainConfigProblems({ host: "db", prot: 5432, port: 70000, user: "" }), [
      'pgtier:main has an unknown key "prot"; the keys are host, port, database, user, passwordKey, internalHost, internalPort',
      'pgtier:main.user must be a non-empty string, not ""',
      "pgtier:main.port must be a port number (1 to 65535), not 70000",
    ]);
  });

  it("accepts archive entries that mix containers and existing servers under a container main", () => {
    assert.deepEqual(
      archiveConfigProblems([
        { name: "archive-a", to: "2025-01-01", port: 0 },
        { name: "archive-b", from: "2025-01-01", host: "archive.example.com", database: "archive_db", passwordKey: "archiveB" },
      ]),
      [],
    );
  });

  it("refuses server keys on a container entry, and a container entry under an existing main", () => {
    assert.deepEqual(archiveConfigProblems([{ name: "archive", database: "archive_db", user: "postgres" }], true), [
      'pgtier:archives[0] sets database, user, which only an existing server takes; add its "host", or remove them to run a container',
      'pgtier:archives[0] (archive) would be a container, but pgtier:main is an existing server, which cannot reach a container by its name; give the archive\'s "host" too',
    ]);
  });
});
