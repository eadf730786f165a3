/**
 * `npm run bench`: every benchmark, one after another (each starts its own
 * containers). `npm run bench -- queries` (or any of the part names) runs
 * only those parts.
 */
import { onlineRotation } from "./online-rotation";
import { queryDefaults } from "./queries";
import { rotationCopy } from "./rotation-copy";

/** The parts, in the order a full run takes them. */
const PARTS: Readonly<Record<string, () => Promise<void>>> = {
  rotation: rotationCopy,
  online: onlineRotation,
  queries: queryDefaults,
};

async function main(): Promise<void> {
  const asked = process.argv.slice(2);
  const unknown = asked.filter((name) => !(name in PARTS));
  if (unknown.length > 0) {
    throw new Error(`no benchmark part ${unknown.join(", ")}; the parts are ${Object.keys(PARTS).join(", ")}`);
  }
  for (const [name, part] of Object.entries(PARTS)) {
    if (asked.length === 0 || asked.includes(name)) {
      await part();
    }
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
