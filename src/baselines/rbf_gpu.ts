// RBF-kernel SVM decision values on the GPU, composed from our kernels: one matmul gives the
// squared distances, `gaussian` turns them into kernel values, a second matmul (with bias) gives
// every decision function at once.
import { endStep, engine, Tensor } from "../autograd/tensor.ts";
import { matmulInto } from "../ops/matmul/matmul.ts";
import { gaussian } from "../ops/elementwise/elementwise.ts";
import { PIXELS } from "./common.ts";

/** Augmented width: ‖x − s‖² = [x, ‖x‖², 1] · [−2s, 1, ‖s‖²]. */
const WIDTH = PIXELS + 2;
/** Kernel-matrix bytes per chunk of images, under WebGPU's default 128 MiB binding limit. */
const CHUNK_BYTES = 64 << 20;

/** True when a GPU is in use (`useGpu`): prediction then runs there, else in TypeScript. */
export function gpuAvailable(): boolean {
  return engine.gpu !== null;
}

/**
 * Decision values f[i, j] = Σ_s exp(−γ‖x_i − s‖²)·W[s, j] + bias[j] for `n` images `x` (784
 * pixels each) against support vectors `sv` (S × 784), W being S × m. Returns n × m values.
 */
export async function rbfDecisionValues(
  x: Float32Array,
  n: number,
  sv: Float32Array,
  gamma: number,
  weights: Float32Array,
  bias: Float32Array,
): Promise<Float32Array> {
  const s = sv.length / PIXELS;
  const m = bias.length;
  if (weights.length !== s * m) throw new Error(`rbf: weights ${weights.length} ≠ ${s}×${m}`);
  const svAug = new Float32Array(s * WIDTH);
  for (let k = 0; k < s; k++) {
    let sq = 0;
    for (let j = 0; j < PIXELS; j++) {
      const v = sv[k * PIXELS + j];
      svAug[k * WIDTH + j] = -2 * v;
      sq += v * v;
    }
    svAug[k * WIDTH + PIXELS] = 1;
    svAug[k * WIDTH + PIXELS + 1] = sq;
  }
  const persistent = { persistent: true };
  const svT = Tensor.from(svAug, [s, WIDTH], persistent);
  const wT = Tensor.from(new Float32Array(weights), [s, m], persistent);
  const bT = Tensor.from(new Float32Array(bias), [m], persistent);
  const rows = Math.max(1, Math.min(n, Math.floor(CHUNK_BYTES / (4 * s))));
  const out = new Float32Array(n * m);
  try {
    for (let i0 = 0; i0 < n; i0 += rows) {
      const r = Math.min(rows, n - i0);
      const xAug = new Float32Array(r * WIDTH);
      for (let i = 0; i < r; i++) {
        let sq = 0;
        for (let j = 0; j < PIXELS; j++) {
          const v = x[(i0 + i) * PIXELS + j];
          xAug[i * WIDTH + j] = v;
          sq += v * v;
        }
        xAug[i * WIDTH + PIXELS] = sq;
        xAug[i * WIDTH + PIXELS + 1] = 1;
      }
      const xT = Tensor.from(xAug, [r, WIDTH]);
      const dist = Tensor.empty([r, s]);
      matmulInto(xT, svT, dist, { m: r, n: s, k: WIDTH, transB: true });
      const kernel = gaussian(dist, gamma);
      const f = Tensor.empty([r, m]);
      matmulInto(kernel, wT, f, { m: r, n: m, k: s, bias: bT });
      out.set(await f.read(), i0 * m);
      endStep();
    }
  } finally {
    for (const t of [svT, wT, bT]) t.buffer.destroy();
  }
  return out;
}
