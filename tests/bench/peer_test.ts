// bench/peer_bench.ts's PyTorch side without PyTorch: the interpreter probe, the device choice,
// reading torch_cnn.py's report and the figures recorded from both sides.
import assert from "node:assert/strict";
import {
  chooseDevice,
  findTorchPython,
  parseTorchReport,
  peerFigures,
  type TorchReport,
} from "../../bench/_peer.ts";
import type { BenchFigure } from "../../src/report/bench.ts";

const llvmpipe = { description: "llvmpipe (LLVM 15.0.6, 256 bits)", isFallbackAdapter: false };
const h200 = { description: "NVIDIA H200", isFallbackAdapter: false };

Deno.test("peer: PyTorch on CUDA only beside real hardware with a CUDA torch; PEER_DEVICE wins", () => {
  assert.equal(chooseDevice(h200, true), "cuda");
  assert.equal(chooseDevice(h200, false), "cpu");
  assert.equal(chooseDevice(llvmpipe, true), "cpu");
  assert.equal(chooseDevice({ description: "SwiftShader", isFallbackAdapter: true }, true), "cpu");
  assert.equal(chooseDevice(h200, true, "cpu"), "cpu");
  assert.equal(chooseDevice(llvmpipe, false, "cuda"), "cuda");
  assert.throws(() => chooseDevice(h200, true, "gpu"), /PEER_DEVICE must be cpu or cuda/);
});

const report = (batch: number, imagesPerSecond: number, steps = 10): TorchReport => ({
  torch: "1.13.0a0",
  device: "cpu",
  deviceName: "AMD EPYC",
  threads: 2,
  results: [{
    batch,
    imagesPerSecond,
    msPerStep: (batch / imagesPerSecond) * 1000,
    steps,
    repeats: 1,
  }],
});

Deno.test("peer: torch_cnn.py's report is its last stdout line, checked", () => {
  const line = JSON.stringify(report(128, 1000));
  assert.deepEqual(parseTorchReport(`a warning\n${line}\n`), report(128, 1000));
  assert.throws(() => parseTorchReport(""), /printed no JSON report/);
  assert.throws(() => parseTorchReport('{"torch": "2.11.0"}'), /not in the expected form/);
  const bad = { ...report(128, 1000), results: [{ batch: 128, imagesPerSecond: 0 }] };
  assert.throws(() => parseTorchReport(JSON.stringify(bad)), /not in the expected form/);
});

Deno.test("peer: PyTorch's figure is the rounds' median, the ratio in both details", () => {
  const ours: BenchFigure = {
    suite: "peer",
    name: "train cnn batch 128",
    kind: "train",
    ms: 500,
    value: 256,
    unit: "images/s",
    detail: { model: "cnn", batch: 128, parameters: 421834, repeat: 1 },
    date: "2026-11-23T00:00:00Z",
  };
  const [mine, torch] = peerFigures(ours, [report(128, 900), report(128, 1280), report(128, 1100)]);
  assert.equal(mine.value, 256);
  assert.deepEqual(mine.detail, { ...ours.detail, engine: "webgpu", oursOverPytorch: 0.233 });
  assert.equal(torch.name, "pytorch train cnn batch 128");
  assert.equal(torch.suite, "peer");
  assert.equal(torch.unit, "images/s");
  assert.equal(torch.value, 1100);
  assert.ok(Math.abs(torch.ms - (128 / 1100) * 1000) < 1e-9);
  assert.deepEqual(torch.detail, {
    engine: "pytorch",
    model: "cnn",
    batch: 128,
    torch: "1.13.0a0",
    device: "cpu",
    deviceName: "AMD EPYC",
    threads: 2,
    steps: [10, 10, 10],
    rounds: 3,
    oursOverPytorch: 0.233,
  });
  // No round at this batch size: ours alone, unchanged.
  assert.deepEqual(peerFigures(ours, [report(32, 900)]), [ours]);
  assert.deepEqual(peerFigures(ours, []), [ours]);
});

Deno.test("peer: the first candidate that imports torch; none is null, not an error", async () => {
  const dir = await Deno.makeTempDir();
  const fake = `${dir}/python`;
  await Deno.writeTextFile(fake, `#!/bin/sh\necho '{"torch": "2.11.0+cu130", "cuda": true}'\n`);
  await Deno.chmod(fake, 0o755);
  const failing = `${dir}/no-torch`;
  await Deno.writeTextFile(failing, "#!/bin/sh\nexit 1\n");
  await Deno.chmod(failing, 0o755);
  assert.equal(await findTorchPython([`${dir}/missing`, failing]), null);
  assert.deepEqual(await findTorchPython([`${dir}/missing`, failing, fake]), {
    python: fake,
    torch: "2.11.0+cu130",
    cuda: true,
  });
  await Deno.remove(dir, { recursive: true });
});
