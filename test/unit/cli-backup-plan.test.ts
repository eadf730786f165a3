import assert from "node:assert/strict";
import { Manifest } from "../../cli/backup/manifest";
import { compareLayout, placePartitions, planBackup, safeFileName } from "../../cli/backup/plan";
import { guideManifest } from "./cli-backup-manifest.test";

const archives = [
  { name: "archive", server: "archive_server" },
  { name: "archive-b", server: "archive-b_server" },
];

/** The guide's layout as the main instance's catalog has it. */
const catalog = [
  {
    schema: "public",
    name: "emp_2024",
    bounds: { from: "2024-01-01", to: "2025-01-01" },
    server: "archive_server",
    remote: { schema: "public", name: "emp_2024" },
  },
  { schema: "public", name: "emp_2025", bounds: { from: "2025-01-01", to: "2026-01-01" } },
];

const table = { schema: "public", name: "employees" };
const columns = ["id", "name", "hire_date", "department", "salary"];

describe("cli backup: which dumps a backup takes", () => {
  it("dumps the main database once and each archive table on its own", () => {
    // WHEN
    const plans = planBackup("appdb", placePartitions("dev", catalog, archives));
    // THEN
    assert.deepEqual(
      plans.map((p) => [p.file, p.instance, p.archive, p.partitions.map((x) => `${x.partition}:${x.tier}:${x.table.name}`)]),
      [
        ["main.appdb.dump", "main", undefined, ["emp_2025:local:emp_2025"]],
        ["archive.public.emp_2024.dump", "archive", "archive", ["emp_2024:archive:emp_2024"]],
      ],
    );
    assert.ok(Object.isFrozen(plans[1].partitions[0]));
  });

  it("dumps the main database even when every partition is archived", () => {
    const plans = planBackup("appdb", placePartitions("dev", [catalog[0]], archives));
    assert.deepEqual(
      plans.map((p) => [p.file, p.partitions.length]),
      [
        ["main.appdb.dump", 0],
        ["archive.public.emp_2024.dump", 1],
      ],
    );
  });

  it("names file names only with portable characters", () => {
    assert.equal(safeFileName("archive b/x.public.Emp 2024.dump"), "archive_b_x.public.Emp_2024.dump");
  });

  it("refuses a foreign partition whose server is none of the stack's archives", () => {
    assert.throws(
      () => placePartitions("dev", [{ ...catalog[0], server: "old_server" }], archives),
      /^Error: stack dev: emp_2024 reads through foreign server old_server, which is none of the stack's archives \(archive_server, archive-b_server\) — run pulumi up --stack dev so the main instance's foreign partitions match the stack, then try again; nothing was changed$/,
    );
  });
});

describe("cli restore: whether a backup fits the stack", () => {
  const places = placePartitions("dev", catalog, archives);

  /** The manifest with its archived partition changed. */
  function withArchived(change: Partial<Manifest["files"][number]["partitions"][number]>): Manifest {
    const [main, archived] = guideManifest.files;
    return { ...guideManifest, files: [main, { ...archived, partitions: [{ ...archived.partitions[0], ...change }] }] };
  }

  const cases: { readonly name: string; readonly manifest: Manifest; readonly stack?: typeof places; readonly problems: string[] }[] = [
    { name: "the same layout", manifest: guideManifest, problems: [] },
    {
      name: "a partition the stack lacks",
      manifest: withArchived({ partition: "emp_2023" }),
      problems: ["partition emp_2023 [2024-01-01, 2025-01-01) is in the backup but not in the stack"],
    },
    {
      name: "other bounds",
      manifest: withArchived({ bounds: { from: "2024-01-01", to: "2024-07-01" } }),
      problems: ["partition emp_2024 is [2024-01-01, 2024-07-01) in the backup but [2024-01-01, 2025-01-01) in the stack"],
    },
    {
      name: "another archive",
      manifest: withArchived({ archive: "archive-b", server: "archive-b_server" }),
      problems: [
        'partition emp_2024 was on archive "archive-b" as public.emp_2024 in the backup but is on archive "archive" as public.emp_2024 in the stack',
      ],
    },
    {
      name: "another tier",
      manifest: guideManifest,
      stack: placePartitions(
        "dev",
        [catalog[0], { ...catalog[1], server: "archive_server", remote: { schema: "public", name: "emp_2025" } }],
        archives,
      ),
      problems: ['partition emp_2025 was local on main in the backup but is on archive "archive" as public.emp_2025 in the stack'],
    },
    {
      name: "other columns",
      manifest: { ...guideManifest, columns: ["id", "name"] },
      problems: ["the backup's columns are (id, name), the stack's table has (id, name, hire_date, department, salary)"],
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      assert.deepEqual(compareLayout(c.manifest, table, columns, c.stack ?? places).problems, c.problems);
    });
  }

  it("names the stack's partitions the backup has no rows for, without refusing", () => {
    const more = placePartitions(
      "dev",
      [...catalog, { schema: "public", name: "emp_2026", bounds: { from: "2026-01-01", to: "2027-01-01" } }],
      archives,
    );
    assert.deepEqual(compareLayout(guideManifest, table, columns, more), { problems: [], notInBackup: ["emp_2026"] });
  });
});
