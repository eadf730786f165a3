/** How lock waits are told to the user, and how long statements wait. */
import assert from "node:assert/strict";
import { describeBlockers, isLockConflict, lockConflict, lockWaits } from "../../components/db/blockers";
import { firstLine, redactSql } from "../../components/db/session";
import { checkPasswordCharacters, CheckFailure } from "../../components/validate/common";

describe("describeBlockers", () => {
  it("names each blocking session: pid, user, application, state, when its query started and what it runs", () => {
    assert.equal(
      describeBlockers([
        {
          pid: 4242,
          user: "app",
          application: "psql",
          state: "idle in transaction",
          query_start: "2026-11-30T23:10:02Z",
          query: "SELECT * FROM employees",
        },
        { pid: 7, user: "postgres", application: "", state: "active", query_start: null, query: null },
      ]),
      'pid 4242 (user "app", application "psql", idle in transaction, query started 2026-11-30T23:10:02Z: "SELECT * FROM employees"); pid 7 (user "postgres", active: "")',
    );
  });
});

describe("lockWaits", () => {
  it("waits 5 s per attempt, 12 attempts, unless the environment says otherwise", () => {
    assert.deepEqual(lockWaits({}), { timeoutMs: 5000, attempts: 12 });
    assert.deepEqual(lockWaits({ PGTIER_LOCK_TIMEOUT_MS: "250", PGTIER_LOCK_ATTEMPTS: "3" }), { timeoutMs: 250, attempts: 3 });
    assert.deepEqual(lockWaits({ PGTIER_LOCK_TIMEOUT_MS: "soon", PGTIER_LOCK_ATTEMPTS: "-1" }), { timeoutMs: 5000, attempts: 12 });
  });
});

describe("isLockConflict", () => {
  it("finds lock_timeout and deadlock codes through wrapped causes, and nothing else", () => {
    const timeout = Object.assign(new Error("canceling statement due to lock timeout"), { code: "55P03" });
    assert.equal(isLockConflict(new Error("PostgreSQL refused ...", { cause: timeout })), true);
    assert.equal(isLockConflict(Object.assign(new Error("deadlock detected"), { code: "40P01" })), true);
    assert.equal(isLockConflict(lockConflict("sessions wait")), true);
    assert.equal(isLockConflict(Object.assign(new Error("syntax error"), { code: "42601" })), false);
    assert.equal(isLockConflict("55P03"), false);
  });
});

describe("passwords with any characters", () => {
  const password = `it's a "p\\a$$ wörd" €`;

  it("are redacted from statements shown in errors, quotes and all", () => {
    const sql = `ALTER ROLE "postgres" PASSWORD '${password.replace(/'/g, "''")}'`;
    assert.equal(redactSql(sql), `ALTER ROLE "postgres" PASSWORD '[secret]'`);
    assert.ok(!firstLine(sql).includes("wörd"));
  });

  it("are accepted but for a line break or NUL, which is refused without showing the password", () => {
    const failures: CheckFailure[] = [];
    checkPasswordCharacters("password", password, failures);
    assert.deepEqual(failures, []);
    checkPasswordCharacters("password", "two\nlines", failures);
    assert.deepEqual(failures, [
      {
        property: "password",
        reason: "password contains a line break or NUL character, which PostgreSQL's tools cannot pass on; choose a password without them",
      },
    ]);
  });
});
