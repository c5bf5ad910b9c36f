import assert from "node:assert/strict";
import { join } from "node:path";
import { gpuTest } from "../helpers.ts";
import { loadFashionMnist, subset } from "../../src/data/mod.ts";
import { trainAndTest } from "../../src/baselines/run.ts";
import { buildReport } from "../../src/report/build.ts";

gpuTest(
  "evaluate: trained models of both kinds are reported, a broken one is skipped",
  async () => {
    const data = await loadFashionMnist();
    const take = (n: number) => Uint32Array.from({ length: n }, (_, i) => i);
    const train = subset(data.train, take(600));
    const test = subset(data.test, take(300));
    const models = await Deno.makeTempDir();
    const results = await Deno.makeTempDir();
    for (const name of ["softmax", "logistic-regression"]) {
      const r = await trainAndTest(name, train, test, { trainImages: 600, seed: 1, dir: models });
      assert.ok(r.accuracy > 0.5, `${name} accuracy ${r.accuracy}`);
    }
    await Deno.mkdir(join(models, "broken"));
    await Deno.writeTextFile(join(models, "broken", "config.json"), "{ not json");

    const lines: string[] = [];
    const { metrics, skipped } = await buildReport({
      modelsDir: models,
      resultsDir: results,
      train,
      test,
      learningCurve: [{ model: "softmax", trainSize: 600, accuracy: 0.7 }],
      log: (l) => lines.push(l),
    });
    assert.deepEqual(metrics.models.map((m) => m.model).sort(), ["logistic-regression", "softmax"]);
    assert.equal(skipped.length, 1);
    assert.match(skipped[0].dir, /broken$/);
    assert.ok(lines.some((l) => l.startsWith("skipped ") && l.includes("broken")));
    for (const m of metrics.models) {
      assert.ok(m.accuracy > 0.5 && m.accuracy <= 1);
      assert.equal(m.perClass.length, 10);
      assert.ok(m.inferenceImagesPerSecond > 0);
    }
    const files = new Set([...Deno.readDirSync(results)].map((e) => e.name));
    for (
      const f of [
        "metrics.json",
        "report.md",
        "index.html",
        "accuracy.vl.json",
        "accuracy.svg",
        "confusion.svg",
        "per_class_f1.svg",
        "learning_curve.svg",
        "accuracy_vs_time.svg",
        "class_distribution.svg",
        "pixel_histogram.svg",
        "mean_images.svg",
        "inference_grid.png",
        "misclassified_softmax.png",
        "linear_weights.png",
        "architecture_softmax.svg",
      ]
    ) assert.ok(files.has(f), `missing ${f}`);
    const html = await Deno.readTextFile(join(results, "index.html"));
    assert.match(html, /softmax/);
    assert.doesNotMatch(html, /src="https?:/);
    assert.match(html, /Architectures/);
    await Deno.remove(models, { recursive: true });
    await Deno.remove(results, { recursive: true });
  },
);
