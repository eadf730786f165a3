/**
 * The policy pack through the real Pulumi CLI: `pulumi preview --policy-pack
 * policies --policy-pack-config policies/config/<stack>.json` on stacks of a
 * tiny program (test/e2e/policy-program) that break every policy at once, or
 * none. Preview only: nothing is created, no container is needed. The CLI's
 * exit status and text are what is read (`--json` leaves policy violations out).
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { cliEnv, ROOT } from "../support/stack";

/** Where the compiled test program is; the test writes its Pulumi.yaml there. */
const PROGRAM = path.join(ROOT, "dist", "test", "e2e", "policy-program");
const PACK = path.join(ROOT, "policies");

/** Each policy's name and a part of its message for the bad stack. */
const VIOLATIONS: Record<string, RegExp> = {
  "foreign-server-sslmode":
    /ForeignServer "archive-server" has sslmode "disable": .* set options\.sslmode to "require" or "verify-full" \(stack config pgtier:sslmode\)/,
  "user-mapping-not-superuser":
    /UserMapping "bootstrap-mapping" logs in to the archive as "postgres", and "postgres" is the bootstrap superuser/,
  "passwords-as-secrets":
    /stack config pgtier:password holds a password in plain text .* pulumi config set --secret pgtier:password <password>/,
  "retention-minimum":
    /pgtier:retentionPeriods is 2 \(years\), which keeps 2 years of data, less than the minimum of 7 years: .* set pgtier:retentionPeriods to at least 7/,
  "decommission-backup": /TieredPartition "emp-2025" has no backup location: .* \(stack config pgtier:backupLocation\)/,
  "foreign-server-sizes": /ForeignServer "archive-server" has fetch_size "10", outside 100\.\.100000/,
  "instance-loopback-only": /PostgresInstance "exposed" publishes PostgreSQL on 0\.0\.0\.0:15499, beyond 127\.0\.0\.1/,
};

interface Run {
  readonly code: number;
  readonly output: string;
}

describe("e2e: the policy pack through the Pulumi CLI", function () {
  const backend = fs.mkdtempSync(path.join(os.tmpdir(), "pgtier-policy-state-"));
  const env = { ...process.env, ...cliEnv(), PULUMI_BACKEND_URL: `file://${backend}` };

  function pulumi(args: string[]): Promise<Run> {
    return new Promise((resolve) => {
      execFile("pulumi", [...args, "--color", "never"], { cwd: PROGRAM, env, maxBuffer: 16 << 20 }, (err, stdout, stderr) => {
        const code = err ? (typeof err.code === "number" ? err.code : 1) : 0;
        resolve({ code, output: `${stdout}\n${stderr}` });
      });
    });
  }

  async function must(args: string[]): Promise<void> {
    const run = await pulumi(args);
    assert.equal(run.code, 0, run.output);
  }

  /** A stack of the test program: `shape` bad or good, and stack config (secret keys marked). */
  async function stack(name: string, config: Record<string, { value: string; secret?: boolean }>): Promise<void> {
    await must(["stack", "init", name]);
    for (const [key, { value, secret }] of Object.entries(config)) {
      await must(["config", "set", "--stack", name, ...(secret ? ["--secret"] : []), key, value]);
    }
  }

  const preview = (name: string, packConfig: string) =>
    pulumi(["preview", "--stack", name, "--policy-pack", PACK, "--policy-pack-config", path.join(PACK, "config", `${packConfig}.json`)]);

  before(async () => {
    fs.writeFileSync(
      path.join(PROGRAM, "Pulumi.yaml"),
      [
        "name: pgtier",
        "runtime:",
        "  name: nodejs",
        "  options:",
        "    typescript: false",
        "main: index.js",
        "plugins:",
        "  providers:",
        "    - name: pgtier",
        `      path: ${path.join(ROOT, "plugin")}`,
        "",
      ].join("\n"),
    );
    await stack("bad", {
      "policytest:shape": { value: "bad" },
      "pgtier:retentionPeriods": { value: "2" },
      "pgtier:password": { value: "plain-text-password" },
    });
    await stack("good", {
      "policytest:shape": { value: "good" },
      "pgtier:period": { value: "quarter" },
      "pgtier:retentionPeriods": { value: "28" },
      "pgtier:password": { value: "secret-password", secret: true },
    });
  });

  after(() => {
    fs.rmSync(backend, { recursive: true, force: true });
    for (const file of fs.readdirSync(PROGRAM)) {
      if (/^Pulumi\..*ya?ml$/.test(file)) {
        fs.rmSync(path.join(PROGRAM, file));
      }
    }
  });

  it("fails a preview that breaks every policy, naming each resource and fix", async () => {
    // WHEN
    const run = await preview("bad", "prod");
    // THEN
    assert.notEqual(run.code, 0, run.output);
    for (const [policy, message] of Object.entries(VIOLATIONS)) {
      assert.match(run.output, new RegExp(`\\[mandatory\\]\\s+${policy}\\b`), `${policy} is reported as mandatory`);
      assert.match(run.output, message, `${policy}'s message`);
    }
    assert.match(
      run.output,
      /UserMapping "admin-mapping" logs in to the archive as "archive_admin", and it is the admin role of PostgresInstance "archive"/,
    );
    assert.match(run.output, /ForeignServer "archive-server" has batch_size "50000", outside 1\.\.10000/);
  });

  it("passes a preview that follows every policy", async () => {
    const run = await preview("good", "prod");
    assert.equal(run.code, 0, run.output);
    for (const policy of Object.keys(VIOLATIONS)) {
      assert.doesNotMatch(run.output, new RegExp(`\\b${policy}\\b`), `${policy} is silent`);
    }
  });

  it("only warns with the dev config: every violation advisory, the preview succeeds", async () => {
    const run = await preview("bad", "dev");
    assert.equal(run.code, 0, run.output);
    for (const policy of Object.keys(VIOLATIONS)) {
      assert.match(run.output, new RegExp(`\\[advisory\\]\\s+${policy}\\b`), `${policy} is reported as advisory`);
    }
    assert.doesNotMatch(run.output, /\[mandatory\]/);
  });
});
