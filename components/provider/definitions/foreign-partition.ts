/**
 * ForeignPartition: a foreign table attached to the parent, whose rows live in
 * an archive table on another instance (the guide's Step 3).
 */
import { readForeignTable } from "../../db/catalog";
import { withSession } from "../../db/client";
import { PostgresError, Session, withDetail } from "../../db/session";
import { Reader } from "../../model/reader";
import { foreignTableOptions } from "../../model/rotation";
import { splitForeignTableOptions } from "../../sql/catalog";
import {
  buildAlterForeignTableOptionsSql,
  buildCreateForeignPartitionSql,
  buildDropForeignTableSql,
  buildForeignTableProbeSql,
} from "../../sql/fdw";
import { validateForeignPartitionArgs } from "../../validate/tables";
import { noOutputs, ResourceDefinition } from "../definition";
import {
  boundsOf,
  PARTITION_DEFAULTS,
  parentOf,
  PartitionInputs,
  partitionOf,
  qualifiedName,
  readPartitionAs,
  readPartitionInputs,
  reattachSql,
} from "./partition";

/** A foreign partition's inputs (defaults applied). */
export interface ForeignPartitionInputs extends PartitionInputs {
  /** Foreign server holding the rows. */
  readonly server: string;
  /** Schema of the archive table on the archive instance. */
  readonly remoteSchema: string;
  /** Name of the archive table on the archive instance. */
  readonly remoteTable: string;
  /** postgres_fdw's table options. */
  readonly options: Readonly<Record<string, string>>;
}

function readForeignPartitionInputs(r: Reader): ForeignPartitionInputs {
  return {
    ...readPartitionInputs(r),
    server: r.text("server"),
    remoteSchema: r.text("remoteSchema"),
    remoteTable: r.text("remoteTable"),
    options: r.textMap("options"),
  };
}

/** Table options as stored: where the rows are, plus the postgres_fdw options. */
function tableOptions(p: ForeignPartitionInputs): Record<string, string> {
  return foreignTableOptions(p.options, { schema: p.remoteSchema, name: p.remoteTable });
}

/** Runs statements and then reads through the foreign table, in one transaction. */
function applyAndProbe(s: Session, p: ForeignPartitionInputs, statements: string[]): Promise<void> {
  return s.runThenProbe(statements, [buildForeignTableProbeSql(partitionOf(p))], (e: PostgresError) => {
    // 42P01 is the remote "relation does not exist"; anything else is the connection.
    const fix =
      e.code === "42P01"
        ? "create the ArchiveTable first (it must exist on the archive instance), or fix remoteSchema/remoteTable"
        : `check ForeignServer ${JSON.stringify(p.server)} and its UserMapping (host, port, user, password as the main instance sees them)`;
    return `cannot read ${p.remoteSchema}.${p.remoteTable} through server ${JSON.stringify(p.server)}: ${withDetail(e)} — ${fix}`;
  });
}

export const foreignPartition: ResourceDefinition<ForeignPartitionInputs, object> = {
  name: "ForeignPartition",
  defaults: (news) => ({ ...PARTITION_DEFAULTS, remoteSchema: "public", remoteTable: news.name, options: {} }),
  // A foreign table cannot move to another server; it only holds a definition,
  // so replacing it moves no data.
  diff: {
    update: ["connection", "from", "to", "attached", "options", "remoteSchema", "remoteTable"],
    replace: ["name", "schema", "parent", "parentSchema", "server"],
    deleteBeforeReplace: true,
  },
  validate: (news) => validateForeignPartitionArgs(news),
  decode: readForeignPartitionInputs,
  decodeOutputs: noOutputs,
  idFor: (p) => qualifiedName(partitionOf(p)),
  adoptRefused: ["from", "to", "remoteSchema", "remoteTable"],
  adoptable: true,

  async create(op, p) {
    const statements = buildCreateForeignPartitionSql(parentOf(p), partitionOf(p), boundsOf(p), p.server, tableOptions(p));
    await withSession(op, p.connection, (s) => applyAndProbe(s, p, statements));
    return { id: qualifiedName(partitionOf(p)), outputs: {} };
  },

  async read(op, _id, p) {
    return withSession(op, p.connection, async (s) => {
      const found = await readPartitionAs(s, p, "f");
      if (!found) {
        return undefined;
      }
      const table = await readForeignTable(s, found.oid);
      const { remote, options } = splitForeignTableOptions(table?.options ?? {}, partitionOf(p));
      return { ...found.state, server: table?.server ?? p.server, remoteSchema: remote.schema, remoteTable: remote.name, options };
    });
  },

  async update(op, _id, olds, news) {
    const alter = buildAlterForeignTableOptionsSql(partitionOf(news), tableOptions(olds), tableOptions(news));
    const statements = [...reattachSql(olds, news), ...(alter ? [alter] : [])];
    await withSession(op, news.connection, (s) => applyAndProbe(s, news, statements));
    return {};
  },

  async delete(op, _id, p) {
    await withSession(op, p.connection, (s) => s.run(buildDropForeignTableSql(partitionOf(p))));
  },
};
