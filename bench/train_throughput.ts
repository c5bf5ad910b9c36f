// Training throughput of a zoo network: images/s of full training steps (upload, forward, loss,
// backward, Adam update, one submit each), after a warm-up that compiles every pipeline.
// Usage: deno run -A bench/train_throughput.ts [--model cnn] [--batch 32,128,512] [--steps 10]
import { parseArgs } from "node:util";
import { backward, endStep, Gpu, Sequential, Tensor, useGpu } from "../mod.ts";
import { architecture } from "../src/nn/zoo.ts";
import { Adam } from "../src/optim/optimizer.ts";
import { softmaxCrossEntropy } from "../src/autograd/loss.ts";
import { Rng } from "../src/util/random.ts";

const { values } = parseArgs({
  options: {
    model: { type: "string", default: "cnn" },
    batch: { type: "string", default: "128" },
    steps: { type: "string", default: "10" },
    json: { type: "boolean" },
  },
});
const gpu = await Gpu.create();
useGpu(gpu);
const steps = Number(values.steps);
const rows: {
  model: string;
  batch: number;
  steps: number;
  seconds: number;
  imagesPerSecond: number;
}[] = [];
for (const batch of values.batch!.split(",").map(Number)) {
  const model = new Sequential(architecture(values.model!), 1);
  const opt = new Adam(model.params());
  const rng = new Rng(1);
  const x = Float32Array.from({ length: batch * 784 }, () => rng.next());
  const y = Uint32Array.from({ length: batch }, () => rng.int(10));
  const step = () => {
    const loss = softmaxCrossEntropy(
      model.forward(Tensor.from(x, [batch, 28, 28, 1]), { training: true, seed: 1 }),
      Tensor.from(y, [batch]),
    );
    backward(loss);
    opt.step();
    endStep();
  };
  for (let i = 0; i < 2; i++) step();
  await gpu.sync();
  const start = performance.now();
  for (let i = 0; i < steps; i++) step();
  await gpu.sync();
  const seconds = (performance.now() - start) / 1000;
  rows.push({
    model: values.model!,
    batch,
    steps,
    seconds,
    imagesPerSecond: (batch * steps) / seconds,
  });
  console.error(
    `${values.model} batch ${batch}: ${(seconds / steps * 1000).toFixed(0)} ms/step, ` +
      `${((batch * steps) / seconds).toFixed(1)} images/s`,
  );
}
console.error(
  `adapter: ${gpu.adapter.description} (${gpu.adapter.backend}), Deno ${Deno.version.deno}`,
);
if (values.json) console.log(JSON.stringify({ adapter: gpu.adapter, rows }));
