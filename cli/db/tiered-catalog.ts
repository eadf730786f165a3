/**
 * What the main instance's catalog says of the tiered table: its partition
 * key, its partitions and, for each foreign one, its server, the remote
 * table it reads and how the server is reached. Read-only.
 */
import { readMapping, readPartitionKey, readServerOptions } from "../../components/db/catalog";
import { Session } from "../../components/db/session";
import { Bounds } from "../../components/model/types";
import { parseOptions, parseRangeBound, splitForeignTableOptions } from "../../components/sql/catalog";
import { quoteQualified } from "../../components/sql/quote";
import { tableOidSql, tieredPartitionsSql } from "../sql/diagnostics";

/** One partition of the tiered table, as the main instance has it. */
export interface PartitionRow {
  readonly schema: string;
  readonly name: string;
  /** Its range; undefined for a default partition. */
  readonly bounds?: Bounds;
  /** For a foreign partition: its server and the table it reads on the archive. */
  readonly server?: string;
  readonly remote?: { readonly schema: string; readonly name: string };
}

/** A foreign server, as the main instance reaches it. */
export interface ServerRow {
  readonly name: string;
  /** `host:port/dbname` from its options. */
  readonly address: string;
  readonly database: string;
  /** The main instance's role whose mapping is used, and the archive role it logs in as. */
  readonly localRole: string;
  readonly remoteRole: string;
}

/** The tiered table on the main instance. */
export interface TieredCatalog {
  readonly partitionKey: string;
  readonly partitions: readonly PartitionRow[];
  readonly servers: readonly ServerRow[];
}

/** Reads the table `schema.name` of the main instance; an error names the table and the fix when it is missing. */
export async function readTieredCatalog(s: Session, schema: string, name: string, stackName: string): Promise<TieredCatalog> {
  const qualified = quoteQualified(schema, name);
  const oid = (await s.first<{ oid: number | null }>(tableOidSql, [qualified]))?.oid;
  const key = oid ? await readPartitionKey(s, oid) : undefined;
  if (!oid || !key) {
    throw new Error(
      `the main instance has no partitioned table ${schema}.${name} — run pulumi up --stack ${stackName} to create it (or check the stack's tableName output)`,
    );
  }
  const rows = await s.rows<{ name: string; schema: string; bound: string; server: string | null; options: string[] | null }>(
    tieredPartitionsSql,
    [qualified],
  );
  const partitions = rows.map((r): PartitionRow => {
    const bounds = parseRangeBound(r.bound);
    const remote = r.server ? splitForeignTableOptions(parseOptions(r.options), { schema: r.schema, name: r.name }).remote : undefined;
    return Object.freeze({
      schema: r.schema,
      name: r.name,
      ...(bounds ? { bounds } : {}),
      ...(r.server ? { server: r.server, remote } : {}),
    });
  });
  const servers: ServerRow[] = [];
  for (const server of [...new Set(partitions.flatMap((p) => (p.server ? [p.server] : [])))].sort()) {
    const options = (await readServerOptions(s, server)) ?? {};
    const mapping = await readMapping(s, server);
    const database = options.dbname ?? "?";
    servers.push(
      Object.freeze({
        name: server,
        address: `${options.host ?? "?"}:${options.port ?? "5432"}/${database}`,
        database,
        localRole: mapping?.localUser ?? "(no user mapping)",
        remoteRole: mapping?.remoteUser ?? "?",
      }),
    );
  }
  return Object.freeze({ partitionKey: key, partitions: Object.freeze(partitions), servers: Object.freeze(servers) });
}
