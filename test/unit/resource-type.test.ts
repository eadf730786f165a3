/**
 * What the provider does around every definition, shown on an in-memory
 * resource type: defaults, validation before anything runs, one decode into
 * a frozen value, state built over the inputs as given, adoption.
 */
import assert from "node:assert/strict";
import { Reader } from "../../components/model/reader";
import { Operation, ResourceDefinition } from "../../components/provider/definition";
import { defineResource } from "../../components/provider/resource-type";
import { readTieredPartitionInputs, TIERED_PARTITION_DEFAULTS } from "../../components/provider/definitions/tiered-values";
import { archiveConnection, emp2025Partition, employeeColumns, mainConnection } from "./fixtures";

interface NoteInputs {
  readonly name: string;
  readonly size: number;
  /** Changing it means a new note (a replace). */
  readonly kind?: string;
}

/** A resource type whose objects live in a Map. */
function notes(store: Map<string, NoteInputs>, seen: unknown[] = []): ResourceDefinition<NoteInputs, { readonly createdAt: string }> {
  return {
    name: "Note",
    defaults: { size: 1 },
    diff: { update: ["size"], replace: ["name", "kind"] },
    validate: (news) => (typeof news.name === "string" ? [] : [{ property: "name", reason: "name is required" }]),
    decode: (r: Reader) => ({ name: r.text("name"), size: r.number("size"), kind: r.optionalText("kind") }),
    decodeOutputs: (r: Reader) => ({ createdAt: r.text("createdAt") }),
    idFor: (n) => n.name,
    async create(_op, n) {
      seen.push(n);
      store.set(n.name, n);
      return { id: n.name, outputs: { createdAt: "today" } };
    },
    async read(_op, id, n, stored) {
      const found = store.get(id);
      return found && { ...n, ...found, createdAt: stored?.createdAt ?? "earlier" };
    },
    async update(_op, _id, olds, news) {
      store.set(news.name, news);
      return { createdAt: olds.createdAt };
    },
    async delete(_op, id) {
      store.delete(id);
    },
  };
}

const op: Operation = { label: 'Note "n"', progress: () => undefined };

describe("defineResource", () => {
  it("fills defaults, decodes once into a frozen value, and keeps keys it does not read in the state", async () => {
    // GIVEN
    const seen: unknown[] = [];
    const type = defineResource(notes(new Map(), seen));
    // WHEN
    const created = await type.create(op, type.withDefaults({ name: "n", comment: "kept" }));
    // THEN
    assert.deepEqual(created, { id: "n", outs: { name: "n", size: 1, comment: "kept", createdAt: "today" } });
    assert.ok(Object.isFrozen(seen[0]), "the definition got a frozen value");
    assert.equal((await type.diff(op, "n", created.outs, type.withDefaults({ name: "n", comment: "kept" }), true)).changes, false);
  });

  it("compares a property an older state does not have as its default: upgrading pgtier is no change, let alone a replace", async () => {
    const type = defineResource({ ...notes(new Map()), defaults: { size: 1, kind: "plain" } });
    // GIVEN: a state written before `kind` existed
    const older = { name: "n", size: 1, createdAt: "today" };
    // THEN
    assert.equal((await type.diff(op, "n", older, type.withDefaults({ name: "n" }), true)).changes, false);
    const changed = await type.diff(op, "n", older, type.withDefaults({ name: "n", kind: "pinned" }), true);
    assert.deepEqual(changed.replaces, ["kind"], "a value other than the default still is a change");
  });

  it("refuses invalid inputs before the definition runs, naming the resource", async () => {
    const seen: unknown[] = [];
    const type = defineResource(notes(new Map(), seen));
    await assert.rejects(type.create(op, { size: 2 }), { message: 'Note "n" has invalid arguments:\n  - name is required' });
    assert.deepEqual(seen, []);
  });

  it("adopts an object that matches the inputs, and refuses one that differs, naming the property", async () => {
    const store = new Map([["n", { name: "n", size: 1 }]]);
    const type = defineResource(notes(store));
    assert.deepEqual(await type.create(op, { name: "n", size: 1 }), { id: "n", outs: { name: "n", size: 1, createdAt: "earlier" } });
    await assert.rejects(type.create(op, { name: "n", size: 2 }), {
      message: 'Note "n": n already exists and differs from the program in size; drop it, or change the program to match it',
    });
  });

  it("builds read and update results over the stored bag, dropping what became undefined", async () => {
    const type = defineResource(notes(new Map([["n", { name: "n", size: 3 }]])));
    const state = { name: "n", size: 1, createdAt: "today", comment: "kept" };
    assert.deepEqual(await type.read(op, "n", state), { name: "n", size: 3, createdAt: "today", comment: "kept" });
    assert.deepEqual(await type.update(op, "n", state, { name: "n", size: 4, comment: "kept" }), {
      name: "n",
      size: 4,
      comment: "kept",
      createdAt: "today",
    });
  });

  it("explains a stored state it cannot read, without showing the value", async () => {
    const type = defineResource(notes(new Map()));
    await assert.rejects(type.delete(op, "n", { name: "n", size: "s3cret" }), (err: unknown) => {
      assert.ok(err instanceof Error);
      assert.match(
        err.message,
        /^Note "n" has invalid arguments:\n {2}- size must be a number, got string; the stored state was edited by hand/,
      );
      assert.ok(!err.message.includes("s3cret"));
      return true;
    });
  });
});

describe("defineResource: adopting an object that differs (adopt)", () => {
  const adoptable = (store: Map<string, NoteInputs>) => defineResource({ ...notes(store), adoptable: true });
  const progress: string[] = [];
  const watched: Operation = { label: 'Note "n"', progress: (line) => progress.push(line) };

  it("without adopt, refuses it, offering adopt among the fixes, and changes nothing", async () => {
    const store = new Map([["n", { name: "n", size: 1 }]]);
    await assert.rejects(adoptable(store).create(op, { name: "n", size: 2 }), {
      message:
        'Note "n": n already exists and differs from the program in size; set adopt (stack setting pgtier:adopt) to take it over and change it in place where PostgreSQL allows, or drop it, or change the program to match it',
    });
    assert.deepEqual(store.get("n"), { name: "n", size: 1 });
  });

  it("with adopt, changes what updates in place through the definition's update, and says so", async () => {
    progress.length = 0;
    const store = new Map([["n", { name: "n", size: 1 }]]);
    const created = await adoptable(store).create(watched, { name: "n", size: 2, adopt: true });
    assert.deepEqual(created, { id: "n", outs: { name: "n", size: 2, adopt: true, createdAt: "earlier" } });
    assert.deepEqual(store.get("n"), { name: "n", size: 2, kind: undefined });
    assert.deepEqual(progress, ["taking over n, which already exists: changing size in place to match the program"]);
  });

  it("with adopt, refuses a difference that would replace it, showing both values, and changes nothing", async () => {
    const store = new Map([["n", { name: "n", size: 1, kind: "plain" }]]);
    await assert.rejects(adoptable(store).create(op, { name: "n", size: 2, kind: "fancy", adopt: true }), {
      message:
        'Note "n": n already exists and differs from the program in kind ("plain" there, "fancy" in the program); ' +
        "adopting takes it over where it is and never moves its rows, drops it or creates it again: change the program to match it (for a tier or archive: the as-of date and placement that keep it where it is), and change the layout in a later up",
    });
    assert.deepEqual(store.get("n"), { name: "n", size: 1, kind: "plain" });
  });

  it("at preview, says what adopting will do and changes nothing; a difference that would replace it is refused there", async () => {
    const store = new Map([["n", { name: "n", size: 1, kind: "plain" }]]);
    const type = adoptable(store);
    progress.length = 0;
    assert.deepEqual(await type.preview(watched, { name: "n", size: 2, kind: "plain", adopt: true }), {
      name: "n",
      size: 2,
      kind: "plain",
      adopt: true,
    });
    assert.deepEqual(progress, ["will take over n, which already exists: changing size in place to match the program"]);
    assert.deepEqual(store.get("n"), { name: "n", size: 1, kind: "plain" });
    await assert.rejects(type.preview(op, { name: "n", size: 1, kind: "fancy", adopt: true }), /differs from the program in kind/);
  });

  it("a type that cannot adopt ignores adopt and refuses as before", async () => {
    const store = new Map([["n", { name: "n", size: 1 }]]);
    await assert.rejects(defineResource(notes(store)).create(op, { name: "n", size: 2, adopt: true }), {
      message: 'Note "n": n already exists and differs from the program in size; drop it, or change the program to match it',
    });
  });
});

describe("defineResource: changes made by hand, observed at diff", () => {
  const observing = (changed: string[]) => defineResource({ ...notes(new Map()), observe: async () => changed });
  const state = { name: "n", size: 1, createdAt: "today" };

  it("shows what the definition observes as an in-place update, without a refresh", async () => {
    const diff = await observing(["createdAt"]).diff(op, "n", state, { name: "n", size: 1 }, true);
    assert.deepEqual(diff, {
      changes: true,
      replaces: [],
      deleteBeforeReplace: false,
      changed: ["createdAt"],
      details: [{ path: "createdAt", kind: "update", replace: false }],
    });
  });

  it("does not look when asked not to (the pure diff)", async () => {
    assert.equal((await observing(["createdAt"]).diff(op, "n", state, { name: "n", size: 1 }, false)).changes, false);
  });

  it("does not list a property twice when the inputs changed it too", async () => {
    const diff = await observing(["size"]).diff(op, "n", state, { name: "n", size: 2 }, true);
    assert.deepEqual(diff.changed, ["size"]);
  });
});

describe("TieredPartition state from an earlier pgtier", () => {
  it("reads an archive target without a connection (a refresh after an unrecorded cutover) as local, for the next update to complete", () => {
    // GIVEN: what the previous read stored for a local partition found foreign
    const bag = {
      ...TIERED_PARTITION_DEFAULTS,
      ...emp2025Partition,
      columns: employeeColumns,
      partitionKey: "hire_date",
      tier: "archive",
      archive: { server: "archive_server" },
    };
    // THEN
    assert.equal(readTieredPartitionInputs(new Reader(bag)).tier, "local");
    const archived = { ...bag, archive: { connection: archiveConnection, server: "archive_server" } };
    assert.deepEqual(readTieredPartitionInputs(new Reader(archived)).archive, {
      connection: archiveConnection,
      server: "archive_server",
      schema: undefined,
    });
    assert.deepEqual(readTieredPartitionInputs(new Reader(bag)).connection, mainConnection);
  });
});
