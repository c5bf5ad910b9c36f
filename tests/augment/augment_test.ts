import assert from "node:assert/strict";
import { assertClose, gpuTest, testGpu } from "../helpers.ts";
import { Tensor } from "../../src/autograd/tensor.ts";
import { augment, augmenter, augmentSeed, flipHorizontal } from "../../src/augment/augment.ts";
import { parseAugment } from "../../src/augment/options.ts";
import { augmentReference, imageParams, roundHalfEven } from "../../src/augment/reference.ts";
import { Rng } from "../../src/util/random.ts";

// Odd sizes, two channels: B=3 images of 9 × 11 × 2 (centre at x = 5, y = 4, a whole pixel).
const SHAPE = [3, 9, 11, 2];
const [, H, W, C] = SHAPE;

/** Pixels in [0.05, 1): never exactly 0, so an erased (0) element is always recognisable. */
function images(shape: readonly number[], seed: number): Float32Array<ArrayBuffer> {
  const rng = new Rng(seed);
  const n = shape.reduce((a, b) => a * b, 1);
  return Float32Array.from({ length: n }, () => 0.05 + 0.95 * rng.next());
}

async function run(data: Float32Array<ArrayBuffer>, shape: number[], spec: string, seed: number) {
  return await augment(Tensor.from(data, shape), parseAugment(spec), seed).read();
}

const at = (d: ArrayLike<number>, b: number, y: number, x: number, c: number, h = H, w = W) =>
  d[((b * h + y) * w + x) * C + c];

gpuTest("identity options return the input tensor itself, no dispatch", async () => {
  const gpu = await testGpu();
  const x = Tensor.from(images(SHAPE, 1), SHAPE);
  const before = gpu.counts.dispatches;
  for (const spec of ["", "none", "flip=0,rotate=0,zoom=0,shift=0,erase=0"]) {
    assert.equal(augment(x, parseAugment(spec), 5), x, spec);
  }
  assert.equal(gpu.counts.dispatches, before);
  assert.throws(() => augment(Tensor.from(new Float32Array(6), [6]), parseAugment("flip"), 1), {
    message: /augment: expected f32 images \[B, H, W, C\], got f32 \[6\]/,
  });
});

gpuTest("kernel matches the CPU reference for each transform alone and combined", async () => {
  const data = images(SHAPE, 2);
  // Exact where no resampling happens (flip, whole-pixel shift, erasing); float noise otherwise
  // (the GPU's cos/sin are not Math's).
  const cases: [string, number][] = [
    ["flip", 0],
    ["flip=1", 0],
    ["rotate=30", 1e-5],
    ["zoom=0.3", 1e-5],
    ["zoom=1.1:1.4", 1e-5],
    ["shift=3", 0],
    ["shift=25%", 0],
    ["erase=1", 0],
    ["erase=1,erase-scale=0.1:0.5,erase-ratio=0.5:2,erase-value=0.75", 0],
    ["erase=1,erase-value=random", 0],
    ["flip,rotate=15,zoom=0.2,shift=2,erase=0.7", 1e-5],
    ["flip=1,rotate=180,zoom=0.5:2,shift=40%,erase=1,erase-value=random", 1e-5],
  ];
  for (const [spec, tol] of cases) {
    for (const seed of [1, 2, 3]) {
      const got = await run(data, SHAPE, spec, seed);
      const expected = augmentReference(data, SHAPE, parseAugment(spec), seed);
      assertClose(got, expected, tol, `${spec} seed ${seed}`);
    }
  }
});

gpuTest("flip=1 mirrors every image exactly; flipHorizontal twice is the identity", async () => {
  const data = images(SHAPE, 3);
  const got = await run(data, SHAPE, "flip=1", 9);
  const x = Tensor.from(data, SHAPE);
  const once = flipHorizontal(x);
  const [flipped, twice] = await Promise.all([once.read(), flipHorizontal(once).read()]);
  for (let b = 0; b < SHAPE[0]; b++) {
    for (let y = 0; y < H; y++) {
      for (let xx = 0; xx < W; xx++) {
        for (let c = 0; c < C; c++) {
          assert.equal(at(got, b, y, xx, c), at(data, b, y, W - 1 - xx, c));
          assert.equal(at(flipped, b, y, xx, c), at(data, b, y, W - 1 - xx, c));
        }
      }
    }
  }
  assert.deepEqual(twice, data);
});

gpuTest("shift moves each image by whole pixels within the range, zeros entering", async () => {
  const shape = [12, H, W, C];
  const data = images(shape, 4);
  const got = await run(data, shape, "shift=2", 11);
  const seen = new Set<string>();
  for (let b = 0; b < shape[0]; b++) {
    const { tx, ty } = imageParams(parseAugment("shift=2"), 11, b, H, W);
    assert.ok(
      Number.isInteger(tx) && Math.abs(tx) <= 2 && Number.isInteger(ty) && Math.abs(ty) <= 2,
    );
    seen.add(`${tx},${ty}`);
    for (let y = 0; y < H; y++) {
      for (let x = 0; x < W; x++) {
        for (let c = 0; c < C; c++) {
          const sy = y - ty;
          const sx = x - tx;
          const inside = sy >= 0 && sy < H && sx >= 0 && sx < W;
          assert.equal(at(got, b, y, x, c), inside ? at(data, b, sy, sx, c) : 0, `image ${b}`);
        }
      }
    }
  }
  assert.ok(seen.size >= 4, `only ${seen.size} distinct shifts in 12 images`);
});

gpuTest("rotation and zoom turn about the centre pixel and keep it", async () => {
  const data = images(SHAPE, 5);
  for (const spec of ["rotate=45", "zoom=0.3", "rotate=90,zoom=0.8:1.5"]) {
    const got = await run(data, SHAPE, spec, 12);
    for (let b = 0; b < SHAPE[0]; b++) {
      for (let c = 0; c < C; c++) {
        assertClose([at(got, b, 4, 5, c)], [at(data, b, 4, 5, c)], 1e-5, `${spec} centre`);
      }
    }
    assert.notDeepEqual(got, data, spec);
  }
});

gpuTest(
  "a quarter turn moves pixels onto pixels, counter-clockwise for positive angles",
  async () => {
    // Seeds whose drawn angle is within 0.1° of +90° and of -90°: then the output is the image
    // turned by index arithmetic (up to 0.1° × 4.3 px of interpolation).
    const opts = parseAugment("rotate=90");
    const angleOf = (seed: number) => imageParams(opts, seed, 0, 7, 7).angle * 180 / Math.PI;
    const find = (target: number) => {
      for (let seed = 0;; seed++) if (Math.abs(angleOf(seed) - target) < 0.1) return seed;
    };
    const shape = [1, 7, 7, 2];
    const square = images(shape, 6);
    for (
      const [degrees, source] of [
        // +90°: what was right of the centre is now above it: out(x, y) = in(3 + (3 - y), 3 + (x - 3)).
        [90, (x: number, y: number) => [6 - y, x]],
        [-90, (x: number, y: number) => [y, 6 - x]],
      ] as const
    ) {
      const turned = await run(square, shape, "rotate=90", find(degrees));
      for (let y = 0; y < 7; y++) {
        for (let x = 0; x < 7; x++) {
          const [sx, sy] = source(x, y);
          for (let c = 0; c < C; c++) {
            const got = at(turned, 0, y, x, c, 7, 7);
            assertClose([got], [at(square, 0, sy, sx, c, 7, 7)], 0.02, `${degrees}° (${x}, ${y})`);
          }
        }
      }
    }
  },
);

gpuTest(
  "erasing fills one rectangle with the value, inside the image, within the ranges",
  async () => {
    const shape = [200, 28, 28, 1];
    const data = images(shape, 7);
    const opts = parseAugment("erase=0.5");
    const got = await run(data, shape, "erase=0.5", 13);
    let erased = 0;
    for (let b = 0; b < shape[0]; b++) {
      let top = 28, left = 28, bottom = -1, right = -1, zeros = 0;
      for (let y = 0; y < 28; y++) {
        for (let x = 0; x < 28; x++) {
          const i = (b * 28 + y) * 28 + x;
          if (got[i] === 0) {
            zeros++;
            top = Math.min(top, y);
            bottom = Math.max(bottom, y);
            left = Math.min(left, x);
            right = Math.max(right, x);
          } else {
            assert.equal(got[i], data[i], `image ${b} changed outside the rectangle`);
          }
        }
      }
      const rect = imageParams(opts, 13, b, 28, 28).erase;
      if (zeros === 0) {
        assert.equal(rect, null, `image ${b}`);
        continue;
      }
      erased++;
      const height = bottom - top + 1;
      const width = right - left + 1;
      assert.equal(zeros, height * width, `image ${b}: erased area is not a rectangle`);
      assert.deepEqual(rect, { top, left, height, width });
      // torchvision's draw: round(sqrt(area·ratio)) × round(sqrt(area/ratio)), strictly smaller
      // than the image; so the area fraction stays near [0.02, 0.33], the ratio near [0.3, 3.3].
      assert.ok(height < 28 && width < 28);
      const fraction = zeros / 784;
      assert.ok(fraction > 0.01 && fraction < 0.4, `image ${b}: fraction ${fraction}`);
      assert.ok(height / width > 0.2 && height / width < 5, `image ${b}: ${height}×${width}`);
    }
    assert.ok(erased > 70 && erased < 130, `${erased} of 200 erased with p = 0.5`);
    // With probability 1 every image is erased (28×28 always admits a rectangle within 10 tries).
    const all = await run(data, shape, "erase=1,erase-value=0.5", 14);
    for (let b = 0; b < shape[0]; b++) {
      assert.ok(all.subarray(b * 784, (b + 1) * 784).includes(0.5), `image ${b} not erased`);
    }
  },
);

gpuTest("random erase values are uniform noise in [0, 1), different per element", async () => {
  const shape = [4, 28, 28, 2];
  const data = new Float32Array(shape.reduce((a, b) => a * b)).fill(2);
  const got = await run(data, shape, "erase=1,erase-scale=0.2:0.3,erase-value=random", 15);
  const noise = got.filter((v) => v !== 2);
  assert.ok(noise.length > 4 * 784 * 2 * 0.15, `${noise.length} erased elements`);
  assert.ok(noise.every((v) => v >= 0 && v < 1));
  const mean = noise.reduce((a, b) => a + b, 0) / noise.length;
  assert.ok(Math.abs(mean - 0.5) < 0.05, `mean ${mean}`);
  assert.ok(new Set(noise).size > noise.length * 0.95, "noise values repeat");
});

gpuTest("same seed gives the same batch, another seed another batch", async () => {
  const data = images(SHAPE, 8);
  const spec = "flip,rotate=10,zoom=0.1,shift=2,erase=0.5";
  const a = await run(data, SHAPE, spec, 100);
  const b = await run(data, SHAPE, spec, 100);
  const c = await run(data, SHAPE, spec, 101);
  assert.deepEqual(a, b);
  assert.notDeepEqual(a, c);
  // Images of one batch get different draws too.
  const p = parseAugment(spec);
  const angles = [0, 1, 2].map((i) => imageParams(p, 100, i, H, W).angle);
  assert.equal(new Set(angles).size, 3);
});

gpuTest("flip=0.5 flips about half of 200 images, the ones the TypeScript draw says", async () => {
  const shape = [200, H, W, C];
  const data = images(shape, 9);
  const got = await run(data, shape, "flip", 21);
  const per = H * W * C;
  let flipped = 0;
  for (let b = 0; b < shape[0]; b++) {
    let same = true;
    let mirrored = true;
    for (let y = 0; y < H; y++) {
      for (let x = 0; x < W; x++) {
        for (let c = 0; c < C; c++) {
          same &&= got[b * per + (y * W + x) * C + c] === data[b * per + (y * W + x) * C + c];
          mirrored &&= got[b * per + (y * W + x) * C + c] ===
            data[b * per + (y * W + W - 1 - x) * C + c];
        }
      }
    }
    assert.ok(same !== mirrored, `image ${b} neither kept nor mirrored`);
    assert.equal(mirrored, imageParams(parseAugment("flip"), 21, b, H, W).flip, `image ${b}`);
    if (mirrored) flipped++;
  }
  // Binomial(200, 0.5): sd ≈ 7; ±30 is more than 4 sd.
  assert.ok(flipped > 70 && flipped < 130, `${flipped} of 200 flipped`);
});

Deno.test("rotation angles and zoom factors cover their ranges", () => {
  const p = parseAugment("rotate=10,zoom=0.8:1.2");
  const draws = Array.from({ length: 500 }, (_, i) => imageParams(p, 3, i, 28, 28));
  const degrees = draws.map((d) => d.angle * 180 / Math.PI);
  assert.ok(degrees.every((d) => Math.abs(d) <= 10 + 1e-4));
  assert.ok(Math.min(...degrees) < -9 && Math.max(...degrees) > 9);
  const mean = degrees.reduce((a, b) => a + b, 0) / degrees.length;
  assert.ok(Math.abs(mean) < 1, `mean angle ${mean}`);
  const scales = draws.map((d) => d.scale);
  assert.ok(scales.every((s) => s >= 0.8 && s <= 1.2));
  assert.ok(Math.min(...scales) < 0.82 && Math.max(...scales) > 1.18);
});

gpuTest("more images than one grid row of workgroups (y spill) are all augmented", async () => {
  const shape = [32771, 1, 3, 1];
  const data = images(shape, 10);
  const got = await run(data, shape, "flip=1", 3);
  const expected = data.slice();
  for (let b = 0; b < shape[0]; b++) {
    expected[3 * b] = data[3 * b + 2];
    expected[3 * b + 2] = data[3 * b];
  }
  assert.deepEqual(got, expected);
});

Deno.test("roundHalfEven rounds halves to the even neighbour (Python's and WGSL's round)", () => {
  assert.deepEqual(
    [-2.5, -1.5, -0.5, 0.5, 1.5, 2.5, 2.4, -2.6].map(roundHalfEven),
    [-2, -2, -0, 0, 2, 2, 2, -3],
  );
});

gpuTest(
  "augmenter seeds each step from (run seed, step) and differs from step to step",
  async () => {
    const opts = parseAugment("flip,rotate=10,erase=0.5");
    const data = images(SHAPE, 11);
    const hook = augmenter(opts, 1);
    const x = Tensor.from(data, SHAPE);
    const [step3, step3Again, step4, otherRun] = await Promise.all([
      hook(x, 3).read(),
      augmenter(opts, 1)(x, 3).read(),
      hook(x, 4).read(),
      augmenter(opts, 2)(x, 3).read(),
    ]);
    assert.deepEqual(step3, step3Again);
    assert.notDeepEqual(step3, step4);
    assert.notDeepEqual(step3, otherRun);
    assertClose(step3, augmentReference(data, SHAPE, opts, augmentSeed(1, 3)), 1e-5, "step 3");
    const seeds = new Set(Array.from({ length: 1000 }, (_, step) => augmentSeed(7, step)));
    assert.equal(seeds.size, 1000);
  },
);
