// Measures one baseline: train seconds, predict seconds and test accuracy at a given size.
//   deno run -A bench/baselines_probe.ts NAME [TRAIN_IMAGES] [TEST_IMAGES] ['{"param": value}']
// Saves to a temporary directory and checks that the reloaded model predicts the same.
import { loadFashionMnist } from "../src/data/mod.ts";
import { BASELINES, flatten, loadClassifier, stratifiedSample } from "../src/baselines/mod.ts";

const [name, trainArg, testArg, paramsArg] = Deno.args;
const entry = BASELINES[name];
if (!entry) throw new Error(`usage: NAME in ${Object.keys(BASELINES).join(", ")}`);
const n = trainArg ? Number(trainArg) : entry.trainImages;
const { train, test } = await loadFashionMnist();
const tr = stratifiedSample(train, n, 1);
const te = flatten(test);
const m = testArg ? Math.min(Number(testArg), te.n) : te.n;
const clf = entry.create(paramsArg ? JSON.parse(paramsArg) : {});

let t = performance.now();
await clf.fit(tr.x, tr.y, tr.n);
const trainS = (performance.now() - t) / 1000;
t = performance.now();
const pred = await clf.predict(te.x.subarray(0, m * 784), m);
const predictS = (performance.now() - t) / 1000;
const acc = pred.reduce((s, c, i) => s + +(c === te.y[i]), 0) / m;

const dir = await Deno.makeTempDir();
t = performance.now();
await clf.save(dir);
const saveS = (performance.now() - t) / 1000;
const size = [...Deno.readDirSync(dir)].reduce(
  (s, e) => s + Deno.statSync(`${dir}/${e.name}`).size,
  0,
);
const back = await loadClassifier(dir);
const k = Math.min(m, 500);
const again = await back.predict(te.x.subarray(0, k * 784), k);
const same = again.every((c, i) => c === pred[i]);
await Deno.remove(dir, { recursive: true });

console.log(JSON.stringify({
  name,
  engine: clf.engine,
  trainImages: n,
  testImages: m,
  trainS: +trainS.toFixed(1),
  predictS: +predictS.toFixed(1),
  accuracy: +acc.toFixed(4),
  parameters: clf.parameterCount(),
  savedMB: +(size / 2 ** 20).toFixed(1),
  saveS: +saveS.toFixed(1),
  reloadSame: same,
  hyperParameters: clf.hyperParameters(),
  at: new Date().toISOString(),
  loadavg: Deno.loadavg(),
}));
