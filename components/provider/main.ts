/** Entry point of the pgtier provider plugin (started by the Pulumi engine via plugin/). */
import * as provider from "@pulumi/pulumi/provider";
import { installDetailedDiff } from "./detailed-diff";
import { installPreview } from "./preview";
import { setEngineAddress } from "./progress";
import { PgtierProvider } from "./provider";

const pgtier = new PgtierProvider();
setEngineAddress(process.argv.slice(2));
installDetailedDiff((urn, id, olds, news) => pgtier.detailedDiff(urn, id, olds, news));
installPreview((urn, inputs) => pgtier.previewCreate(urn, inputs));
provider.main(pgtier, process.argv.slice(2)).catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
