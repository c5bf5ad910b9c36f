// How long a replayed training step takes to record (JavaScript time from the step's start to
// `queue.submit` returning) with the GPU idle: the least of N steps, each after the previous one
// finished, so that on a software adapter the recording does not share the cores with the last
// step's kernels (bench/step_bench.ts measures it inside the training loop, where it does). Per
// model at batch 128, with the adapter's own profile and with the profile a real GPU gets (no
// texture copies), forced on this adapter; and the same step recorded through the tape. Not a
// test: figures for docs/engine.md.
//   deno run -A bench/record_probe.ts [cnn,resnet,mlp] [steps]
import { gpu, useGpu } from "../src/autograd/tensor.ts";
import { Gpu } from "../src/gpu/gpu.ts";
import { PROFILES } from "../src/gpu/profile.ts";
import { measureStep, trainingStep } from "../src/profile/step.ts";

const models = (Deno.args[0] ?? "cnn,resnet,mlp").split(",");
const steps = Number(Deno.args[1] ?? 20);
const g = await Gpu.create();
useGpu(g);
const own = g.profile;
console.log(`${g.adapter.description}, batch 128, least of ${steps} steps recorded on an idle GPU`);
for (const profile of [own, PROFILES.gpu]) {
  g.profile = profile;
  for (const name of models) {
    const step = trainingStep(name, 128);
    for (let i = 0; i < 3; i++) step.run();
    await g.sync();
    let best = Infinity;
    let figures = measureStep(() => step.run());
    for (let i = 0; i < steps; i++) {
      await g.sync();
      const f = measureStep(() => step.run());
      if (f.recordMs < best) [best, figures] = [f.recordMs, f];
    }
    // The same step through the tape (what every step cost before plans), fewer times: slower.
    let tape = Infinity;
    for (let i = 0; i < Math.max(3, steps / 4); i++) {
      await g.sync();
      tape = Math.min(tape, measureStep(() => step.runTape()).recordMs);
    }
    await gpu().sync();
    step.dispose();
    const commands = figures.dispatches + figures.textureCopies + figures.bufferCopies +
      figures.clears;
    console.log(
      `${profile.name.padEnd(16)} ${name.padEnd(7)} record ${best.toFixed(2)} ms; ${commands} ` +
        `commands: ${figures.dispatches} dispatches, ${figures.textureCopies} texture copies, ` +
        `${figures.bufferCopies} buffer copies, ${figures.clears} clears; created ` +
        `${figures.creations}; through the tape ${tape.toFixed(2)} ms`,
    );
  }
}
