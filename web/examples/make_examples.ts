// Writes the page's example pictures: test images made to look like the product photos the
// dataset came from (a dark garment on white, 8× larger, smoothed, with margins). Run once:
//   deno run -A web/examples/make_examples.ts

import { PNG } from "pngjs";
import { loadFashionMnist } from "../../src/data/dataset.ts";
import { CLASS_NAMES } from "../../src/data/classes.ts";

const PICKS = [0, 1, 2, 8, 18]; // Ankle boot, Pullover, Trouser, Sandal, Bag
const SCALE = 8;
const MARGIN = 24;

const { test } = await loadFashionMnist();
for (const i of PICKS) {
  const src = test.images.subarray(i * 784, (i + 1) * 784);
  const side = 28 * SCALE + 2 * MARGIN;
  const png = new PNG({ width: side, height: side });
  png.data.fill(255);
  // Bilinear between pixel centres, so the picture is smooth like a photo, not blocky.
  const at = (x: number, y: number) =>
    src[Math.min(27, Math.max(0, y)) * 28 + Math.min(27, Math.max(0, x))];
  for (let y = 0; y < 28 * SCALE; y++) {
    for (let x = 0; x < 28 * SCALE; x++) {
      const fx = (x + 0.5) / SCALE - 0.5, fy = (y + 0.5) / SCALE - 0.5;
      const x0 = Math.floor(fx), y0 = Math.floor(fy), tx = fx - x0, ty = fy - y0;
      const v = (1 - ty) * ((1 - tx) * at(x0, y0) + tx * at(x0 + 1, y0)) +
        ty * ((1 - tx) * at(x0, y0 + 1) + tx * at(x0 + 1, y0 + 1));
      const g = Math.round(255 - v);
      png.data.set([g, g, g, 255], ((y + MARGIN) * side + x + MARGIN) * 4);
    }
  }
  const name = CLASS_NAMES[test.labels[i]].toLowerCase().replace(/[^a-z]+/g, "-");
  const file = new URL(`./${name}.png`, import.meta.url);
  await Deno.writeFile(file, new Uint8Array(PNG.sync.write(png)));
  console.log(`${file.pathname}: test image ${i} (${CLASS_NAMES[test.labels[i]]})`);
}
