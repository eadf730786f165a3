/** Entry point of the pgtier provider plugin (started by the Pulumi engine via plugin/). */
import * as provider from "@pulumi/pulumi/provider";
import { PgtierProvider } from "./provider";

provider.main(new PgtierProvider(), process.argv.slice(2)).catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
