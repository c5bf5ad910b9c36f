// Writes a folder of photo-like pictures in the class-folder layout `deno task train --images`
// reads (Keras image_dataset_from_directory, torchvision ImageFolder): OUT/train/<class>/ and
// OUT/test/<class>/, made from distinct Fashion-MNIST test-set images (src/image/synthetic.ts:
// a coloured garment off-centre on an unevenly lit light background, noise, slight blur; every
// other picture saved as JPEG). Seeded: the same flags give the same files.
//
//   deno run -A tools/photo_folder.ts --out DIR [--train 100] [--test 50] [--seed 1]
//                                     [--width 320] [--height 240]
//
// Class folders are Fashion-MNIST's names with "/" written "_" ("T-shirt_top"), so that
// `train --init` maps them onto a Fashion-MNIST model's outputs by name.
import { join } from "node:path";
import { parseArgs } from "node:util";
import jpeg from "jpeg-js";
import { CLASS_NAMES, loadFashionMnist } from "../src/data/mod.ts";
import { photoLike } from "../src/image/synthetic.ts";
import { encodePng } from "../src/report/png.ts";
import { Rng } from "../src/util/random.ts";
import { writeFileAtomic } from "../src/util/atomic.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    out: { type: "string" },
    train: { type: "string", default: "100" },
    test: { type: "string", default: "50" },
    seed: { type: "string", default: "1" },
    width: { type: "string", default: "320" },
    height: { type: "string", default: "240" },
  },
});
if (!values.out) throw new Error("--out DIR is required");
const [perTrain, perTest, seed, width, height] = [
  values.train,
  values.test,
  values.seed,
  values.width,
  values.height,
].map(Number);
for (const n of [perTrain, perTest, width, height]) {
  if (!(Number.isInteger(n) && n >= 1)) throw new Error("counts and sizes must be integers ≥ 1");
}

const { test } = await loadFashionMnist();
const rng = new Rng(seed);
const byClass: number[][] = CLASS_NAMES.map(() => []);
for (let i = 0; i < test.count; i++) byClass[test.labels[i]].push(i);
const folder = (c: number) => CLASS_NAMES[c].replaceAll("/", "_");
let written = 0;
const started = performance.now();
for (const [c, pool] of byClass.entries()) {
  // Distinct images for the two parts: train pictures from the first, test from the next.
  const picked = rng.shuffle(pool.slice()).slice(0, perTrain + perTest);
  for (const [k, index] of picked.entries()) {
    const part = k < perTrain ? "train" : "test";
    const photo = photoLike(test.images.subarray(index * 784, (index + 1) * 784), rng, {
      width,
      height,
    });
    const asJpeg = k % 2 === 1;
    const bytes = asJpeg
      ? new Uint8Array(jpeg.encode(photo.image, 80 + rng.int(16)).data)
      : encodePng(width, height, 3, rgb(photo.image.data));
    const name = `t${String(index).padStart(5, "0")}.${asJpeg ? "jpg" : "png"}`;
    await writeFileAtomic(join(values.out, part, folder(c), name), bytes);
    written++;
  }
  const s = (performance.now() - started) / 1000;
  console.error(`${folder(c)}: ${picked.length} pictures (${(written / s).toFixed(0)}/s)`);
}
console.error(`wrote ${written} pictures under ${values.out}/{train,test}/ (seed ${seed})`);

/** RGBA bytes without their alpha. */
function rgb(rgba: Uint8Array): Uint8Array {
  const out = new Uint8Array((rgba.length / 4) * 3);
  for (let p = 0; p < rgba.length / 4; p++) out.set(rgba.subarray(p * 4, p * 4 + 3), p * 3);
  return out;
}
