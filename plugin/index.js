// Entry of pgtier's provider plugin: the compiled provider from `npm run build`.
require("../dist/components/provider/main.js");
