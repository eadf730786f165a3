/**
 * Every default a resource applies is the one its arguments document: the
 * `@default` of each argument's doc comment, read from the source, against
 * the defaults the provider fills in.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import ts from "typescript";
import { BACKUP_DEFAULTS } from "../../components/model/backup";
import { ROTATION_DEFAULTS } from "../../components/model/rotation";
import { archiveTable } from "../../components/provider/definitions/archive-table";
import { foreignPartition } from "../../components/provider/definitions/foreign-partition";
import { foreignServer } from "../../components/provider/definitions/foreign-server";
import { PARTITION_DEFAULTS } from "../../components/provider/definitions/partition";
import { partitionedTable } from "../../components/provider/definitions/partitioned-table";
import { TIERED_PARTITION_DEFAULTS } from "../../components/provider/definitions/tiered-partition";
import { DEFAULT_SERVER_OPTIONS } from "../../components/wiring";

/** The repository, from dist/test/unit. */
const ROOT = path.resolve(__dirname, "../../..");

/** A JSON literal at the start of a `@default` text (`"pipe"`, `10000`, `[]`...), or undefined for prose. */
function literal(text: string): { value: unknown } | undefined {
  const token = /^("(?:[^"\\]|\\.)*"|-?\d+|true|false|\[\]|\{\})(?=\s|$)/.exec(text.trim());
  return token ? { value: JSON.parse(token[1]) } : undefined;
}

/** The literal `@default`s of an interface's fields, by field name. */
function documentedDefaults(file: string, name: string): Record<string, unknown> {
  const source = ts.createSourceFile(file, fs.readFileSync(path.join(ROOT, file), "utf8"), ts.ScriptTarget.ES2022, true);
  const found = source.statements.find((s): s is ts.InterfaceDeclaration => ts.isInterfaceDeclaration(s) && s.name.text === name);
  assert.ok(found, `${file} declares interface ${name}`);
  const defaults: Record<string, unknown> = {};
  for (const member of found.members) {
    const tag = ts.getJSDocTags(member).find((t) => t.tagName.text === "default");
    const text = tag && ts.getTextOfJSDocComment(tag.comment);
    const value = text === undefined ? undefined : literal(text);
    if (member.name && ts.isIdentifier(member.name) && value) {
      defaults[member.name.text] = value.value;
    }
  }
  return defaults;
}

/** The `@default` text of one field of an interface. */
function defaultText(file: string, name: string, field: string): string {
  const source = ts.createSourceFile(file, fs.readFileSync(path.join(ROOT, file), "utf8"), ts.ScriptTarget.ES2022, true);
  const found = source.statements.find((s): s is ts.InterfaceDeclaration => ts.isInterfaceDeclaration(s) && s.name.text === name);
  const member = found?.members.find((m) => m.name && ts.isIdentifier(m.name) && m.name.text === field);
  const tag = member && ts.getJSDocTags(member).find((t) => t.tagName.text === "default");
  const text = tag && ts.getTextOfJSDocComment(tag.comment);
  assert.ok(text, `${file} documents a @default for ${name}.${field}`);
  return text;
}

/** The string map a `@default` text starts with: `{ a: "1", b: "2" } (why...)`. */
function stringMap(text: string): Record<string, string> {
  const braces = /^\{([^}]*)\}/.exec(text.trim());
  assert.ok(braces, `${JSON.stringify(text)} starts with an object literal`);
  return Object.fromEntries([...braces[1].matchAll(/(\w+):\s*"([^"]*)"/g)].map((m) => [m[1], m[2]]));
}

/** `defaults` restricted to `keys`. */
function pick(defaults: object, keys: readonly string[]): Record<string, unknown> {
  return Object.fromEntries(Object.entries(defaults).filter(([k]) => keys.includes(k)));
}

describe("defaults and their documentation", () => {
  it("rotation settings: every default documented, as applied", () => {
    assert.deepEqual(documentedDefaults("components/model/rotation.ts", "RotationSettings"), { ...ROTATION_DEFAULTS });
  });

  it("backup settings", () => {
    assert.deepEqual(documentedDefaults("components/model/backup.ts", "BackupSettings"), { ...BACKUP_DEFAULTS });
  });

  it("every partition: schema, parent schema, attached", () => {
    assert.deepEqual(documentedDefaults("components/resources/tables.ts", "PartitionArgs"), { ...PARTITION_DEFAULTS });
  });

  it("TieredPartition: its own arguments, the partition's and the rotation settings", () => {
    const own = documentedDefaults("components/resources/tiered-partition.ts", "TieredPartitionArgs");
    assert.deepEqual(own, { indexes: [], options: {} });
    assert.deepEqual({ ...TIERED_PARTITION_DEFAULTS }, { ...PARTITION_DEFAULTS, ...ROTATION_DEFAULTS, ...own });
  });

  it("PartitionedTable, ArchiveTable, ForeignServer and ForeignPartition", () => {
    assert.deepEqual(documentedDefaults("components/resources/tables.ts", "PartitionedTableArgs"), partitionedTable.defaults);
    assert.deepEqual(documentedDefaults("components/resources/tables.ts", "ArchiveTableArgs"), archiveTable.defaults);
    assert.deepEqual(documentedDefaults("components/resources/fdw.ts", "ForeignServerArgs"), foreignServer.defaults);
    const documented = documentedDefaults("components/resources/tables.ts", "ForeignPartitionArgs");
    assert.equal(typeof foreignPartition.defaults, "function");
    const applied = typeof foreignPartition.defaults === "function" ? foreignPartition.defaults({ name: "emp_2024" }) : {};
    assert.deepEqual(documented, pick(applied, ["remoteSchema", "options"]));
    assert.equal(applied.remoteTable, "emp_2024", "remoteTable defaults to the partition's name, as documented");
  });

  it("the foreign servers' options of TieredTable and ArchiveLayout", () => {
    assert.deepEqual(stringMap(defaultText("components/tiered-table.ts", "TieredTableArgs", "serverOptions")), {
      ...DEFAULT_SERVER_OPTIONS,
    });
    assert.deepEqual(stringMap(defaultText("components/archive-layout.ts", "ArchiveLayoutArgs", "serverOptions")), {
      ...DEFAULT_SERVER_OPTIONS,
    });
  });
});
