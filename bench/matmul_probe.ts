// Tuning probe for the storage-buffer matmul kernels of src/ops/matmul: the register kernel
// (`forward`, generated for any TM×TN tile by src/ops/matmul/generate.ts) or the workgroup-tiled
// one (`forward_tiled`, matmul.wgsl). Checks correctness against a CPU matmul on odd sizes (all
// TRANS_A/TRANS_B combinations, batch > 1, bias and accumulate flags) and prints a GFLOP/s table
// for the shapes the CNN uses. It dispatches by hand (one pipeline per transpose pair, no Gpu) so
// that only the kernel is timed.
//
//   deno run -A bench/matmul_probe.ts [--entry=forward|forward_tiled] [--tile=8x8] [--wg=8]
//                                     [--reps=5] [--target-ms=400] [--shapes=name,name] [--no-check]
//
// --tile (TM×TN, TN a multiple of 4) and --wg apply to `forward`; the default tile is the one
// matmul runs (src/ops/matmul/tiles.ts). Backend: DENO_WEBGPU_BACKEND=gl or =vulkan (the software
// adapter has subgroupMaxSize 128 on GL, 8 on Vulkan). Each timing submits as many dispatches as
// fit in ~target-ms (at least 1) followed by one onSubmittedWorkDone, and reports the median over
// --reps repetitions.
import { type Kernel, PARAMS } from "../src/gpu/kernel.ts";
import { matmulRegisterKernel, matmulTiledKernel } from "../src/ops/matmul/matmul.ts";
import { MATMUL_TILES } from "../src/ops/matmul/tiles.ts";

interface Shape {
  name: string;
  M: number;
  N: number;
  K: number;
  transA: boolean;
  transB: boolean;
  batch?: number;
}

const SHAPES: Shape[] = [
  { name: "square 1024^3", M: 1024, N: 1024, K: 1024, transA: false, transB: false },
  { name: "conv fwd", M: 25088, N: 64, K: 288, transA: false, transB: false },
  { name: "conv dX (TB)", M: 25088, N: 288, K: 64, transA: false, transB: true },
  { name: "conv dW (TA)", M: 288, N: 64, K: 25088, transA: true, transB: false },
  { name: "conv1 fwd", M: 100352, N: 32, K: 9, transA: false, transB: false },
  { name: "dense fwd", M: 128, N: 128, K: 3136, transA: false, transB: false },
  { name: "dense dX (TB)", M: 128, N: 3136, K: 128, transA: false, transB: true },
  { name: "dense dW (TA)", M: 3136, N: 128, K: 128, transA: true, transB: false },
];

const args = new Map<string, string>();
for (const a of Deno.args) {
  const m = /^--([^=]+)(?:=(.*))?$/.exec(a);
  if (!m) throw new Error(`bad argument ${a}`);
  args.set(m[1], m[2] ?? "true");
}
const entry = args.get("entry") ?? "forward";
if (entry !== "forward" && entry !== "forward_tiled") throw new Error(`bad --entry ${entry}`);
const reps = Number(args.get("reps") ?? 5);
const targetMs = Number(args.get("target-ms") ?? 400);
const shapeFilter = args.get("shapes")?.split(",");
const [TM, TN] = (args.get("tile") ?? MATMUL_TILES.register.join("x")).split("x").map(Number);
const WG = Number(args.get("wg") ?? 8);
const kernel: Kernel = entry === "forward" ? matmulRegisterKernel(TM, TN) : matmulTiledKernel;
const source = kernel.code();
const what = entry === "forward" ? `forward TM=${TM} TN=${TN} WG=${WG}` : "forward_tiled (64×64)";

const adapter = await navigator.gpu.requestAdapter();
if (!adapter) throw new Error("no WebGPU adapter");
const device = await adapter.requestDevice({
  requiredLimits: {
    maxStorageBufferBindingSize: adapter.limits.maxStorageBufferBindingSize,
    maxBufferSize: adapter.limits.maxBufferSize,
  },
});
const backend = adapter.info.subgroupMaxSize === 8 ? "vulkan" : "gl";
console.log(
  `adapter: ${adapter.info.description} (subgroupMaxSize ${adapter.info.subgroupMaxSize}` +
    ` => ${backend}); ${kernel.label}.${what}`,
);

device.pushErrorScope("validation");
const module = device.createShaderModule({ code: source });
const info = await module.getCompilationInfo();
for (const m of info.messages) console.log(`${m.type}: ${m.lineNum}:${m.linePos} ${m.message}`);

const pipelines = new Map<string, GPUComputePipeline>();
function pipeline(transA: boolean, transB: boolean): GPUComputePipeline {
  const key = `${transA}${transB}`;
  let pl = pipelines.get(key);
  if (!pl) {
    pl = device.createComputePipeline({
      layout: "auto",
      compute: {
        module,
        entryPoint: entry,
        constants: {
          TRANS_A: transA ? 1 : 0,
          TRANS_B: transB ? 1 : 0,
          ...(entry === "forward" ? { WG } : {}),
        },
      },
    });
    pipelines.set(key, pl);
  }
  return pl;
}

/** Dispatch geometry (src/ops/matmul/generate.ts, matmul.wgsl). */
function geometry(M: number, N: number, batch: number): [number, number, number] {
  if (entry === "forward_tiled") return [Math.ceil(N / 64), Math.ceil(M / 64), batch];
  const tiles = Math.ceil(M / TM) * Math.ceil(N / TN);
  const groups = Math.ceil(tiles / WG);
  const x = Math.min(groups, 65535);
  return [x, Math.ceil(groups / x), batch];
}

function storage(data: Float32Array<ArrayBuffer>, extraUsage = 0): GPUBuffer {
  const buf = device.createBuffer({
    size: Math.max(16, data.byteLength),
    usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST | extraUsage,
  });
  device.queue.writeBuffer(buf, 0, data);
  return buf;
}

interface Problem {
  M: number;
  N: number;
  K: number;
  batch: number;
  transA: boolean;
  transB: boolean;
  flags: number;
  strides: [number, number, number];
  a: Float32Array<ArrayBuffer>;
  b: Float32Array<ArrayBuffer>;
  bias: Float32Array<ArrayBuffer>;
  c: Float32Array<ArrayBuffer>;
}

function encode(pr: Problem, bufs: GPUBuffer[], count: number): GPUCommandBuffer {
  const params = new Uint32Array([pr.M, pr.N, pr.K, pr.batch, ...pr.strides, pr.flags]);
  const ubuf = device.createBuffer({
    size: 32,
    usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST,
  });
  device.queue.writeBuffer(ubuf, 0, params);
  const pl = pipeline(pr.transA, pr.transB);
  // bufs are a, b, bias, c; the kernel's spec numbers them (its parameters are binding 0).
  const [a, b, bias, c] = bufs;
  const named: Record<string, GPUBuffer> = { [PARAMS]: ubuf, a, b, bias, c };
  const bind = device.createBindGroup({
    layout: pl.getBindGroupLayout(0),
    entries: [[PARAMS, 0] as const, ...kernel.used[entry]].map(([name, binding]) => ({
      binding,
      resource: { buffer: named[name] },
    })),
  });
  const enc = device.createCommandEncoder();
  for (let i = 0; i < count; i++) {
    const pass = enc.beginComputePass();
    pass.setPipeline(pl);
    pass.setBindGroup(0, bind);
    pass.dispatchWorkgroups(...geometry(pr.M, pr.N, pr.batch));
    pass.end();
  }
  return enc.finish();
}

function rand(n: number, seed: number): Float32Array<ArrayBuffer> {
  const out = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s / 2 ** 31 - 1;
  }
  return out;
}

function cpuMatmul(pr: Problem): Float32Array {
  const { M, N, K, batch, transA, transB, flags, strides } = pr;
  const out = pr.c.slice();
  for (let bi = 0; bi < batch; bi++) {
    const ao = bi * strides[0], bo = bi * strides[1], co = bi * strides[2];
    for (let i = 0; i < M; i++) {
      for (let j = 0; j < N; j++) {
        let s = 0;
        for (let k = 0; k < K; k++) {
          const av = pr.a[ao + (transA ? k * M + i : i * K + k)];
          const bv = pr.b[bo + (transB ? j * K + k : k * N + j)];
          s += av * bv;
        }
        if (flags & 1) s += pr.bias[j];
        if (flags & 2) s += pr.c[co + i * N + j];
        out[co + i * N + j] = s;
      }
    }
  }
  return out;
}

async function check(): Promise<boolean> {
  const sizes: [number, number, number, number][] = [
    [37, 13, 29, 3],
    [1, 1, 1, 1],
    [70, 50, 33, 2],
    [8, 64, 5, 1],
  ];
  let ok = true;
  let seed = 1;
  for (const [M, N, K, batch] of sizes) {
    for (const transA of [false, true]) {
      for (const transB of [false, true]) {
        for (const flags of [0, 1, 2, 3]) {
          const strides: [number, number, number] = [M * K + 3, K * N + 5, M * N + 7];
          const pr: Problem = {
            M,
            N,
            K,
            batch,
            transA,
            transB,
            flags,
            strides,
            a: rand(strides[0] * batch, seed++),
            b: rand(strides[1] * batch, seed++),
            bias: rand(N, seed++),
            c: rand(strides[2] * batch, seed++),
          };
          const cbuf = storage(pr.c, GPUBufferUsage.COPY_SRC);
          const read = device.createBuffer({
            size: cbuf.size,
            usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST,
          });
          const cmd = encode(pr, [storage(pr.a), storage(pr.b), storage(pr.bias), cbuf], 1);
          const enc = device.createCommandEncoder();
          enc.copyBufferToBuffer(cbuf, 0, read, 0, cbuf.size);
          device.queue.submit([cmd, enc.finish()]);
          await read.mapAsync(GPUMapMode.READ);
          const got = new Float32Array(read.getMappedRange().slice(0));
          read.unmap();
          const want = cpuMatmul(pr);
          let worst = 0;
          for (let i = 0; i < want.length; i++) {
            worst = Math.max(worst, Math.abs(got[i] - want[i]) / (1 + Math.abs(want[i])));
          }
          if (!(worst < 1e-4)) {
            ok = false;
            console.log(
              `MISMATCH M=${M} N=${N} K=${K} batch=${batch} TA=${transA} TB=${transB}` +
                ` flags=${flags}: max rel err ${worst}`,
            );
          }
        }
      }
    }
  }
  console.log(ok ? "correctness: all checks passed" : "correctness: FAILED");
  return ok;
}

async function bench(shape: Shape): Promise<number> {
  const { M, N, K, transA, transB } = shape;
  const batch = shape.batch ?? 1;
  const pr: Problem = {
    M,
    N,
    K,
    batch,
    transA,
    transB,
    flags: 1,
    strides: [M * K, K * N, M * N],
    a: rand(M * K * batch, 11),
    b: rand(K * N * batch, 12),
    bias: rand(N, 13),
    c: new Float32Array(M * N * batch),
  };
  const bufs = [storage(pr.a), storage(pr.b), storage(pr.bias), storage(pr.c)];
  const run = async (count: number) => {
    const cmd = encode(pr, bufs, count);
    const t0 = performance.now();
    device.queue.submit([cmd]);
    await device.queue.onSubmittedWorkDone();
    return performance.now() - t0;
  };
  const first = await run(1); // includes pipeline compilation
  const per = Math.min(first, await run(1));
  const count = Math.max(1, Math.min(50, Math.round(targetMs / per)));
  const rates: number[] = [];
  for (let r = 0; r < reps; r++) {
    const ms = await run(count);
    rates.push((2 * M * N * K * batch * count) / (ms * 1e6));
  }
  rates.sort((x, y) => x - y);
  return rates[Math.floor(rates.length / 2)];
}

if (args.get("no-check") !== "true" && !(await check())) Deno.exit(1);
const rows: string[][] = [["shape", "M", "N", "K", "GFLOP/s (median)"]];
for (const shape of SHAPES) {
  if (shapeFilter && !shapeFilter.some((f) => shape.name.includes(f))) continue;
  const g = await bench(shape);
  rows.push([shape.name, `${shape.M}`, `${shape.N}`, `${shape.K}`, g.toFixed(2)]);
  console.log(rows[rows.length - 1].join("  "));
}
const err = await device.popErrorScope();
if (err) console.log(`validation error: ${err.message}`);
const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
console.log(`\n${backend}, ${kernel.label}.${what}`);
for (const r of rows) console.log(r.map((c, i) => c.padEnd(widths[i])).join(" | "));
