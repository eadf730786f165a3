/**
 * `pgtier doctor`: the guide's troubleshooting cases as checks, each printed
 * as `ok`, `FAIL <what> — <fix>` or `skip`, naming its object. Read-only:
 * nothing it runs changes the instances.
 */
import { withSession } from "../../components/db/client";
import { Progress } from "../../components/model/operation";
import { checkArchiveTables } from "../checks/archive-tables";
import { checkArchiveLogins, checkForeignServers } from "../checks/connections";
import { checkQuery } from "../checks/query";
import { readTieredCatalog } from "../db/tiered-catalog";
import { fail, Verdict } from "../diagnose/verdict";
import { StackInfo } from "../stack/stack-info";

/** Doctor's options. */
export interface DoctorOptions {
  /** A query to check for pruning and pushdown. */
  readonly query?: string;
}

/** Every check's verdict, in the order they ran. */
export async function runDoctor(info: StackInfo, options: DoctorOptions, progress: Progress): Promise<Verdict[]> {
  const logins = await checkArchiveLogins(info, progress);
  const verdicts = [...logins.verdicts];
  const main = `${info.main.host}:${info.main.port}`;
  progress(`connecting to the main instance at ${main}`);
  let catalog;
  try {
    catalog = await withSession({ label: "the main instance", progress }, info.main, async (s) => {
      const found = await readTieredCatalog(s, info.schema, info.tableName, info.stackName);
      verdicts.push(...(await checkForeignServers(s, info, found, progress)).verdicts);
      if (options.query !== undefined) {
        verdicts.push(...(await checkQuery(s, info.tableName, found, options.query, progress)));
      }
      return found;
    });
  } catch (err) {
    const start = info.main.container
      ? `docker start ${info.main.container}, or pulumi up --stack ${info.stackName}`
      : "check the server runs";
    verdicts.push(
      fail(
        "main reachable from here",
        `the main instance at ${main}`,
        err instanceof Error ? err.message : String(err),
        `${start}; then run doctor again`,
      ),
    );
    return verdicts;
  }
  verdicts.push(...(await checkArchiveTables(info, catalog, logins.reached, progress)));
  return verdicts;
}
