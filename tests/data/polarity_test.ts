import assert from "node:assert/strict";
import { loadFashionMnist } from "../../src/data/dataset.ts";
import { SYSTEM_DIR } from "../../src/data/locate.ts";
import {
  borderMean,
  invertImages,
  LIGHT_BORDER_MEAN,
  lightBackgrounds,
} from "../../src/data/polarity.ts";

const present = (() => {
  try {
    return Deno.statSync(SYSTEM_DIR).isDirectory;
  } catch {
    return false;
  }
})();

/** A 28×28 image: `border` on the outermost ring, `inside` elsewhere. */
function framed(border: number, inside: number): Uint8Array {
  const img = new Uint8Array(784).fill(inside);
  for (let i = 0; i < 28; i++) {
    img[i] =
      img[27 * 28 + i] =
      img[i * 28] =
      img[i * 28 + 27] =
        border;
  }
  return img;
}

Deno.test("borderMean reads the outermost ring only; light backgrounds are those above 127.5", () => {
  const images = new Uint8Array(4 * 784);
  images.set(framed(0, 255), 0); // a garment filling the frame on black: dark border
  images.set(framed(255, 0), 784); // a dark garment on white
  images.set(framed(128, 0), 2 * 784); // just above the middle
  images.set(framed(127, 255), 3 * 784); // just below
  assert.deepEqual([0, 1, 2, 3].map((i) => borderMean(images, i, 28, 28)), [0, 255, 128, 127]);
  assert.equal(LIGHT_BORDER_MEAN, 127.5);
  assert.deepEqual(lightBackgrounds(images, 4, 28, 28), [1, 2]);
  assert.deepEqual(lightBackgrounds(images, 2, 28, 28), [1], "only the first `count`");
  // Half the ring light (a garment touching two sides): a mean of 127.5 is not above it.
  const half = new Uint8Array(784);
  for (let r = 0; r < 28; r++) for (let c = 0; c < 28; c++) if (c < 14) half[r * 28 + c] = 255;
  assert.equal(borderMean(half, 0, 28, 28), 127.5);
  assert.deepEqual(lightBackgrounds(half, 1, 28, 28), []);
});

Deno.test("invertImages turns the listed images into 255 − p and leaves the others", () => {
  const images = Uint8Array.from({ length: 3 * 784 }, (_, i) => i % 256);
  const before = images.slice();
  invertImages(images, [0, 2], 784);
  assert.equal(images[5], 250);
  assert.deepEqual(images.subarray(784, 2 * 784), before.subarray(784, 2 * 784));
  assert.equal(images[2 * 784 + 10], 255 - before[2 * 784 + 10]);
  invertImages(images, [0, 2], 784);
  assert.deepEqual(images, before);
});

Deno.test({
  name: "polarity: no real Fashion-MNIST image is flagged, every inverted one is",
  ignore: !present,
  fn: async () => {
    const { train, test } = await loadFashionMnist({ dataDir: SYSTEM_DIR });
    for (const ds of [train, test]) {
      assert.deepEqual(lightBackgrounds(ds.images, ds.count, 28, 28), []);
      let darkest = 0;
      for (let i = 0; i < ds.count; i++) {
        darkest = Math.max(darkest, borderMean(ds.images, i, 28, 28));
      }
      // The margin: the lightest real border (train 41623, a bag) is 20 levels below the rule.
      assert.ok(darkest < LIGHT_BORDER_MEAN - 19, `lightest real border mean ${darkest}`);
      const inverted = ds.images.slice();
      invertImages(inverted, Array.from({ length: ds.count }, (_, i) => i), 784);
      assert.equal(lightBackgrounds(inverted, ds.count, 28, 28).length, ds.count);
    }
  },
});
