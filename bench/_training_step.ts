// The training step every throughput bench times: upload, forward, loss, backward, Adam update
// (what `fit` submits per step) on synthetic data (random pixels in [0, 1), random labels).
// Shared by bench/training_bench.ts and bench/peer_bench.ts so both time the same work.
import { backward, Sequential, Tensor } from "../mod.ts";
import { architecture } from "../src/nn/zoo.ts";
import { lossByName } from "../src/ops/loss/loss.ts";
import { Adam } from "../src/optim/optimizer.ts";
import { Rng } from "../src/util/random.ts";
import type { Measure } from "./_harness.ts";

/** A `measure` entry for one architecture's training step at `batch`, figure `train NAME batch B`. */
export function trainingStep(suite: string, name: string, batch: number): Measure<void> {
  const arch = architecture(name);
  const model = new Sequential(arch, 1);
  const optimizer = new Adam(model.params());
  const loss = lossByName(arch.loss);
  const rng = new Rng(1);
  const pixels = Float32Array.from({ length: batch * 784 }, () => rng.next());
  const labels = Uint32Array.from({ length: batch }, () => rng.int(10));
  let step = 0;
  return {
    suite,
    name: `train ${name} batch ${batch}`,
    kind: "train",
    unit: "images/s",
    work: batch,
    // Small batches take several steps per timing so a submit's latency does not dominate.
    repeat: Math.max(1, Math.round(128 / batch)),
    detail: { model: name, batch, parameters: model.parameterCount() },
    run: () => {
      const x = Tensor.from(pixels, [batch, 28, 28, 1]);
      const logits = model.forward(x, { training: true, seed: ++step });
      backward(loss(logits, Tensor.from(labels, [batch])));
      optimizer.step();
    },
  };
}
