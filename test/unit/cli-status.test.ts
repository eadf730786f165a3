import assert from "node:assert/strict";
import { formatStatus } from "../../cli/report/status";
import { formatBytes, formatTimelineTable, parseTimelineLine } from "../../cli/report/timeline";
import { formatTimeline, planLayout } from "../../components/planner/plan-layout";

describe("cli: the timeline output read back", () => {
  it("reads every line formatTimeline writes", () => {
    // GIVEN the dev stack's layout, with a decommissioned period
    const layout = planLayout(
      {
        period: "year",
        firstPeriod: "2022-01-01",
        hotPeriods: 1,
        futurePeriods: 0,
        retentionPeriods: 3,
        archives: [{ archive: "archive" }],
        namePrefix: "p_",
      },
      "2025-06-15",
    );
    // WHEN
    const entries = formatTimeline(layout).map(parseTimelineLine);
    // THEN
    assert.deepEqual(
      entries.map((e) => [e.period, e.name, e.from, e.to, e.tier, e.instance ?? "-", e.current]),
      [
        ["2022", "p_2022", "2022-01-01", "2023-01-01", "decommissioned", "-", false],
        ["2023", "p_2023", "2023-01-01", "2024-01-01", "archive", "archive", false],
        ["2024", "p_2024", "2024-01-01", "2025-01-01", "archive", "archive", false],
        ["2025", "p_2025", "2025-01-01", "2026-01-01", "local", "main", true],
      ],
    );
  });

  it("names a line it cannot read", () => {
    assert.throws(() => parseTimelineLine("nonsense"), /timeline line "nonsense" is not/);
  });
});

describe("cli: the status report", () => {
  const timeline = [
    "2024  emp_2024  [2024-01-01, 2025-01-01)  archive  archive",
    "2025  emp_2025  [2025-01-01, 2026-01-01)  local    main  <- current",
  ].map(parseTimelineLine);

  it("puts live rows and sizes beside each period", () => {
    const lines = formatTimelineTable(timeline, { emp_2024: { rows: 4, bytes: 32768 }, emp_2025: { rows: 3, bytes: 49152 } });
    assert.deepEqual(lines, [
      "PERIOD  PARTITION  BOUNDS                    TIER     INSTANCE        ROWS  SIZE",
      "2024    emp_2024   [2024-01-01, 2025-01-01)  archive  archive         4     32 kB",
      "2025    emp_2025   [2025-01-01, 2026-01-01)  local    main (current)  3     48 kB",
    ]);
  });

  it("says which partitions could not be read", () => {
    const lines = formatTimelineTable(timeline, { emp_2024: { error: "could not connect" }, emp_2025: { rows: 3 } });
    assert.match(lines[1], /archive {9}unreachable {2}-$/);
    assert.match(lines[2], /main \(current\) {2}3 {12}\?$/);
  });

  it("rounds sizes as pg_size_pretty does", () => {
    assert.equal(formatBytes(8192), "8192 bytes");
    assert.equal(formatBytes(32768), "32 kB");
    assert.equal(formatBytes(15 * 1024 * 1024), "15 MB");
  });

  it("reports server health and the last rotation and decommission", () => {
    const lines = formatStatus({
      stack: "dev",
      table: "employees",
      asOf: "2025-06-15",
      timeline,
      figures: {},
      servers: [
        { server: "archive_server", address: "archive:5432/archive_db", ok: true, millis: 12 },
        { server: "old_server", address: "old:5432/archive_db", ok: false, error: "Connection refused" },
      ],
      lastRotation: { partition: "emp_2024", archive: "archive", rows: "4", at: "2026-01-01T00:00:00Z" },
      lastDecommission: {
        table: "emp_2020",
        range: "2020-01-01 to 2021-01-01",
        rows: "10",
        at: "2026-01-02T00:00:00",
        backup: "/b/emp_2020.dump",
      },
    });
    assert.equal(lines[0], "stack dev: table employees, layout as of 2025-06-15");
    assert.deepEqual(lines.slice(lines.indexOf("FDW health:")), [
      "FDW health:",
      "  archive_server  archive:5432/archive_db  ok (12 ms)",
      "  old_server      old:5432/archive_db      FAIL Connection refused",
      "",
      'last rotation: emp_2024 to archive "archive", 4 rows, at 2026-01-01T00:00:00Z',
      "last decommission: emp_2020 [2020-01-01 to 2021-01-01], 10 rows, at 2026-01-02T00:00:00, backup /b/emp_2020.dump",
    ]);
  });
});
