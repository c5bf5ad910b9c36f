// Measures int8 models against their float sources on the 10,000 test images, in one run:
// file sizes, test accuracy, prediction agreement and inference images/s (rounds alternate
// float and int8 so the machine's load hits both alike), into results/quantization.json.
//
//   deno run -A tools/quant_measure.ts [--rounds 3] [--batch-size 500] [--out FILE] [--merge]
//                                      F32_DIR:INT8_DIR ...
//
// Make each INT8_DIR first with `deno task quantize --model F32_DIR --out INT8_DIR`.
import { basename, join, relative } from "node:path";
import { parseArgs } from "node:util";
import { Gpu } from "../src/gpu/gpu.ts";
import { useGpu } from "../src/autograd/tensor.ts";
import { loadFashionMnist } from "../src/data/mod.ts";
import { loadModel, WEIGHTS_FILE } from "../src/io/checkpoint.ts";
import { evaluate } from "../src/train/evaluate.ts";
import { QuantizedClassifier } from "../src/quant/classifier.ts";
import { type Dot4Mode, QuantKernels } from "../src/quant/kernels.ts";
import { loadQuantized, QUANT_WEIGHTS_FILE } from "../src/quant/model.ts";
import { median } from "../src/util/stats.ts";
import { writeJsonAtomic } from "../src/util/atomic.ts";

const { values, positionals } = parseArgs({
  args: Deno.args,
  options: {
    rounds: { type: "string", default: "3" },
    "batch-size": { type: "string", default: "500" },
    out: {
      type: "string",
      default: new URL("../results/quantization.json", import.meta.url).pathname,
    },
    modes: { type: "string", default: "dot4I8Packed,unpacked" },
    // Keep the rows of --out for models not measured now (each row has its own date), replacing
    // those measured again: re-measuring one retrained model needs no hour-long run of all.
    merge: { type: "boolean", default: false },
  },
  allowPositionals: true,
});
const rounds = Number(values.rounds);
const batchSize = Number(values["batch-size"]);
const data = await loadFashionMnist({});
const gpu = await Gpu.create();
useGpu(gpu);
const n = data.test.count;
const x = new Float32Array(data.test.images.length);
for (let i = 0; i < x.length; i++) x[i] = data.test.images[i] / 255;
const modes = values.modes.split(",") as Dot4Mode[];

const rows = [];
for (const pair of positionals) {
  const [floatDir, int8Dir] = pair.split(":");
  const model = await loadModel(floatDir);
  const { net, config } = await loadQuantized(int8Dir);
  const int8 = modes.map((mode) => ({
    mode,
    classifier: new QuantizedClassifier(net, config, new QuantKernels(gpu, mode)),
  }));
  // Warm-up: pipelines compiled, buffers pooled.
  const f32 = await evaluate(model, data.test, { batchSize });
  const predictions = new Map<string, Uint8Array>();
  for (const q of int8) predictions.set(q.mode, await q.classifier.predict(x, n, { batchSize }));
  const times: Record<string, number[]> = { f32: [] };
  for (const q of int8) times[q.mode] = [];
  for (let r = 0; r < rounds; r++) {
    let t = performance.now();
    await evaluate(model, data.test, { batchSize });
    times.f32.push((performance.now() - t) / 1000);
    for (const q of int8) {
      t = performance.now();
      await q.classifier.predict(x, n, { batchSize });
      times[q.mode].push((performance.now() - t) / 1000);
    }
  }
  const accuracy = (p: Uint8Array) => p.filter((v, i) => v === data.test.labels[i]).length / n;
  const agreement = (p: Uint8Array) => p.filter((v, i) => v === f32.predictions[i]).length / n;
  const floatBytes = (await Deno.stat(join(floatDir, WEIGHTS_FILE))).size;
  const int8Bytes = (await Deno.stat(join(int8Dir, QUANT_WEIGHTS_FILE))).size;
  const row = {
    model: basename(floatDir),
    date: new Date().toISOString().slice(0, 10),
    architecture: model.architecture.name,
    float: relative(Deno.cwd(), floatDir),
    int8: relative(Deno.cwd(), int8Dir),
    bytes: { float: floatBytes, int8: int8Bytes, ratio: floatBytes / int8Bytes },
    accuracy: {
      float: f32.accuracy,
      int8: Object.fromEntries(int8.map((q) => [q.mode, accuracy(predictions.get(q.mode)!)])),
    },
    agreement: Object.fromEntries(int8.map((q) => [q.mode, agreement(predictions.get(q.mode)!)])),
    imagesPerSecond: Object.fromEntries(
      Object.entries(times).map(([k, v]) => [k, n / median(v)]),
    ),
    secondsPerRound: times,
    calibration: (config.quantization as { calibration?: unknown })?.calibration,
  };
  console.error(JSON.stringify(row));
  rows.push(row);
}
if (values.merge) {
  const previous = JSON.parse(await Deno.readTextFile(values.out!)) as {
    date: string;
    models: { model: string; date?: string }[];
  };
  // In the previous order, measured rows in place of their old ones, new models last.
  const fresh = new Map(rows.map((r) => [r.model, r]));
  const merged = previous.models.map((r) =>
    fresh.get(r.model) ?? { ...r, date: r.date ?? previous.date }
  );
  const added = rows.filter((r) => !previous.models.some((p) => p.model === r.model));
  rows.splice(0, rows.length, ...merged as typeof rows, ...added);
}
await writeJsonAtomic(values.out!, {
  what: "int8 post-training quantization against the float model, 10,000 test images",
  date: new Date().toISOString().slice(0, 10),
  adapter: gpu.adapter,
  deno: Deno.version.deno,
  settings: {
    batchSize,
    rounds,
    timing:
      "median seconds of predicting all 10,000 test images, rounds alternating float and int8",
  },
  models: rows,
});
console.error(`wrote ${values.out}`);
