import assert from "node:assert/strict";
import { join } from "node:path";
import { gpuTest } from "../helpers.ts";
import { loadFashionMnist, subset } from "../../src/data/mod.ts";
import { trainAndTest } from "../../src/baselines/run.ts";
import { buildReport } from "../../src/report/build.ts";
import { UserError } from "../../src/util/errors.ts";

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
        "confusion_softmax.svg",
        "confusion_logistic-regression.svg",
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

    // 600 images are below both models' defaults: labelled, and no headline comparison.
    for (const m of metrics.models) {
      assert.equal(m.run.full, false);
      const size = m.model === "softmax" ? "60,000" : "10,000";
      assert.equal(m.label, `${m.model} (600 of its default ${size} images — not a full run)`);
      assert.equal(m.confusion.flat().reduce((a, b) => a + b, 0), 300);
    }
    assert.match(metrics.headline[0], /^No model here is a full run/);
    assert.match(html, /<p class="headline">No model here is a full run/);
    assert.match(html, /<td>softmax<br><small>600 of its default 60,000 images — not a full run/);
    const md = await Deno.readTextFile(join(results, "report.md"));
    assert.match(md, /\| softmax \(600 of its default 60,000 images — not a full run\) \|/);

    // The same model again under another folder (a GPU machine's models/softmax-gpu): a report
    // with more models than the one there is written, and the two rows are told apart.
    const copy = join(models, "softmax-gpu");
    await Deno.mkdir(copy);
    for (const f of Deno.readDirSync(join(models, "softmax"))) {
      await Deno.copyFile(join(models, "softmax", f.name), join(copy, f.name));
    }
    const more = await buildReport({ modelsDir: models, resultsDir: results, train, test });
    const rows = more.metrics.models.map((m) => m.model);
    assert.deepEqual([...rows].sort(), ["logistic-regression", "softmax", "softmax-gpu"]);
    const labels = more.metrics.models.map((m) => m.label);
    assert.equal(new Set(labels).size, labels.length, `labels ${labels}`);
    const gpuRow = more.metrics.models.find((m) => m.model === "softmax-gpu")!;
    assert.match(gpuRow.run.trainedOn!, /^softmax trained on \S/);
    assert.equal(
      more.metrics.models.find((m) => m.model === "logistic-regression")!.run.trainedOn,
      null,
    );
    // The same models: written again.
    const again = await buildReport({ modelsDir: models, resultsDir: results, train, test });
    assert.equal(again.metrics.models.length, 3);
    assert.deepEqual(
      JSON.parse(await Deno.readTextFile(join(results, "metrics.json"))).createdAt,
      again.metrics.createdAt,
    );

    // Fewer models than the report there: refused before any prediction, nothing changed.
    const before = new Map(
      [...Deno.readDirSync(results)].map((e) => [e.name, Deno.readFileSync(join(results, e.name))]),
    );
    await Deno.remove(copy, { recursive: true });
    await Deno.writeTextFile(join(models, "logistic-regression", "config.json"), "{ damaged");
    await assert.rejects(
      buildReport({ modelsDir: models, resultsDir: results, train, test }),
      (e: Error) =>
        e instanceof UserError && e.exitCode === 1 &&
        e.message.includes("holds a report of 3 models, and 2 are not in") &&
        e.message.includes("softmax-gpu") && e.message.includes("logistic-regression (damaged)"),
    );
    for (const [name, bytes] of before) {
      assert.deepEqual(Deno.readFileSync(join(results, name)), bytes, `${name} unchanged`);
    }
    assert.equal([...Deno.readDirSync(results)].length, before.size);
    // --replace writes it anyway.
    const replaced = await buildReport({
      modelsDir: models,
      resultsDir: results,
      train,
      test,
      replace: true,
    });
    assert.deepEqual(replaced.metrics.models.map((m) => m.model), ["softmax"]);
    await Deno.remove(models, { recursive: true });
    await Deno.remove(results, { recursive: true });
  },
);
