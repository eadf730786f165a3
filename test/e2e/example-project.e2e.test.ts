/**
 * pgtier used as its users use it: `npm pack` of this repository, installed
 * into the project in examples/ (its own Pulumi.yaml and package.json, the
 * provider plugin found in node_modules), then preview, up and destroy of
 * that project through the Pulumi CLI.
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import { LocalWorkspace, Stack } from "@pulumi/pulumi/automation";
import { Client } from "pg";
import { dockerObjectExists, removeDockerObjectsNamed } from "../support/docker";
import { cliEnv, ROOT, uniqueStackName } from "../support/stack";

const run = promisify(execFile);
const PASSWORD = "example-Pa55-e2e";

describe("e2e: the example project, with pgtier installed from npm pack", function () {
  this.timeout(600_000);
  const { stackName, prefix } = uniqueStackName("example");
  let dir: string;
  let stack: Stack | undefined;

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "pgtier-example-"));
    // The tarball beside the project, where its package.json points (file:../pgtier-0.1.0.tgz). The build is the suite's own.
    await run("npm", ["pack", "--ignore-scripts", "--pack-destination", dir], { cwd: ROOT });
    const project = path.join(dir, "example");
    fs.cpSync(path.join(ROOT, "examples"), project, { recursive: true, filter: (src) => !src.includes("node_modules") });
    await run("npm", ["install", "--no-audit", "--no-fund", "--prefer-offline"], { cwd: project });
    stack = await LocalWorkspace.createOrSelectStack({ stackName, workDir: project }, { envVars: cliEnv() });
    await stack.setAllConfig({
      "pgtier-example:password": { value: PASSWORD, secret: true },
      "pgtier-example:namePrefix": { value: prefix },
      "pgtier-example:asOf": { value: "2026-11-15" },
    });
  });

  after(async () => {
    try {
      await stack?.destroy({ color: "never" }).catch(() => undefined);
      await stack?.workspace.removeStack(stackName, { force: true }).catch(() => undefined);
    } finally {
      await removeDockerObjectsNamed(prefix);
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("packs the library, the provider plugin and its PulumiPlugin.yaml", () => {
    const installed = path.join(dir, "example", "node_modules", "pgtier");
    for (const file of [
      "plugin/PulumiPlugin.yaml",
      "plugin/index.js",
      "dist/components/index.js",
      "dist/components/index.d.ts",
      "dist/components/provider/main.js",
    ]) {
      assert.ok(fs.existsSync(path.join(installed, file)), `${file} is in the package`);
    }
    assert.equal(fs.existsSync(path.join(installed, "dist", "test")), false, "no tests in the package");
  });

  it("previews the project before anything exists, its resources by pgtier's type tokens", async () => {
    const preview = await stack!.preview({ color: "never" });
    assert.match(preview.stdout, /pgtier:index:TieredPartition\s+orders-orders_2026_10\s+create/);
    assert.match(preview.stdout, /pgtier:index:Role\s+orders-archive-fdw-reader\s+create/);
    assert.equal(await dockerObjectExists("container", `${prefix}-main`), false);
  });

  it("brings it up: October on the archive, November local, read through one table", async () => {
    const up = await stack!.up({ color: "never" });
    assert.equal(up.summary.result, "succeeded");
    assert.deepEqual(up.outputs.timeline.value, [
      "2026_09  orders_2026_09  [2026-09-01, 2026-10-01)  archive  archive",
      "2026_10  orders_2026_10  [2026-10-01, 2026-11-01)  archive  archive",
      "2026_11  orders_2026_11  [2026-11-01, 2026-12-01)  local    main  <- current",
      "2026_12  orders_2026_12  [2026-12-01, 2027-01-01)  local    main",
    ]);
    const main = up.outputs.mainEndpoint.value as { host: string; port: number };
    const client = new Client({ ...main, user: "postgres", password: PASSWORD, database: "shop" });
    await client.connect();
    try {
      const plan = await client.query("EXPLAIN SELECT count(*) FROM orders WHERE ordered_on >= '2026-10-01' AND ordered_on < '2026-11-01'");
      // Pruned to October's foreign partition: the other months are not scanned.
      const text = plan.rows.map((r) => r["QUERY PLAN"]).join("\n");
      assert.match(text, /Foreign Scan/, text);
      assert.match(text, /orders_2026_10/, text);
      assert.doesNotMatch(text, /orders_2026_(09|11|12)/, text);
      const [row] = (await client.query("SELECT count(*)::int AS n FROM orders")).rows;
      assert.equal(row.n, 0);
    } finally {
      await client.end();
    }
  });

  it("destroys it: no container left", async () => {
    const result = await stack!.destroy({ color: "never" });
    assert.equal(result.summary.result, "succeeded");
    assert.equal(await dockerObjectExists("container", `${prefix}-main`), false);
    assert.equal(await dockerObjectExists("container", `${prefix}-archive`), false);
  });
});
