import assert from "node:assert/strict";
import { BASELINES, loadClassifier } from "../../src/baselines/registry.ts";
import { flatten, scaleGamma, stratifiedSample } from "../../src/baselines/common.ts";
import { LogisticRegressionBaseline } from "../../src/baselines/logistic_regression.ts";

async function rejectsUser(dir: string, mention: string) {
  await assert.rejects(() => loadClassifier(dir), (e: Error) => {
    assert.equal(e.name, "UserError");
    assert.ok(e.message.includes(mention), e.message);
    assert.ok(!e.message.includes("\n"), e.message);
    return true;
  });
}

Deno.test("BASELINES: each entry makes a classifier of its own name, with defaults", () => {
  for (const [name, entry] of Object.entries(BASELINES)) {
    const clf = entry.create();
    assert.equal(clf.name, name);
    assert.ok(entry.trainImages > 0);
    assert.ok(Object.keys(clf.hyperParameters()).length > 0);
  }
  assert.equal(
    BASELINES["logistic-regression"].create({ numSteps: 7 }).hyperParameters().numSteps,
    7,
  );
});

Deno.test("loadClassifier: missing, corrupt and foreign configs are one-line errors naming the file", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await rejectsUser(dir, `${dir}/config.json`);
    await Deno.writeTextFile(`${dir}/config.json`, '{"kind": "svm-ovr", "fi');
    await rejectsUser(dir, `${dir}/config.json`);
    await Deno.writeTextFile(`${dir}/config.json`, '{"kind": "cnn", "file": "x"}');
    await rejectsUser(dir, "unknown model kind");
    await Deno.writeTextFile(`${dir}/config.json`, '{"kind": "svm-ovr", "file": "model.json"}');
    await rejectsUser(dir, `${dir}/model.json`);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("fit rejects a subset that misses a class, and predict before fit", async () => {
  const x = new Float32Array(20 * 784);
  const y = new Uint8Array(20); // all class 0
  const clf = new LogisticRegressionBaseline();
  await assert.rejects(() => clf.fit(x, y, 20), /all 10 classes/);
  await assert.rejects(() => clf.predict(x, 20), /fit or load/);
  await assert.rejects(() => clf.fit(x, y, 21), RangeError);
});

Deno.test("stratifiedSample keeps classes in proportion; scaleGamma matches 1/(784·var)", () => {
  const n = 100;
  const images = new Uint8Array(n * 784);
  const labels = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    labels[i] = i % 10;
    images.fill(i, i * 784, (i + 1) * 784);
  }
  const ds = { images, labels, count: n, rows: 28, cols: 28 };
  const s = stratifiedSample(ds, 20, 1);
  assert.equal(s.n, 20);
  for (let c = 0; c < 10; c++) assert.equal(s.y.filter((l) => l === c).length, 2);
  const all = flatten(ds);
  assert.equal(all.x[784], Math.fround(1 / 255));
  const mean = all.x.reduce((a, b) => a + b, 0) / all.x.length;
  const v = all.x.reduce((a, b) => a + (b - mean) ** 2, 0) / all.x.length;
  assert.ok(Math.abs(scaleGamma(all.x) * 784 * v - 1) < 1e-6);
});
