// Measures how many photo-like pictures (src/image/synthetic.ts: a coloured test-set garment
// off-centre on an unevenly lit light background, noise, slight blur; half saved as JPEG) a saved
// model gets right, with the background taken as one colour (the border's median, today's
// behaviour before the background model: `background: "uniform"`) and modelled (`"auto"`), in
// one run. The test images are drawn by the seed, the same number from each class.
//
//   deno run -A tools/photo_measure.ts [--model web/model] [--count 50] [--seed 1]
//                                      [--write DIR] [--json]
//
// --write DIR also saves the pictures (photo_000.png / .jpg) and DIR/labels.txt ("file class").
import { join } from "node:path";
import { parseArgs } from "node:util";
import jpeg from "jpeg-js";
import { Gpu } from "../src/gpu/gpu.ts";
import { useGpu } from "../src/autograd/tensor.ts";
import { CLASS_NAMES, loadFashionMnist } from "../src/data/mod.ts";
import { readConfig } from "../src/io/checkpoint.ts";
import { loadSavedModel } from "../src/baselines/saved.ts";
import { photoLike } from "../src/image/synthetic.ts";
import { decodePicture } from "../src/image/decode.ts";
import { encodePng } from "../src/report/png.ts";
import { preprocess, type Preprocessed } from "../src/image/preprocess.ts";
import { Rng } from "../src/util/random.ts";
import { writeFileAtomic } from "../src/util/atomic.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    model: { type: "string", default: new URL("../web/model", import.meta.url).pathname },
    count: { type: "string", default: "50" },
    seed: { type: "string", default: "1" },
    write: { type: "string" },
    json: { type: "boolean" },
  },
});
const count = Number(values.count);
const seed = Number(values.seed);
if (!(Number.isInteger(count) && count >= 10)) throw new Error("--count must be an integer ≥ 10");

const gpu = await Gpu.create();
useGpu(gpu);
const classifier = await loadSavedModel(values.model, await readConfig(values.model));
const { test } = await loadFashionMnist();

// `count` test images, the same number per class (the remainder to the first classes), drawn
// by the seed from each class's images.
const rng = new Rng(seed);
const byClass: number[][] = Array.from({ length: 10 }, () => []);
for (let i = 0; i < test.count; i++) byClass[test.labels[i]].push(i);
const picks: number[] = [];
for (let c = 0; c < 10; c++) {
  const n = Math.floor(count / 10) + (c < count % 10 ? 1 : 0);
  const pool = rng.shuffle(byClass[c].slice());
  picks.push(...pool.slice(0, n));
}
rng.shuffle(picks);

if (values.write) await Deno.mkdir(values.write, { recursive: true });
const before: Preprocessed[] = [];
const after: Preprocessed[] = [];
const labels: number[] = [];
const lines: string[] = [];
for (const [k, index] of picks.entries()) {
  const photo = photoLike(test.images.subarray(index * 784, (index + 1) * 784), rng);
  // Half the pictures go through JPEG (quality 80..95), as a phone or a shop's tool saves them.
  const asJpeg = k % 2 === 1;
  const file = `photo_${String(k).padStart(3, "0")}.${asJpeg ? "jpg" : "png"}`;
  const bytes = asJpeg
    ? new Uint8Array(jpeg.encode(photo.image, 80 + rng.int(16)).data)
    : encodePng(photo.image.width, photo.image.height, 3, rgb(photo.image.data));
  const image = decodePicture(bytes, file);
  before.push(preprocess(image, file, { background: "uniform" }));
  after.push(preprocess(image, file));
  labels.push(test.labels[index]);
  lines.push(`${file} ${test.labels[index]}`);
  if (values.write) await writeFileAtomic(join(values.write, file), bytes);
}
if (values.write) {
  await writeFileAtomic(join(values.write, "labels.txt"), lines.join("\n") + "\n");
}

async function score(set: Pick<Preprocessed, "pixels" | "note">[]) {
  const x = new Float32Array(set.length * 784);
  set.forEach((p, i) => {
    for (let j = 0; j < 784; j++) x[i * 784 + j] = p.pixels[j] / 255;
  });
  const predictions = await classifier.predict(x, set.length);
  const right = predictions.filter((p, i) => p === labels[i]).length;
  const perClass = CLASS_NAMES.map((name, c) => {
    const of = labels.flatMap((l, i) => (l === c ? [i] : []));
    return { name, right: of.filter((i) => predictions[i] === c).length, of: of.length };
  });
  return {
    right,
    of: set.length,
    accuracy: right / set.length,
    notes: set.filter((p) => p.note).length,
    perClass,
    predictions: Array.from(predictions),
  };
}

const result = {
  date: new Date().toISOString().slice(0, 10),
  model: values.model,
  adapter: gpu.adapter,
  seed,
  count,
  testIndices: picks,
  before: await score(before),
  after: await score(after),
  // The same test images as the dataset has them: the most preprocessing can give back.
  dataset: await score(
    picks.map((i) => ({ pixels: test.images.subarray(i * 784, (i + 1) * 784), note: null })),
  ),
};
if (values.json) {
  console.log(JSON.stringify(result));
} else {
  console.log(`adapter ${gpu.adapter.description}; ${count} pictures, seed ${seed}`);
  for (const k of ["before", "after", "dataset"] as const) {
    const r = result[k];
    console.log(
      `${k.padEnd(6)} ${r.right}/${r.of} right (${(r.accuracy * 100).toFixed(0)}%), ` +
        `${r.notes} with a note; by class: ` +
        r.perClass.map((c) => `${c.name} ${c.right}/${c.of}`).join(", "),
    );
  }
}

/** RGBA bytes without their alpha. */
function rgb(rgba: Uint8Array): Uint8Array {
  const out = new Uint8Array((rgba.length / 4) * 3);
  for (let p = 0; p < rgba.length / 4; p++) out.set(rgba.subarray(p * 4, p * 4 + 3), p * 3);
  return out;
}
