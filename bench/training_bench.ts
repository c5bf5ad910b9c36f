// Whole training steps (upload, forward, loss, backward, Adam update: what `fit` submits per
// step) as images/s: the reference CNN at batch 32, 128 and 512, every other architecture of the
// zoo at 128; and inference (eval mode, forward only) images/s at batch 500.
//   deno bench -P bench/training_bench.ts
import { Sequential, Tensor } from "../mod.ts";
import { architecture, ARCHITECTURES } from "../src/nn/zoo.ts";
import { Rng } from "../src/util/random.ts";
import { measure } from "./_harness.ts";
import { trainingStep } from "./_training_step.ts";

const SUITE = "training";
const only = Deno.env.get("BENCH_MODELS")?.split(",");
const names = only ?? Object.keys(ARCHITECTURES);

function inference(name: string, wanted: number) {
  const model = new Sequential(architecture(name), 1);
  // As `evaluate` does: no buffer may outgrow a binding (cnn-deep's patch matrices at 500 do).
  const batch = Math.min(wanted, model.maxBatch());
  const rng = new Rng(2);
  const pixels = Float32Array.from({ length: batch * 784 }, () => rng.next());
  measure({
    suite: SUITE,
    name: `predict ${name} batch ${batch}`,
    kind: "predict",
    unit: "images/s",
    work: batch,
    detail: { model: name, batch },
    run: () => void model.predict(Tensor.from(pixels, [batch, 28, 28, 1])),
  });
}

for (const name of names) {
  for (const batch of name === "cnn" ? [32, 128, 512] : [128]) {
    measure(trainingStep(SUITE, name, batch));
  }
}
for (const name of names) inference(name, 500);
