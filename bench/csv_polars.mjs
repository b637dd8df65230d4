// Polars beside `jpar csv` (bench/peers csv): for each file, pl.readCSV(path) then .describe(), in one
// Node process (Polars itself runs its work on a thread pool of one thread per core).
//   POLARS_MODULES=DIR node bench/csv_polars.mjs FILE...
// DIR holds node_modules/nodejs-polars (bench/peers-csv installs it in a cache folder, not in the repo,
// so it is loaded with createRequire from there: an ESM import would only search beside this script).
// Prints, tab-separated, the lines every peer prints for the agreement check:
//   file PATH ROWS
//   col PATH NAME DTYPE MEAN STD   (MEAN and STD empty where describe() gives none; Polars' std is the
//                                   sample one, n - 1; it also gives booleans a mean, the share of true)
// `node csv_polars.mjs --version` prints the version of the loaded Polars.
import { createRequire } from "node:module";
import path from "node:path";

const dir = process.env.POLARS_MODULES;
if (!dir) {
  console.error("csv_polars.mjs: set POLARS_MODULES to the folder that holds node_modules/nodejs-polars");
  process.exit(2);
}
const pl = createRequire(path.join(path.resolve(dir), "package.json"))("nodejs-polars");

const args = process.argv.slice(2);
if (args[0] === "--version") {
  console.log(pl.version);
  process.exit(0);
}
// Numbers print as the shortest text that reads back as the same double.
const num = (v) => (typeof v === "number" && !Number.isNaN(v) ? String(v) : "");
const lines = [];
for (const file of args) {
  const df = pl.readCSV(file);
  const d = df.describe();
  const stat = Object.fromEntries(d.getColumn("describe").toArray().map((name, i) => [name, i]));
  lines.push(`file\t${file}\t${df.height}`);
  for (const col of df.getColumns()) {
    const m = d.getColumn(col.name).get(stat.mean);
    const s = d.getColumn(col.name).get(stat.std);
    const type = String(col.dtype).replace(/^DataType\((.*)\)$/, "$1");
    lines.push(`col\t${file}\t${col.name}\t${type}\t${num(m)}\t${num(s)}`);
  }
}
console.log(lines.join("\n"));
