// The autotuner (src/gpu/tune.ts): a choice is measured, cached, reloaded by a new tuner; forcing
// wins; tuning off keeps the profile's defaults; a bad cache file (untrusted input) is ignored
// and rewritten; a zoo network's step gives the same values under the strategies the tuner can
// pick as under the defaults.
import assert from "node:assert/strict";
import { join } from "node:path";
import { assertClose, gpuTest, testGpu } from "../helpers.ts";
import {
  adapterHash,
  autotune,
  fileStore,
  forcedFromEnv,
  parseCache,
  setTuner,
  TUNE_VERSION,
  Tuner,
  tunerFor,
  type TuneStore,
} from "../../src/gpu/tune.ts";
import type { Gpu } from "../../src/gpu/gpu.ts";
import { backward, endStep, Tensor } from "../../src/autograd/tensor.ts";
import { matmulInto } from "../../src/ops/matmul/matmul.ts";
import { conv2d } from "../../src/ops/conv2d/conv2d.ts";
import { softmaxCrossEntropy } from "../../src/ops/loss/loss.ts";
import { Sequential } from "../../src/nn/model.ts";
import { architecture } from "../../src/nn/zoo.ts";
import { UserError } from "../../src/util/errors.ts";
import { Rng } from "../../src/util/random.ts";

/** A store in memory that counts its writes. */
function memoryStore(
  text: string | null = null,
): TuneStore & { text: string | null; writes: number } {
  const s = {
    where: "memory",
    text,
    writes: 0,
    read: () => Promise.resolve(s.text),
    write: (t: string) => {
      s.text = t;
      s.writes++;
      return Promise.resolve();
    },
  };
  return s;
}

/** Runs `fn` with `t` as the shared GPU's tuner, then puts the previous one back. */
async function withTuner(g: Gpu, t: Tuner, fn: () => Promise<void>) {
  const saved = tunerFor(g);
  setTuner(g, t);
  try {
    await fn();
  } finally {
    setTuner(g, saved);
  }
}

const quiet = { log: () => {}, force: {}, enabled: true };

gpuTest(
  "the tuner measures a shape class, caches the choice, and a new tuner reloads it",
  async () => {
    const g = await testGpu();
    const store = memoryStore();
    const t = new Tuner(g.adapter, { ...quiet, store, reps: 1, batchMs: 1 });
    await withTuner(g, t, async () => {
      // Before start: the profile's default, nothing queued.
      const product = () => {
        const [m, n, k] = [19, 12, 36];
        matmulInto(Tensor.empty([m * k]), Tensor.empty([k * n]), Tensor.empty([m, n]), { m, n, k });
        endStep();
      };
      product();
      assert.deepEqual(t.pendingKeys(), []);
      const results = await autotune(g, product);
      assert.equal(results.length, 1);
      const [r] = results;
      assert.equal(r.key, "matmul:nn:32x16x64");
      assert.equal(r.fallback, g.profile.matmul);
      assert.ok(g.profile.matmulCandidates.includes(r.chosen as never));
      // The default was timed: GPU milliseconds less the wait's fixed cost, which can reach 0 for
      // so small a product when the wait ran faster than the fixed cost measured before it (Deno's
      // ~12 ms wait varies). Then nothing can be called faster and the default stays.
      assert.ok(Number.isFinite(r.ms[r.fallback]) && r.ms[r.fallback] >= 0);
      if (r.ms[r.fallback] === 0) assert.equal(r.chosen, r.fallback);
      assert.equal(t.choice(r.key), r.chosen);
      assert.equal(store.writes, 1);
      const saved = JSON.parse(store.text!);
      assert.equal(saved.version, TUNE_VERSION);
      assert.equal(saved.adapter, adapterHash(g.adapter));
      assert.deepEqual(saved.choices, { [r.key]: r.chosen });

      // A second tuner on the same store starts with the choice and measures nothing.
      const again = new Tuner(g.adapter, { ...quiet, store });
      await withTuner(g, again, async () => {
        assert.deepEqual(await autotune(g, product), []);
        assert.equal(again.choice(r.key), r.chosen);
      });
    });
  },
);

gpuTest("a forced strategy wins wherever it applies; tuning off keeps the defaults", async () => {
  const g = await testGpu();
  const forced = new Tuner(g.adapter, {
    ...quiet,
    store: null,
    force: { conv2d: "implicit_gemm", matmul: "register" },
  });
  await withTuner(g, forced, async () => {
    // Not started: forcing applies anyway (tests and comparisons need no tuning run).
    const c = forced.choose("matmul", "matmul:nn:1x1x1", ["texture", "register"], "texture", () => {
      throw new Error("not measured");
    });
    assert.equal(c, "register");
    // A geometry no other test uses, so that this pipeline is this call's.
    const x = Tensor.from(new Float32Array(2 * 13 * 11 * 4).fill(1), [2, 13, 11, 4]);
    const w = Tensor.from(new Float32Array(3 * 3 * 4 * 4).fill(0.5), [3, 3, 4, 4]);
    const y = conv2d(x, w, null, { pad: 1 });
    assert.ok(
      g.pipelineKeys().some((k) =>
        k.startsWith("ops/conv2d/implicit_gemm:forward:") && k.includes(`"H":13,`)
      ),
      "the forced implicit GEMM ran",
    );
    // Centre pixels see 9 taps × 4 channels × 1 × 0.5.
    assert.equal((await y.read())[(1 * 11 + 1) * 4], 18);
    endStep();
  });
  const off = new Tuner(g.adapter, { ...quiet, enabled: false, store: memoryStore() });
  await off.start();
  assert.equal(off.active, false);
  assert.equal(
    off.choose("matmul", "matmul:nn:1x1x1", ["texture", "register"], "texture", () => {
      throw new Error("not measured");
    }),
    "texture",
  );
  assert.deepEqual(off.pendingKeys(), []);
});

Deno.test("forcing through the environment names the variable and the strategies", () => {
  const env = (v: Record<string, string>) => (name: string) => v[name];
  assert.deepEqual(forcedFromEnv(env({ FASHION_MNIST_MATMUL: "tiled8" })), { matmul: "tiled8" });
  assert.throws(
    () => forcedFromEnv(env({ FASHION_MNIST_CONV2D: "fft" })),
    (e) =>
      e instanceof UserError &&
      /^FASHION_MNIST_CONV2D=fft: not one of im2col|winograd/.test(e.message) &&
      !e.message.includes("\n"),
  );
});

Deno.test("the cache file is untrusted: anything malformed is refused whole", () => {
  const hash = "0123abcd";
  const table = (choices: unknown, extra: Record<string, unknown> = {}) =>
    JSON.stringify({ version: TUNE_VERSION, adapter: hash, choices, ...extra });
  const good = parseCache(table({ "matmul:nn:32x16x64": "tiled8" }), hash);
  assert.ok(good instanceof Map);
  assert.equal(good.get("matmul:nn:32x16x64"), "tiled8");
  const bad: [string, RegExp][] = [
    ["{", /not JSON/],
    ["[]", /not a JSON object/],
    ["null", /not a JSON object/],
    [table({}, { version: 999 }), /version/],
    [table({}, { adapter: "ffffffff" }), /another adapter/],
    [table([]), /no choices/],
    [table({ "matmul:nn:1x1x1": "fast" }), /unknown strategy/],
    [table({ "matmul:nn:1x1x1": "direct" }), /unknown strategy/], // conv2d's, not matmul's
    [table({ "matmul:nn:1x1x1": 3 }), /unknown strategy/],
    [table({ "__proto__:x": "tiled" }), /key/],
    [table({ "matmul:a/../b": "tiled" }), /key/],
    [table({ ["matmul:" + "x".repeat(300)]: "tiled" }), /key/],
    [
      table(Object.fromEntries(Array.from({ length: 10001 }, (_, i) => [`matmul:${i}`, "tiled"]))),
      /more than/,
    ],
  ];
  for (const [text, why] of bad) {
    const r = parseCache(text, hash);
    assert.equal(typeof r, "string", text.slice(0, 60));
    assert.match(r as string, why);
  }
});

gpuTest("a bad or oversized cache file is ignored with one line and then rewritten", async () => {
  const g = await testGpu();
  const dir = await Deno.makeTempDir({ prefix: "tune-test-" });
  try {
    const path = join(dir, "tune.json");
    for (
      const content of [
        "{not json",
        '{"version":1,"adapter":"x","choices":{}}',
        " ".repeat(2 << 20),
      ]
    ) {
      await Deno.writeTextFile(path, content);
      const lines: string[] = [];
      const t = new Tuner(g.adapter, {
        ...quiet,
        store: fileStore(path),
        log: (l) => lines.push(l),
        reps: 1,
      });
      await t.start();
      assert.ok(t.active);
      // The oversized file reads as absent (no line); the others are named with their reason.
      if (content.length < 1000) {
        assert.equal(lines.length, 1);
        assert.match(lines[0], new RegExp(`^tune: ignoring ${path}: `));
      }
      t.choose(
        "conv2d",
        "conv2d:g0:2x5x5x4:3x3x4x4:s1p1",
        ["im2col", "implicit_gemm"],
        "im2col",
        () => ({
          run: () => {},
        }),
      );
      await t.tune(g);
      const saved = JSON.parse(await Deno.readTextFile(path));
      assert.deepEqual(Object.keys(saved.choices), ["conv2d:g0:2x5x5x4:3x3x4x4:s1p1"]);
      // Written atomically: no temporary file left beside it.
      const names = [];
      for await (const e of Deno.readDir(dir)) names.push(e.name);
      assert.deepEqual(names, ["tune.json"]);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

/** Logits and every gradient of one cnn training step (batch 3), under `t`. */
async function cnnStep(g: Gpu, t: Tuner) {
  let out: Float32Array[] = [];
  await withTuner(g, t, async () => {
    const model = new Sequential(architecture("cnn"), 3);
    const rng = new Rng(4);
    const images = Float32Array.from({ length: 3 * 784 }, () => rng.next());
    const logits = model.forward(Tensor.from(images, [3, 28, 28, 1]), { training: true, seed: 1 });
    const loss = softmaxCrossEntropy(logits, Tensor.from(new Uint32Array([1, 5, 9]), [3]));
    backward(loss);
    out = [
      await logits.read(),
      ...await Promise.all(model.params().map((p) => p.value.grad!.read())),
    ];
    endStep();
    model.dispose();
  });
  return out;
}

gpuTest(
  "cnn's step gives the same logits and gradients with the GPU path's strategies forced",
  async () => {
    const g = await testGpu();
    const base = await cnnStep(g, new Tuner(g.adapter, { ...quiet, store: null }));
    for (
      const force of [{ conv2d: "implicit_gemm", matmul: "tiled" }, { matmul: "tiled8" }] as const
    ) {
      const got = await cnnStep(g, new Tuner(g.adapter, { ...quiet, store: null, force }));
      got.forEach((v, i) => assertClose(v, base[i], 1e-4, `${JSON.stringify(force)} tensor ${i}`));
    }
  },
);
