/**
 * Exports saved networks with `deno task export` and checks each in PyTorch (tools/torch_check.py,
 * needs python3-torch): a strict load_state_dict into its tools/torch_models.py module, then the
 * logits and predictions on the first N test images against ours.
 *
 *   deno run -A tools/torch_verify.ts [--models models/comparison] [--names cnn,resnet]
 *     [--images 1000] [--python python3] [--out results/torch_export.json]
 */
import { dirname, join } from "node:path";
import {
  checkWritableDir,
  intFlag,
  parseFlags,
  projectPath,
  runCli,
  userPath,
} from "../src/cli/common.ts";
import { Gpu } from "../src/gpu/gpu.ts";
import { endStep, Tensor, useGpu } from "../src/autograd/tensor.ts";
import { loadModel, readConfig } from "../src/io/checkpoint.ts";
import { encodeSafetensors } from "../src/io/safetensors.ts";
import { loadFashionMnist } from "../src/data/mod.ts";
import { writeJsonAtomic } from "../src/util/atomic.ts";
import { info } from "../src/train/progress.ts";

const HELP = `deno run -A tools/torch_verify.ts [flags]

Exports saved networks in PyTorch's layout and checks them in PyTorch (python3-torch): strict
load_state_dict into tools/torch_models.py's module, then logits and predictions on the first N
test images against the workbench's.

  --models DIR     folder of model folders (default models/comparison)
  --names LIST     which of them (default: every network in DIR)
  --images N       test images compared (default 1000)
  --python CMD     a Python with torch (default python3)
  --out FILE       results (default results/torch_export.json)`;

async function run(cmd: string, args: string[]): Promise<string> {
  const out = await new Deno.Command(cmd, { args, stdout: "piped", stderr: "piped" }).output();
  const stderr = new TextDecoder().decode(out.stderr);
  if (out.code !== 0) throw new Error(`${cmd} ${args.join(" ")} failed:\n${stderr}`);
  return new TextDecoder().decode(out.stdout);
}

await runCli(async () => {
  const flags = parseFlags("torch_verify", {
    models: { type: "string" },
    names: { type: "string" },
    images: { type: "string" },
    python: { type: "string" },
    out: { type: "string" },
  }, HELP);
  const models = flags.models ? userPath(flags.models) : projectPath("models", "comparison");
  const outFile = flags.out ? userPath(flags.out) : projectPath("results", "torch_export.json");
  const n = intFlag("images", flags.images, 1000);
  const python = flags.python ?? "python3";
  await checkWritableDir(dirname(outFile), "--out");
  let names = flags.names?.split(",");
  if (!names) {
    names = [];
    for await (const e of Deno.readDir(models)) {
      const config = await readConfig(join(models, e.name)).catch(() => null);
      if (e.isDirectory && config?.kind === "network") names.push(e.name);
    }
    names.sort();
  }
  const gpu = await Gpu.create();
  useGpu(gpu);
  const { test } = await loadFashionMnist();
  const count = Math.min(n, test.count);
  const pixels = test.rows * test.cols;
  const input = Float32Array.from(test.images.subarray(0, count * pixels), (v) => v / 255);
  const labels = Float32Array.from(test.labels.subarray(0, count));
  const tmp = await Deno.makeTempDir({ prefix: "torch_verify_" });
  const results = [];
  try {
    for (const name of names) {
      const dir = join(models, name);
      const weights = join(tmp, `${name}.safetensors`);
      await run(Deno.execPath(), [
        "run",
        "-A",
        new URL("../src/cli/export.ts", import.meta.url).pathname,
        "--model",
        dir,
        "--out",
        weights,
      ]);
      const model = await loadModel(dir);
      const classes = model.architecture.classes;
      const logits = new Float32Array(count * classes);
      for (let at = 0; at < count; at += 250) {
        const size = Math.min(250, count - at);
        const x = Tensor.from(input.slice(at * pixels, (at + size) * pixels), [
          size,
          test.rows,
          test.cols,
          1,
        ]);
        logits.set(await model.predict(x).read(), at * classes);
        endStep();
      }
      const batch = join(tmp, `${name}.batch.safetensors`);
      await Deno.writeFile(
        batch,
        encodeSafetensors([
          { name: "input", shape: [count, 1, test.rows, test.cols], data: input },
          { name: "logits", shape: [count, classes], data: logits },
          { name: "labels", shape: [count], data: labels },
        ]),
      );
      const check = JSON.parse(
        await run(python, [new URL("torch_check.py", import.meta.url).pathname, weights, batch]),
      );
      info(
        `${name}: ${check.keys} keys loaded strictly into ${check.module}; max |Δlogit| ` +
          `${check.maxAbsDiff.toExponential(2)}, ${check.predictionsAgree}/${check.images} ` +
          `predictions agree`,
      );
      results.push({ name, dir, ...check });
    }
  } finally {
    await Deno.remove(tmp, { recursive: true });
  }
  await writeJsonAtomic(outFile, {
    description:
      "Each model exported with deno task export, loaded with a strict load_state_dict into its " +
      "tools/torch_models.py module in PyTorch, run on the first test images; logits compared " +
      "with the workbench's",
    date: new Date().toISOString(),
    adapter: gpu.adapter,
    images: count,
    results,
  });
  info(`wrote ${outFile}`);
});
