/**
 * ArchiveTable: the table on an archive instance that holds one partition's
 * rows (the guide's Step 2): the parent's columns, a CHECK constraint pinning
 * it to its bounds, and the parent's indexes.
 */
import { readBoundsCheck, readColumns, readIndexes, readRelation } from "../../db/catalog";
import { withSession } from "../../db/client";
import { Reader } from "../../model/reader";
import { readTableShape, TableShape } from "../../model/table-shape";
import { Bounds, Connection, readConnection } from "../../model/types";
import {
  archiveIndex,
  boundsConstraintName,
  buildCreateArchiveTableSql,
  buildDropTableSql,
  buildReplaceBoundsCheckSql,
  buildTableEvolutionSql,
} from "../../sql/tables";
import { validateColumnEvolution } from "../../validate/evolution";
import { validateArchiveTableArgs } from "../../validate/tables";
import { noOutputs, ResourceDefinition } from "../definition";
import { qualifiedName } from "./partition";

/** An archive table's inputs (defaults applied). */
export interface ArchiveTableInputs extends TableShape, Bounds {
  /** The archive instance's database. */
  readonly connection: Connection;
  readonly name: string;
  readonly schema: string;
}

/** Bounds a refresh reports when the CHECK constraint is gone (dropped by hand): empty, so the next update restores them. */
const NO_BOUNDS: Bounds = { from: "", to: "" };

function readArchiveTableInputs(r: Reader): ArchiveTableInputs {
  return {
    connection: r.object("connection", readConnection),
    name: r.text("name"),
    schema: r.text("schema"),
    ...readTableShape(r),
    // A state refreshed while the CHECK constraint was gone holds no bounds (check requires them in inputs).
    from: r.optionalText("from") ?? NO_BOUNDS.from,
    to: r.optionalText("to") ?? NO_BOUNDS.to,
  };
}

export const archiveTable: ResourceDefinition<ArchiveTableInputs, object> = {
  name: "ArchiveTable",
  defaults: { schema: "public", indexes: [] },
  // The bounds CHECK constraint is replaced in place; columns added; indexes created or dropped.
  diff: {
    update: ["connection", "columns", "indexes", "from", "to"],
    replace: ["name", "schema", "partitionKey"],
    deleteBeforeReplace: true,
  },
  validate: (news, olds) => [...validateArchiveTableArgs(news), ...validateColumnEvolution(olds, news)],
  decode: readArchiveTableInputs,
  decodeOutputs: noOutputs,
  idFor: qualifiedName,
  adoptable: true,

  async create(op, t) {
    await withSession(op, t.connection, (s) => s.runAll(buildCreateArchiveTableSql(t, t.columns, t.partitionKey, t, t.indexes)));
    return { id: qualifiedName(t), outputs: {} };
  },

  async read(op, _id, t) {
    return withSession(op, t.connection, async (s) => {
      const info = await readRelation(s, t);
      if (info?.kind !== "r") {
        return undefined;
      }
      return {
        ...t,
        ...((await readBoundsCheck(s, info.oid, boundsConstraintName(t.name))) ?? NO_BOUNDS),
        columns: await readColumns(s, info.oid, t.columns),
        indexes: await readIndexes(s, info.oid, t.indexes, (ix) => archiveIndex(t.name, ix).name),
      };
    });
  },

  async update(op, _id, olds, news) {
    const statements = buildTableEvolutionSql(news, olds, news, (ix) => archiveIndex(news.name, ix));
    if (olds.from !== news.from || olds.to !== news.to) {
      statements.push(...buildReplaceBoundsCheckSql(news, news.partitionKey, news));
    }
    await withSession(op, news.connection, (s) => s.runAll(statements));
    return {};
  },

  async delete(op, _id, t) {
    await withSession(op, t.connection, (s) => s.run(buildDropTableSql(t)));
  },
};
