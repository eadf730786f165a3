/**
 * Benchmark: moving one partition's rows from the main instance to an archive
 * instance, four ways, side by side in one run (issue: rotation as a plan):
 *
 *   guide    the guide's `INSERT INTO <foreign table> SELECT * FROM <local>`
 *            with postgres_fdw's defaults (one remote INSERT per row)
 *   fdw      the same through postgres_fdw with batch_size 10000 (server-side)
 *   copy     a raw binary `COPY ... TO STDOUT` piped into `COPY ... FROM STDIN`
 *   pgtier   pgtier's rotation itself (moveRows, the code a
 *            TieredPartition's local-to-archive update runs) with its
 *            default settings: create the archive table with its CHECK
 *            constraint, start capturing writes, binary COPY pipe in a
 *            snapshot with its checksum beside, the archive's count and
 *            checksum compared, its indexes built after the load, the
 *            changes replayed, the cutover to a foreign partition, ANALYZE
 *
 * Not a test: it prints times, rates and ratios; the last line is
 *   RESULT rotation pgtier_vs_guide=<speed-up> pgtier_vs_copy=<slow-down>
 *
 *   npm run bench                 (1,000,000 rows)
 *   BENCH_ROWS=100000 npm run bench
 */
import { buildOptionsClause } from "../components/sql/fdw";
import { quoteIdent } from "../components/sql/quote";
import { ARCHIVE_TABLE, CHECKSUM, COLUMNS, copyPipe, createServer, prepareRotation, rotate, ROWS, startBench, timed } from "./setup";

/** The guide's method does one round trip per row; past this many rows it is timed on a sample and scaled. */
const GUIDE_SAMPLE = Number(process.env.BENCH_GUIDE_SAMPLE ?? 200_000);

export async function rotationCopy(): Promise<void> {
  console.log(
    `Rotating a ${ROWS.toLocaleString("en-US")}-row partition from main to archive (PostgreSQL in containers on one Docker network)`,
  );
  const b = await startBench();
  const { main, archive } = b;
  try {
    await archive.query(ARCHIVE_TABLE);
    for (const [server, options] of [
      ["guide_server", {}],
      ["batch_server", { batch_size: "10000", fetch_size: "10000" }],
    ] as const) {
      await createServer(b, server, options);
      await main.query(
        `CREATE FOREIGN TABLE ${quoteIdent(`${server}_emp`)} (${COLUMNS}) SERVER ${quoteIdent(server)}${buildOptionsClause({ table_name: "emp_2025" })}`,
      );
    }
    const source = (await main.query(CHECKSUM)).rows[0];
    const reset = () => archive.query("TRUNCATE emp_2025");

    const sample = Math.min(ROWS, GUIDE_SAMPLE);
    await reset();
    let guide = await timed("guide", sample, async () => {
      await main.query(`INSERT INTO guide_server_emp SELECT * FROM emp_2025 WHERE id <= $1`, [sample]);
    });
    if (sample < ROWS) {
      guide = (guide * ROWS) / sample;
      console.log(`         (timed on ${sample.toLocaleString("en-US")} rows; scaled to ${guide.toFixed(2)} s for all)`);
    }

    await reset();
    await timed("fdw", ROWS, async () => {
      await main.query("INSERT INTO batch_server_emp SELECT * FROM emp_2025");
    });

    await reset();
    const copy = await timed("copy", ROWS, () => copyPipe(b));

    // pgtier rotates emp_2025 as a partition of `employees`; the archive
    // table is created by the rotation, as a TieredPartition update does.
    await prepareRotation(b);
    const pgtier = await timed("pgtier", ROWS, () => rotate(b));
    const copied = (await archive.query(CHECKSUM)).rows[0];
    if (copied.n !== source.n || copied.sum !== source.sum) {
      throw new Error(`the archive does not match the source after the pgtier run`);
    }
    console.log(`RESULT rotation pgtier_vs_guide=${(guide / pgtier).toFixed(1)} pgtier_vs_copy=${(pgtier / copy).toFixed(2)}`);
  } finally {
    await b.stop();
  }
}
