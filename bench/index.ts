/** `npm run bench`: every benchmark, one after another (each starts its own containers). */
import { onlineRotation } from "./online-rotation";
import { rotationCopy } from "./rotation-copy";

async function main(): Promise<void> {
  await rotationCopy();
  await onlineRotation();
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
