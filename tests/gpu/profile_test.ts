// Every adapter profile (src/gpu/profile.ts) runs on llvmpipe here, so the strategies a real GPU
// takes (storage loads, workgroup-tiled matmul, 64-wide reductions) are checked where CI runs:
// each zoo network's training step gives the same logits, loss and gradients under every profile.
import assert from "node:assert/strict";
import { assertClose, gpuTest, testGpu, withProfile } from "../helpers.ts";
import { profileFor, PROFILES } from "../../src/gpu/profile.ts";
import { Sequential } from "../../src/nn/model.ts";
import { architecture } from "../../src/nn/zoo.ts";
import { backward, endStep, Tensor } from "../../src/autograd/tensor.ts";
import { softmaxCrossEntropy } from "../../src/ops/loss/loss.ts";
import { Rng } from "../../src/util/random.ts";

const BATCH = 5;

/** Logits, loss and every parameter's gradient of one training step of `name`, seeded. */
async function step(name: string) {
  const model = new Sequential(architecture(name), 3);
  const rng = new Rng(4);
  const images = Float32Array.from({ length: BATCH * 784 }, () => rng.next());
  const labels = Uint32Array.from({ length: BATCH }, (_, i) => (i * 3) % 10);
  const logits = model.forward(Tensor.from(images, [BATCH, 28, 28, 1]), {
    training: true,
    seed: 1,
  });
  const loss = softmaxCrossEntropy(logits, Tensor.from(labels, [BATCH]));
  backward(loss);
  const out = {
    logits: await logits.read(),
    loss: (await loss.read())[0],
    grads: await Promise.all(model.params().map((p) => p.value.grad!.read())),
  };
  endStep();
  model.dispose();
  return out;
}

Deno.test("an adapter's profile: the software adapter by its backend, anything else a GPU", () => {
  const llvmpipe = "llvmpipe (LLVM 15.0.6, 256 bits)";
  assert.equal(profileFor({ description: llvmpipe, backend: "vulkan" }).name, "software-vulkan");
  assert.equal(profileFor({ description: llvmpipe, backend: "gl" }).name, "software-gl");
  assert.equal(profileFor({ description: "NVIDIA H200", backend: "unknown" }).name, "gpu");
  // Chromium's SwiftShader, as the page reports it: no description, "google swiftshader".
  const swiftshader = { description: "google swiftshader", backend: "unknown" };
  assert.equal(profileFor(swiftshader).name, "software-swiftshader");
  assert.equal(profileFor(swiftshader).matmul, "register");
});

for (const name of ["cnn", "resnet", "mobilenet", "mlp"]) {
  gpuTest(`${name}: every profile's strategies give the same training step`, async () => {
    const g = await testGpu();
    const reference = await withProfileResult(g, "software-vulkan", name);
    for (const profile of ["software-gl", "gpu"] as const) {
      const got = await withProfileResult(g, profile, name);
      const what = `${name} under ${profile}`;
      assertClose(got.logits, reference.logits, 1e-4, `${what}: logits`);
      assert.ok(Math.abs(got.loss - reference.loss) < 1e-5, `${what}: loss`);
      got.grads.forEach((grad, i) =>
        assertClose(grad, reference.grads[i], 1e-3, `${what}: grad ${i}`)
      );
    }
  });
}

async function withProfileResult(
  g: Awaited<ReturnType<typeof testGpu>>,
  profile: keyof typeof PROFILES,
  name: string,
) {
  let result: Awaited<ReturnType<typeof step>> | null = null;
  await withProfile(g, PROFILES[profile], async () => {
    result = await step(name);
  });
  return result!;
}
