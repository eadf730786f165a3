/**
 * The end of the quick start: loads the guide's sample rows through
 * `employees` (once: only into an empty table) and prints the guide's
 * cross-instance GROUP BY year result.
 *
 *   node dist/scripts/guide-demo.js <host> <port>   (password in PGPASSWORD)
 */
import { Client } from "pg";
import { guideSampleRows, guideYearQuery } from "../stacks/guide";

/** Formats rows the way psql prints an aligned table. */
export function formatTable(fields: readonly string[], rows: readonly Record<string, unknown>[]): string {
  const cells = rows.map((r) => fields.map((f) => String(r[f] ?? "")));
  const widths = fields.map((f, i) => Math.max(f.length, ...cells.map((c) => c[i].length)));
  const line = (values: readonly string[], right: boolean) =>
    " " + values.map((v, i) => (right ? v.padStart(widths[i]) : v.padEnd(widths[i]))).join(" | ") + " ";
  return [
    line(
      fields.map((f, i) => f.padStart(Math.floor((widths[i] + f.length) / 2)).padEnd(widths[i])),
      false,
    ),
    widths.map((w) => "-".repeat(w + 2)).join("+"),
    ...cells.map((c) => line(c, true)),
    `(${rows.length} row${rows.length === 1 ? "" : "s"})`,
  ].join("\n");
}

async function main(): Promise<void> {
  const [host, port] = process.argv.slice(2);
  const client = new Client({ host, port: Number(port), user: "postgres", database: "appdb", password: process.env.PGPASSWORD });
  await client.connect();
  try {
    const { rows } = await client.query("SELECT count(*)::int AS n FROM employees");
    if (rows[0].n === 0) {
      await client.query("BEGIN");
      for (const r of guideSampleRows) {
        await client.query("INSERT INTO employees (name, hire_date, department, salary) VALUES ($1, $2, $3, $4)", [
          r.name,
          r.hireDate,
          r.department,
          r.salary,
        ]);
      }
      await client.query("COMMIT");
      console.log(`Loaded the guide's ${guideSampleRows.length} sample rows through employees (2024 rows went to the archive instance).`);
    }
    const result = await client.query(guideYearQuery);
    console.log(`\nThe guide's cross-instance query (Step 4), on the main instance at ${host}:${port}:\n`);
    console.log(
      formatTable(
        result.fields.map((f) => f.name),
        result.rows,
      ),
    );
  } finally {
    await client.end();
  }
}

if (require.main === module) {
  main().catch((err: unknown) => {
    console.error(`guide-demo: ${(err as Error).message}`);
    process.exit(1);
  });
}
