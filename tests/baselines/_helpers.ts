import assert from "node:assert/strict";
import type { Classifier } from "../../src/baselines/classifier.ts";
import { type Flat, flatten, stratifiedSample } from "../../src/baselines/common.ts";
import { loadFashionMnist, SYSTEM_DIR } from "../../src/data/mod.ts";
import { loadClassifier } from "../../src/baselines/registry.ts";

/** The real data is needed: these tests fit on a few hundred real images. */
export const present = (() => {
  try {
    return Deno.statSync(SYSTEM_DIR).isDirectory;
  } catch {
    return false;
  }
})();

let data: Promise<{ train: Flat; test: Flat }> | null = null;
/** 300 training images (30 per class) and 300 held-out test images, shared by the tests. */
export function small(): Promise<{ train: Flat; test: Flat }> {
  data ??= loadFashionMnist({ dataDir: SYSTEM_DIR }).then(({ train, test }) => ({
    train: stratifiedSample(train, 300, 1),
    test: flatten({ ...test, images: test.images.subarray(0, 300 * 784), count: 300 }),
  }));
  return data;
}

export function accuracy(pred: Uint8Array, y: Uint8Array): number {
  return pred.reduce((s, c, i) => s + +(c === y[i]), 0) / pred.length;
}

/**
 * Fits on the small set, checks accuracy well above chance (0.1) and that a save → load round trip
 * predicts the same, with the config describing the run.
 */
export async function fitSaveLoad(clf: Classifier, floor: number): Promise<string> {
  const { train, test } = await small();
  await clf.fit(train.x, train.y, train.n);
  const pred = await clf.predict(test.x, test.n);
  const acc = accuracy(pred, test.y);
  assert.ok(acc > floor, `${clf.name}: accuracy ${acc} ≤ ${floor}`);
  assert.ok(clf.parameterCount() > 0);

  const dir = await Deno.makeTempDir();
  await clf.save(dir);
  const config = JSON.parse(await Deno.readTextFile(`${dir}/config.json`));
  assert.equal(config.name, clf.name);
  assert.equal(config.engine, clf.engine);
  assert.equal(config.trainImages, 300);
  assert.ok(config.trainSeconds > 0);
  assert.deepEqual(config.hyperParameters, clf.hyperParameters());
  const back = await loadClassifier(dir);
  assert.equal(back.name, clf.name);
  assert.deepEqual(await back.predict(test.x, test.n), pred);
  assert.equal(back.parameterCount(), clf.parameterCount());
  return dir;
}

/** Damages the saved model file and checks the error is a one-line UserError naming it. */
export async function corruptModelFails(dir: string): Promise<void> {
  const { file } = JSON.parse(await Deno.readTextFile(`${dir}/config.json`));
  const path = `${dir}/${file}`;
  const text = await Deno.readTextFile(path);
  await Deno.writeTextFile(path, text.slice(0, text.length >> 1));
  await assert.rejects(() => loadClassifier(dir), (e: Error) => {
    assert.equal(e.name, "UserError");
    assert.ok(e.message.includes(path), e.message);
    assert.ok(!e.message.includes("\n"), e.message);
    return true;
  });
  await Deno.remove(dir, { recursive: true });
}
