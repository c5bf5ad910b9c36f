import { dispatchPeak } from "../../src/gpu/peak.ts";
import { assertClose, gpuTest, testGpu } from "../helpers.ts";

gpuTest(
  "peak kernel: its FMA chains give the float32 CPU result (67 invocations, 9 rounds)",
  async () => {
    const g = await testGpu();
    const n = 67, iterations = 9;
    const out = g.alloc(n * 16);
    const flops = dispatchPeak(g, out, n, iterations);
    const got = new Float32Array(await g.read(out, n * 16));
    g.release(out);
    const f = Math.fround;
    const want = new Float32Array(n * 4);
    for (let i = 0; i < n; i++) {
      const seed = f(i * f(1e-7));
      for (let lane = 0; lane < 4; lane++) {
        const a0 = f(seed + f(0.1 * lane));
        let sum = 0;
        for (const offset of [0, 0.4, 0.5, 0.6]) {
          let v = f(a0 + f(offset));
          for (let k = 0; k < iterations; k++) v = f(v * f(0.999) + f(1e-3));
          sum = f(sum + v);
        }
        want[i * 4 + lane] = sum;
      }
    }
    assertClose(got, want, 1e-5, "fma chains");
    if (flops !== n * iterations * 32) throw new Error(`flops ${flops}`);
  },
);
