// Prints the per-model table of a tools/gpu/run.sh work folder (or its unpacked archive) and
// writes summary.json and summary.md into it.
//   deno run -A tools/gpu/summarize.ts DIR
import { join } from "node:path";
import { summarize, summaryTable } from "./common.ts";

const dir = Deno.args[0] ?? ".";
const rows = summarize(dir);
const table = summaryTable(rows);
console.log(table);
Deno.writeTextFileSync(join(dir, "summary.json"), JSON.stringify(rows, null, 2) + "\n");
Deno.writeTextFileSync(join(dir, "summary.md"), table + "\n");
