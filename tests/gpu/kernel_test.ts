import assert from "node:assert/strict";
import { defineKernel, f32bits, packParams } from "../../src/gpu/kernel.ts";
import { gpuTest, testGpu } from "../helpers.ts";
import { Tensor } from "../../src/autograd/tensor.ts";

const spec = {
  source: () =>
    `@compute @workgroup_size(4) fn scale(@builtin(global_invocation_id) id: vec3u) {
      if (id.x < p.n) { y[id.x] = x[id.x] * p.factor; }
    }
    @compute @workgroup_size(1) fn fill(@builtin(global_invocation_id) id: vec3u) { y[0] = 7.0; }`,
  label: "test/scale",
  params: { n: "u32", factor: "f32" },
  bindings: { x: "read array<f32>", y: "read_write array<f32>", t: "texture" },
  entries: { scale: ["p", "x", "y"], fill: ["y"] },
} as const;

Deno.test("a kernel's header is generated from its spec: params first, then bindings in order", () => {
  const k = defineKernel(spec);
  assert.equal(
    k.header,
    [
      "struct Params { n: u32, factor: f32 }",
      "@group(0) @binding(0) var<uniform> p: Params;",
      "@group(0) @binding(1) var<storage, read> x: array<f32>;",
      "@group(0) @binding(2) var<storage, read_write> y: array<f32>;",
      "@group(0) @binding(3) var t: texture_2d<f32>;",
      "",
    ].join("\n"),
  );
  assert.deepEqual(k.used.scale, [["x", 1], ["y", 2]]);
  // A declared workgroup size becomes the WG override's default, before the parameters.
  assert.match(
    defineKernel({ ...spec, workgroupSize: 64 }).header,
    /^override WG: u32 = 64;\nstruct Params/,
  );
  assert.equal(k.readsParams.fill, false);
  assert.deepEqual(packParams(k, { n: 3, factor: 0.5 }, []), [3, f32bits(0.5)]);
  assert.throws(() => packParams(k, { n: 3 } as never, []), /parameter factor not given/);
  assert.throws(
    () => defineKernel({ ...spec, entries: { scale: ["p", "x", "z" as "y"] } }),
    /test\/scale\.scale: no binding named z/,
  );
});

gpuTest(
  "a dispatch takes its bindings and parameters by name, and names a missing one",
  async () => {
    const g = await testGpu();
    const k = defineKernel(spec);
    const x = Tensor.from(new Float32Array([1, 2, 3, 4, 5]), [5]);
    const y = Tensor.empty([5]);
    g.run(k, "scale", { params: { n: 5, factor: 0.5 }, bindings: { x: x.buffer, y: y.buffer } }, [
      2,
    ]);
    assert.deepEqual([...await y.read()], [0.5, 1, 1.5, 2, 2.5]);
    // `x` is not used by `fill`: given anyway, it is left out of its bind group.
    g.run(k, "fill", { bindings: { x: x.buffer, y: y.buffer } }, [1]);
    assert.equal((await y.read())[0], 7);
    assert.throws(
      () => g.run(k, "scale", { params: { n: 5, factor: 1 }, bindings: { x: x.buffer } }, [2]),
      /test\/scale\.scale: binding y not given/,
    );
  },
);
