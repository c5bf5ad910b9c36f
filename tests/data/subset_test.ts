import assert from "node:assert/strict";
import { parseClasses, samplePerClass, selectClasses } from "../../src/data/subset.ts";
import type { Dataset } from "../../src/data/dataset.ts";
import { UserError } from "../../src/util/errors.ts";

/** 2×2 images whose pixels all hold the image's index; labels i % 10. */
function dataset(count: number): Dataset {
  const images = new Uint8Array(count * 4);
  for (let i = 0; i < count; i++) images.fill(i, i * 4, i * 4 + 4);
  return {
    images,
    labels: Uint8Array.from({ length: count }, (_, i) => i % 10),
    count,
    rows: 2,
    cols: 2,
  };
}

Deno.test("--classes lists and ranges; refused lists name the flag and the problem", () => {
  assert.deepEqual(parseClasses("0,1,2,3,4"), [0, 1, 2, 3, 4]);
  assert.deepEqual(parseClasses("5-9"), [5, 6, 7, 8, 9]);
  assert.deepEqual(parseClasses("9, 0-1"), [9, 0, 1]);
  const refused: [string, RegExp][] = [
    ["3", /at least two classes/],
    ["0-10", /label 10 does not exist/],
    ["4-2", /runs backwards/],
    ["1,1", /label 1 given twice/],
    ["a,b", /"a" is not a label or a range/],
  ];
  for (const [value, pattern] of refused) {
    assert.throws(() => parseClasses(value), (e: Error) => {
      assert.ok(e instanceof UserError && e.exitCode === 2);
      assert.match(e.message, new RegExp(`^--classes ${value}: `));
      assert.match(e.message, pattern);
      return true;
    });
  }
});

Deno.test("selectClasses keeps those images in order and renumbers labels by position", () => {
  const ds = selectClasses(dataset(30), [7, 2]);
  assert.equal(ds.count, 6);
  assert.deepEqual([...ds.labels], [1, 0, 1, 0, 1, 0]);
  // Images 2, 7, 12, 17, 22, 27 with their own pixels.
  assert.deepEqual([...ds.images.filter((_, i) => i % 4 === 0)], [2, 7, 12, 17, 22, 27]);
});

Deno.test("samplePerClass draws N of each class from the seed, in dataset order; too few is refused", () => {
  const ds = dataset(100); // 10 of each class
  const a = samplePerClass(ds, 3, 10, 1);
  assert.equal(a.count, 30);
  const counts = new Array(10).fill(0);
  a.labels.forEach((l) => counts[l]++);
  assert.deepEqual(counts, new Array(10).fill(3));
  const picked = [...a.images.filter((_, i) => i % 4 === 0)];
  assert.deepEqual(picked, [...picked].sort((x, y) => x - y), "dataset order");
  assert.deepEqual(samplePerClass(ds, 3, 10, 1), a, "same seed, same images");
  assert.notDeepEqual(samplePerClass(ds, 3, 10, 2).images, a.images, "another seed, others");
  assert.throws(
    () => samplePerClass(ds, 11, 10, 1),
    /--per-class 11: class 0 \(T-shirt\/top\) has only 10 training images; use a smaller --per-class or a larger --limit/,
  );
});
