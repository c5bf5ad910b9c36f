import assert from "node:assert/strict";
import { join } from "node:path";
import {
  confusedPairs,
  headline,
  type HeadlineModel,
  replaceHeadlineBlock,
  wrapMarkdown,
} from "../../src/report/headline.ts";
import {
  familyOf,
  isMlp,
  runInfo,
  runInfos,
  runLabel,
  trainingSummary,
} from "../../src/report/runs.ts";

const NAMES = ["T-shirt/top", "Trouser", "Shirt"];
const CONV = { type: "conv2d", filters: 8, kernel: 3 };
const DENSE = { type: "dense", units: 10 };

/** A config.json as `deno task train` writes it. */
function trained(
  name: string,
  layers: unknown[],
  o: { train?: number; epochs?: number; done?: number; test?: boolean; adapter?: string } = {},
) {
  return {
    kind: "network",
    name,
    architecture: { name, layers },
    hyperParameters: { epochs: o.epochs ?? 5, limit: null },
    adapter: { description: o.adapter ?? "llvmpipe (LLVM 15.0.6, 256 bits)" },
    data: { train: o.train ?? 54_000, validation: 6_000, test: 10_000 },
    epochsCompleted: o.done ?? o.epochs ?? 5,
    ...(o.test === false ? {} : { test: { accuracy: 0.9 } }),
  };
}
const baseline = (name: string, trainImages: number) => ({ kind: "svm-libsvm", name, trainImages });
const defaults = (name: string) => ({ "svm-rbf": 30_000, softmax: 60_000 })[name];

Deno.test("runInfo: full runs, subsets, smoke tests and interrupted runs", () => {
  const cnn = [CONV, { type: "relu" }, { type: "flatten" }, DENSE];
  assert.deepEqual(runInfo(trained("cnn", cnn), 54_000), {
    full: true,
    note: null,
    family: "images",
  });
  assert.equal(
    runInfo(trained("cnn-deep", cnn, { train: 9_000, epochs: 2 }), 9_000).note,
    "9,000 images, 2 epochs — not a full run",
  );
  assert.equal(
    runInfo(trained("cnn", cnn, { epochs: 1 }), 54_000).note,
    "1 epoch — not a full run",
  );
  // Checkpointed mid-run (no final test result): 5 of 8 epochs done.
  const cut = runInfo(trained("cnn", cnn, { epochs: 8, done: 5, test: false }), 54_000);
  assert.equal(cut.full, false);
  assert.equal(cut.note, "5 of 8 epochs — not a full run");
  // Early stopping ends a run before its planned epochs and writes its test result: full.
  assert.equal(runInfo(trained("cnn", cnn, { epochs: 20, done: 9 }), 54_000).full, true);
  // Baselines against their default size; unknown defaults count as full.
  assert.equal(runInfo(baseline("svm-rbf", 30_000), 30_000, defaults).full, true);
  assert.equal(
    runInfo(baseline("svm-rbf", 1_000), 1_000, defaults).note,
    "1,000 of its default 30,000 images — not a full run",
  );
  assert.equal(runInfo(baseline("svm-rbf", 1_000), 1_000).full, true);
  // softmax from `deno task baselines`: a network config without data/epochsCompleted.
  const softmax = { kind: "network", name: "softmax", trainImages: 1_000, hyperParameters: {} };
  assert.equal(
    runInfo(softmax, 1_000, defaults).note,
    "1,000 of its default 60,000 images — not a full run",
  );
});

Deno.test("trainingSummary: epochs, adapter or library, recipe in words", () => {
  const cnn = {
    ...trained("cnn", [CONV, DENSE], { epochs: 24, done: 24, adapter: "NVIDIA H200" }),
    hyperParameters: {
      optimizer: "adamw",
      schedule: "onecycle",
      lr: 0.003,
      labelSmoothing: 0.1,
      augment: "flip=0.5,shift=2,erase=0.5,erase-scale=0.02:0.33,erase-value=0",
    },
  };
  assert.deepEqual(trainingSummary(cnn), {
    epochs: 24,
    trainedWith: "NVIDIA H200",
    recipe: "adamw onecycle lr 0.003, label smoothing 0.1, flip, shift 2, erase",
  });
  // A probability other than the default is said.
  const lighter = {
    ...cnn,
    hyperParameters: { ...cnn.hyperParameters, augment: "flip=0.5,shift=2,erase=0.25" },
  };
  assert.equal(
    trainingSummary(lighter).recipe,
    "adamw onecycle lr 0.003, label smoothing 0.1, flip, shift 2, erase 0.25",
  );
  // A run copied mid-way (no epochsCompleted) counts history.json's epochs.
  const { epochsCompleted: _, ...copied } = cnn;
  assert.equal(trainingSummary(copied, [{}, {}, {}]).epochs, 3);
  // softmax from `deno task baselines`: no adapter recorded, its own hyperparameters.
  const softmax = {
    kind: "network",
    name: "softmax",
    hyperParameters: { epochs: 15, lr: 0.001, optimizer: "adam", loss: "hinge", seed: 1 },
  };
  assert.deepEqual(trainingSummary(softmax), {
    epochs: 15,
    trainedWith: "our WGSL (adapter not recorded)",
    recipe: "adam lr 0.001, hinge",
  });
  const svm = {
    kind: "svm-libsvm",
    engine: "libsvm-js 0.2.1",
    hyperParameters: { C: 10, gamma: "scale", seed: 1, gammaValue: 0.0102 },
  };
  assert.deepEqual(trainingSummary(svm), {
    epochs: null,
    trainedWith: "libsvm-js 0.2.1",
    recipe: "C 10, gamma scale",
  });
});

Deno.test("familyOf: convolutions see images; the MLP and the baselines see flattened pixels", () => {
  const mlp = trained("mlp", [{ type: "flatten" }, { type: "dense", units: 256 }, DENSE]);
  assert.equal(familyOf(mlp), "pixels");
  assert.ok(isMlp(mlp));
  const softmax = trained("softmax", [{ type: "flatten" }, DENSE]);
  assert.equal(familyOf(softmax), "pixels");
  assert.ok(!isMlp(softmax));
  // A convolution inside a residual block's body counts.
  const resnet = trained("resnet", [{ type: "residual", body: [CONV], shortcut: [] }, DENSE]);
  assert.equal(familyOf(resnet), "images");
  assert.equal(familyOf({ kind: "network", name: "mobilenet" }), "images");
  assert.equal(familyOf(baseline("svm-rbf", 30_000)), "pixels");
});

Deno.test("runInfos: models with the same config name get their adapter, others nothing", () => {
  const cnn = [CONV, DENSE];
  const runs = runInfos([
    { model: "cnn", config: trained("cnn", cnn), trainImages: 54_000 },
    {
      model: "cnn-gpu",
      config: trained("cnn", cnn, { adapter: "NVIDIA H200" }),
      trainImages: 54_000,
    },
    { model: "svm-rbf", config: baseline("svm-rbf", 30_000), trainImages: 30_000 },
  ]);
  assert.deepEqual(runs.map((r) => r.trainedOn), [
    "cnn trained on llvmpipe",
    "cnn trained on NVIDIA H200",
    null,
  ]);
  assert.equal(runLabel("cnn-gpu", runs[1]), "cnn-gpu (cnn trained on NVIDIA H200)");
  assert.equal(runLabel("svm-rbf", runs[2]), "svm-rbf");
  assert.equal(
    runLabel("x", { note: "1 epoch — not a full run", trainedOn: "cnn trained on A" }),
    "x (cnn trained on A; 1 epoch — not a full run)",
  );
});

/** Four models on 3 classes, 100 test images each. */
function sample(): { testImages: number; models: HeadlineModel[] } {
  return {
    testImages: 300,
    models: [
      {
        model: "cnn",
        accuracy: 0.9,
        config: trained("cnn", [CONV, DENSE]),
        // 30 errors: shirt→T-shirt 12, T-shirt→shirt 8, shirt→trouser 6, T-shirt→trouser 4.
        confusion: [[88, 4, 8], [0, 100, 0], [12, 6, 82]],
      },
      // Higher, but on a subset: not the headline's network.
      {
        model: "cnn-deep",
        accuracy: 0.95,
        config: trained("cnn-deep", [CONV, DENSE], { train: 9_000, epochs: 2 }),
      },
      {
        model: "mlp",
        accuracy: 0.85,
        config: trained("mlp", [{ type: "flatten" }, { type: "dense", units: 64 }, DENSE]),
      },
      { model: "svm-rbf", accuracy: 0.8, config: baseline("svm-rbf", 30_000) },
    ],
  };
}

Deno.test("headline: best full image network against best flattened-pixel model", () => {
  const s = headline(sample(), NAMES, defaults);
  assert.deepEqual(s, [
    "The best network that sees images, cnn, labels 90.00% of the 300 test images correctly, " +
    "the best flattened-pixel model, mlp, 85.00%: a lead of 5.00 percentage points, or 33.3% " +
    "fewer errors (30 against 45).",
    "Networks that see images are those with convolutions (here cnn); flattened-pixel models " +
    "read the 784 pixels as one vector (here mlp and svm-rbf): mlp is a network too, but " +
    "without convolutions it sees flattened pixels and so counts with them.",
    "cnn's most frequent confusions are Shirt ↔ T-shirt/top (20 images: 12.0% of Shirt taken " +
    "for T-shirt/top, 8.0% the other way), Shirt ↔ Trouser (6 images: 6.0% of Shirt taken for " +
    "Trouser, 0.0% the other way) and T-shirt/top ↔ Trouser (4 images: 4.0% of T-shirt/top " +
    "taken for Trouser, 0.0% the other way): 100% of its 30 errors.",
    "Left out as not full runs (labelled in the table): cnn-deep (9,000 images, 2 epochs).",
  ]);
});

Deno.test("headline: a flattened-pixel model ahead, or one side missing, is said as such", () => {
  const m = sample();
  m.models[2].accuracy = 0.92; // the mlp now beats the cnn
  const [first] = headline(m, NAMES, defaults);
  assert.match(
    first,
    /mlp, 92\.00%: 2\.00 percentage points behind, or 25\.0% more errors \(30 against 24\)\.$/,
  );
  const onlyPixels = { testImages: 300, models: m.models.slice(2) };
  assert.match(
    headline(onlyPixels, NAMES)[0],
    /^No full run of a network that sees images is here; the best flattened-pixel model, mlp, labels 92\.00%/,
  );
  const onlyImages = { testImages: 300, models: m.models.slice(0, 1) };
  assert.match(headline(onlyImages, NAMES)[0], /no full run of a flattened-pixel model is here/);
  const noFull = { testImages: 300, models: [m.models[1]] };
  assert.match(headline(noFull, NAMES)[0], /^No model here is a full run/);
  assert.deepEqual(headline({ testImages: 300, models: [] }, NAMES), []);
  // A recorded run (metrics.json from evaluate) wins over the config.
  const recorded = sample();
  recorded.models[1].run = { full: true, note: null, family: "images", trainedOn: null };
  assert.match(
    headline(recorded, NAMES, defaults)[0],
    /^The best network that sees images, cnn-deep, labels 95\.00%/,
  );
});

Deno.test("confusedPairs: both directions of a pair add up, most frequent first", () => {
  const pairs = confusedPairs([[5, 1, 0], [3, 5, 2], [0, 0, 9]], NAMES, 2);
  assert.deepEqual(pairs.map((p) => p.images), [4, 2]);
  assert.match(
    pairs[0].text,
    /^Trouser ↔ T-shirt\/top \(4 images: 30\.0% of Trouser taken for T-shirt\/top, 16\.7% the other way\)$/,
  );
});

Deno.test("replaceHeadlineBlock rewrites only the marked block, wrapped as deno fmt keeps it", async () => {
  const readme = "# Title\n\nFirst paragraph.\n\n<!-- headline:start -->\nold\ntext\n" +
    "<!-- headline:end -->\n\n## Rest\n";
  // Words that would start a list, a heading or a quote at the start of a line stay inside.
  const sentence = "word ".repeat(19) + "- 1. # > + * 12) end of the sentence.";
  const out = replaceHeadlineBlock(readme, [sentence, "Second sentence."]);
  assert.ok(out.startsWith("# Title\n\nFirst paragraph.\n\n<!-- headline:start -->\n\n"));
  assert.ok(out.endsWith("\n\n<!-- headline:end -->\n\n## Rest\n"));
  assert.ok(!out.includes("old\ntext"));
  assert.equal(replaceHeadlineBlock(out, [sentence, "Second sentence."]), out, "idempotent");
  for (const line of out.split("\n")) assert.ok(line.length <= 100, line);
  assert.throws(() => replaceHeadlineBlock("no markers", ["x"]), /headline:start/);
  // deno fmt (this repository's line width) leaves the generated block as it is.
  const long = wrapMarkdown(("alpha beta - gamma 3. delta ".repeat(12)).trim());
  const dir = await Deno.makeTempDir();
  const file = join(dir, "README.md");
  await Deno.writeTextFile(file, replaceHeadlineBlock(readme, [long, sentence]));
  const fmt = await new Deno.Command(Deno.execPath(), {
    args: ["fmt", "--check", "--line-width", "100", file],
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.equal(fmt.code, 0, new TextDecoder().decode(fmt.stderr));
  await Deno.remove(dir, { recursive: true });
});
