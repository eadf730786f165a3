/**
 * Placement mistakes in a stack's config, refused by `pulumi preview`
 * before anything is created, each with a message naming the rules or keys
 * and the fix.
 */
import assert from "node:assert/strict";
import { Stack } from "@pulumi/pulumi/automation";
import { createStack, removeStack, uniqueStackName } from "../support/stack";

/** The preview's error output for a new stack with these `pgtier:archives`. */
async function refusal(archives: unknown[]): Promise<string> {
  const { stackName, prefix } = uniqueStackName("placement");
  let stack: Stack | undefined;
  try {
    stack = await createStack(stackName, {
      "pgtier:password": { value: "placement-Pa55", secret: true },
      "pgtier:namePrefix": { value: prefix },
      "pgtier:asOf": { value: "2025-06-15" },
      "pgtier:archives": { value: JSON.stringify(archives) },
    });
    const preview = await stack.preview({ color: "never" }).then(
      (result) => result.stdout,
      (err: Error) => err,
    );
    assert.ok(preview instanceof Error, `the preview was expected to fail:\n${String(preview)}`);
    return preview.message;
  } finally {
    await removeStack(stack);
  }
}

describe("e2e: placement mistakes refused at preview", () => {
  it("archive rules whose ranges overlap", async () => {
    const message = await refusal([
      { name: "a", to: "2026-01-01" },
      { name: "b", from: "2025-01-01" },
    ]);
    assert.ok(
      message.includes(
        'archives[0] (a, [the first period, 2026-01-01)) and archives[1] (b, [2025-01-01, on)) overlap: a period must have one archive instance; to keep each period where it is (the earlier rule wins today), give archives[1] from: "2026-01-01" so it starts where archives[0] ends',
      ),
      message,
    );
    assert.doesNotMatch(message, /at .*\.js:\d+/, "no stack trace of pgtier's internals");
  });

  it("archive keys that become the same foreign server", async () => {
    const message = await refusal([
      { name: "x-y", to: "2025-01-01" },
      { name: "x_y", from: "2025-01-01" },
    ]);
    assert.ok(
      message.includes('archives "x-y" and "x_y" would both be reached through foreign server x_y_server; rename one of them'),
      message,
    );
  });

  it("an archive instance listed twice", async () => {
    const message = await refusal([
      { name: "a", to: "2025-01-01" },
      { name: "a", from: "2025-01-01" },
    ]);
    assert.ok(message.includes('pgtier:archives[0] and pgtier:archives[1] are both named "a"; give each instance one entry'), message);
  });

  it("rules that leave an archived period with no archive", async () => {
    const message = await refusal([{ name: "a", from: "2025-01-01" }]);
    assert.ok(
      message.includes("tiering policy places no archive instance for emp_2024 [2024-01-01, 2025-01-01); add an archives rule covering it"),
      message,
    );
  });
});
