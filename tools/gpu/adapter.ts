// Prints the WebGPU adapter this machine gives Deno as one JSON object (src/gpu/device.ts's
// AdapterReport, plus the device's main limits and features), and exits 3 when it is a software
// one (llvmpipe, a fallback adapter): figures measured there are not GPU figures.
//   deno run -A tools/gpu/adapter.ts [--allow-software] [--out FILE]
import { parseArgs } from "node:util";
import { requestDevice } from "../../src/gpu/device.ts";
import { isSoftwareAdapter } from "../../src/gpu/device.ts";

const args = parseArgs({
  args: Deno.args,
  options: { "allow-software": { type: "boolean" }, out: { type: "string" } },
});
let result;
try {
  result = await requestDevice();
} catch (e) {
  console.error(`adapter: none (${(e as Error).message})`);
  Deno.exit(2);
}
const { device, report } = result;
const limits: Record<string, number> = {};
for (
  const k of [
    "maxBufferSize",
    "maxStorageBufferBindingSize",
    "maxComputeWorkgroupStorageSize",
    "maxComputeInvocationsPerWorkgroup",
    "maxComputeWorkgroupSizeX",
    "maxComputeWorkgroupsPerDimension",
  ] as const
) limits[k] = device.limits[k];
const software = isSoftwareAdapter(report);
const out = {
  ...report,
  software,
  limits,
  features: [...device.features].sort(),
  deno: Deno.version.deno,
};
const text = JSON.stringify(out, null, 2);
console.log(text);
if (args.values.out) Deno.writeTextFileSync(args.values.out, text + "\n");
device.destroy();
if (software && !args.values["allow-software"]) {
  console.error(`adapter: ${report.description} is a software adapter, not a GPU`);
  Deno.exit(3);
}
