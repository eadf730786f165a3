import assert from "node:assert/strict";
import { Connection } from "../../components/model/types";
import { PgtierProvider } from "../../components/provider/provider";
import { connectionOf, execAll, PostgresPair, query } from "../support/postgres";
import { loadEmployees, TieredPartitionUnderTest, useTieredPair, yearInputs, archiveTarget } from "../support/tiered";

/**
 * The guide's dedicated FDW accounts: an application role `app` on the main
 * instance whose user mapping logs in to the archive as `fdw_reader`, which
 * may read only what pgtier grants it.
 */
describe("TieredPartition grants on archive tables (integration)", () => {
  const provider = new PgtierProvider();
  const started = useTieredPair(provider);
  let pair: PostgresPair;
  let app: Connection;

  const READER = [{ role: "fdw_reader", privileges: ["SELECT"] }];

  before(async () => {
    pair = started();
    await execAll(connectionOf(pair.archive), ["CREATE ROLE fdw_reader LOGIN PASSWORD 'reader-Pa55'"]);
    await execAll(connectionOf(pair.main), [
      "CREATE ROLE app LOGIN PASSWORD 'app-Pa55'",
      "GRANT SELECT, INSERT ON employees TO app",
      "GRANT USAGE ON SEQUENCE employees_id_seq TO app",
      "CREATE USER MAPPING FOR app SERVER archive_server OPTIONS (user 'fdw_reader', password 'reader-Pa55')",
    ]);
    app = { ...connectionOf(pair.main), user: "app", password: "app-Pa55" };
  });

  /** What `app` gets for 2024's rows through employees: a count, or the error. */
  async function appCount2024(): Promise<number | string> {
    try {
      const rows = await query<{ n: number }>(
        app,
        "SELECT count(*)::int AS n FROM employees WHERE hire_date >= '2024-01-01' AND hire_date < '2025-01-01'",
      );
      return rows[0].n;
    } catch (err) {
      return (err as Error).message;
    }
  }

  it("without grants, the mapped role cannot read the archive table: the control", async () => {
    await new TieredPartitionUnderTest("emp-2024").create(yearInputs(pair, 2024, "archive"));
    assert.equal(await appCount2024(), "permission denied for table emp_2024");
  });

  it("creates an archive table granted to the role: queries through employees work as the mapped role, DML is refused", async () => {
    // WHEN
    await new TieredPartitionUnderTest("emp-2024").create(
      yearInputs(pair, 2024, "archive", { archive: { ...archiveTarget(pair), grants: READER } }),
    );

    // THEN
    await loadEmployees(connectionOf(pair.main), 2024, 5);
    assert.equal(await appCount2024(), 5);
    await assert.rejects(
      query(app, "INSERT INTO employees (name, hire_date, department, salary) VALUES ('Hannah Green', '2024-12-15', 'Sales', 79000)"),
      /permission denied for table emp_2024/,
      "a read-only archive refuses DML routed to it",
    );
  });

  it("grants the archive table rows move into before the cutover: the role reads them at once; dropping the grant revokes it", async () => {
    const partition = new TieredPartitionUnderTest("emp-2024");
    const local = yearInputs(pair, 2024, "local");
    const { id } = await partition.create(local);
    await loadEmployees(connectionOf(pair.main), 2024, 300);
    assert.equal(await appCount2024(), 300, "local rows need no archive grant");
    const archived = yearInputs(pair, 2024, "archive", { archive: { ...archiveTarget(pair), grants: READER } });

    // WHEN
    const state = await partition.update(id, local, archived);

    // THEN
    assert.equal(await appCount2024(), 300, "read through the foreign partition as fdw_reader");
    const privileges = await query<{ p: string }>(
      connectionOf(pair.archive),
      "SELECT privilege_type AS p FROM information_schema.role_table_grants WHERE grantee = 'fdw_reader' AND table_name = 'emp_2024'",
    );
    assert.deepEqual(
      privileges.map((r) => r.p),
      ["SELECT"],
    );

    // WHEN the role is no longer listed
    await partition.update(id, state, yearInputs(pair, 2024, "archive"));

    // THEN
    assert.equal(await appCount2024(), "permission denied for table emp_2024");
  });
});
