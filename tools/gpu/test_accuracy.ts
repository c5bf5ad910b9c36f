// Test accuracy of a saved network with and without flip test-time augmentation, in one process
// (src/cli/predict.ts reaches the baselines' npm packages through the model registry; this only
// loads networks, so it runs where there is no npm registry). One JSON object on stdout.
//   deno run -A tools/gpu/test_accuracy.ts --model DIR [--limit N]
import { parseArgs } from "node:util";
import { Gpu } from "../../src/gpu/gpu.ts";
import { useGpu } from "../../src/autograd/tensor.ts";
import { loadFashionMnist } from "../../src/data/mod.ts";
import { loadModel } from "../../src/io/checkpoint.ts";
import { evaluate } from "../../src/train/evaluate.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: { model: { type: "string" }, limit: { type: "string" } },
});
if (!values.model) {
  console.error("test_accuracy: --model DIR is required");
  Deno.exit(2);
}
const data = await loadFashionMnist();
const n = Math.min(data.test.count, values.limit ? Number(values.limit) : Infinity);
const test = {
  ...data.test,
  count: n,
  images: data.test.images.subarray(0, n * data.test.rows * data.test.cols),
  labels: data.test.labels.subarray(0, n),
};
const gpu = await Gpu.create();
useGpu(gpu);
const model = await loadModel(values.model);
const plain = await evaluate(model, test);
const tta = await evaluate(model, test, { tta: true });
const pct = (x: number) => `${(x * 100).toFixed(2)}%`;
console.error(
  `test_accuracy: ${values.model}: ${pct(plain.accuracy)}, with flip TTA ${pct(tta.accuracy)} ` +
    `on ${n} test images`,
);
console.log(JSON.stringify({
  model: values.model,
  name: model.architecture.name,
  count: n,
  accuracy: plain.accuracy,
  loss: plain.loss,
  seconds: plain.seconds,
  accuracyTta: tta.accuracy,
  lossTta: tta.loss,
  secondsTta: tta.seconds,
  adapter: gpu.adapter,
}));
