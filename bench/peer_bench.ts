// Our reference-CNN training step against PyTorch's, in the same run: at batch 32, 128 and 512,
// each of our measured calls is preceded by a PyTorch round (bench/torch_cnn.py, the same network,
// optimiser, loss and synthetic data, timing its own steps), so the two alternate and the
// machine's noise hits both. Records `train cnn batch B` (ours) and `pytorch train cnn batch B`
// (images/s, the median of the rounds; torch version, device, device name and threads in the
// detail), both with the ratio ours/PyTorch as `oursOverPytorch` in their details.
//   deno bench -P bench/peer_bench.ts
// PyTorch runs on CUDA when our adapter is real hardware and torch sees a GPU, else on the CPU;
// PEER_DEVICE=cpu|cuda overrides, PEER_PYTHON picks the interpreter (default: python3, then
// /usr/bin/python3), PEER_ROUNDS the rounds per batch size (default 3). Without a Python that
// imports torch it says so and records nothing.
import { gpu, measure } from "./_harness.ts";
import { trainingStep } from "./_training_step.ts";
import {
  chooseDevice,
  findTorchPython,
  parseTorchReport,
  peerFigures,
  SKIPPED,
  type TorchReport,
} from "./_peer.ts";

const SUITE = "peer";
const BATCHES = [32, 128, 512];
/** Measured calls of ours per batch size, each after a PyTorch round (PEER_ROUNDS, default 3). */
const ROUNDS = Number(Deno.env.get("PEER_ROUNDS") ?? 3);
if (!(Number.isInteger(ROUNDS) && ROUNDS > 0)) {
  throw new Error("PEER_ROUNDS must be a positive integer");
}
const WARMUP = 1;
const SCRIPT = new URL("./torch_cnn.py", import.meta.url).pathname;

async function torchRound(python: string, device: string, batch: number): Promise<TorchReport> {
  const args = [SCRIPT, "--device", device, "--batch-sizes", String(batch), "--repeats", "1"];
  const out = await new Deno.Command(python, {
    args: [...args, "--json"],
    stdout: "piped",
    stderr: "inherit",
  }).output();
  if (!out.success) {
    throw new Error(`peer: ${python} ${args.join(" ")} failed (exit ${out.code}, see above)`);
  }
  return parseTorchReport(new TextDecoder().decode(out.stdout));
}

function register(python: string, device: string, batch: number) {
  const reports: TorchReport[] = [];
  let calls = 0;
  measure({
    ...trainingStep(SUITE, "cnn", batch),
    n: ROUNDS,
    warmup: WARMUP,
    // Untimed by the harness. Deno's warm-up calls (the first, which overruns its 10 ms budget,
    // then WARMUP more) run without PyTorch; should Deno add others, the last ROUNDS are used.
    prepare: async () => {
      if (++calls > WARMUP + 1) reports.push(await torchRound(python, device, batch));
    },
    finish: (ours) => {
      const figures = peerFigures(ours, reports.slice(-ROUNDS));
      const torch = figures[1];
      console.error(
        torch
          ? `peer: batch ${batch}: ours ${ours.value} images/s, PyTorch ${torch.value} images/s ` +
            `(${device}): ours/PyTorch ${torch.detail.oursOverPytorch}`
          : `peer: batch ${batch}: ours ${ours.value} images/s, no PyTorch round finished`,
      );
      return figures;
    },
  });
}

const python = await findTorchPython();
if (!python) {
  console.error(`peer: ${SKIPPED}`);
} else {
  const device = chooseDevice(gpu.adapter, python.cuda, Deno.env.get("PEER_DEVICE") || undefined);
  console.error(
    `peer: PyTorch ${python.torch} (${python.python}) on ${device}, ` +
      `ours on ${gpu.adapter.description}`,
  );
  for (const batch of BATCHES) register(python.python, device, batch);
}
