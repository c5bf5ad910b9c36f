import { join } from "node:path";
import { parseFlags, runCli, USAGE, userPath } from "./common.ts";
import { ARCHITECTURES } from "../nn/zoo.ts";
import { architectureSummary, summaryTable } from "../nn/summary.ts";
import { CONFIG_FILE, readConfig } from "../io/checkpoint.ts";
import { checkArchitecture } from "../nn/check.ts";
import { UserError } from "../util/errors.ts";
import type { Architecture } from "../nn/zoo.ts";

const HELP = `deno task summary --model NAME [--json]

Prints a network's layers (residual blocks' branches indented), output shapes, parameters and
forward FLOPs per image, with totals. Needs no GPU and no data.

  --model NAME   a zoo architecture (${Object.keys(ARCHITECTURES).join(", ")})
                 or a model directory saved by "deno task train"
  --json         one JSON object: name, input, classes, parameters, flops, layers[]`;

await runCli(async () => {
  const flags = parseFlags("summary", {
    model: { type: "string" },
    json: { type: "boolean" },
  }, HELP);
  if (!flags.model) throw new UserError("summary: --model NAME is required; see --help", USAGE);
  const arch = await resolveArchitecture(flags.model);
  console.log(flags.json ? JSON.stringify(architectureSummary(arch)) : summaryTable(arch));
});

async function resolveArchitecture(model: string): Promise<Architecture> {
  if (Object.hasOwn(ARCHITECTURES, model)) return ARCHITECTURES[model]();
  const dir = userPath(model);
  const isDir = await Deno.stat(dir).then((s) => s.isDirectory, () => false);
  if (!isDir) {
    throw new UserError(
      `--model must be one of ${Object.keys(ARCHITECTURES).join(", ")} or a model directory, ` +
        `got "${model}" (no folder ${dir})`,
      USAGE,
    );
  }
  const config = await readConfig(dir);
  if (config.architecture === undefined) {
    throw new UserError(`${dir}: no network architecture in config.json (a baseline model?)`);
  }
  // Float or int8 alike: the summary needs the architecture only, checked as any loader checks it.
  return checkArchitecture(config.architecture, join(dir, CONFIG_FILE)).architecture;
}
