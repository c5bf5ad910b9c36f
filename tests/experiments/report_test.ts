// The report's Experiments section: sentences computed from the results, and its place in the
// page and report.md (spliced between markers, kept or replaced, never duplicated).
import assert from "node:assert/strict";
import { join } from "node:path";
import {
  END,
  experimentsBlocks,
  permutationSentences,
  START,
  translationSentences,
  updateReportPages,
  withExperimentsHtml,
  withExperimentsMarkdown,
} from "../../src/report/experiments.ts";
import type { PermutationResult, TranslationResult } from "../../src/experiments/results.ts";

const PROVENANCE = {
  createdAt: "2026-11-29T12:00:00.000Z",
  adapter: { description: "llvmpipe (LLVM 15.0.6, 256 bits)", backend: "vulkan" },
  deno: "2.9.6",
  settings: {},
};

const PERMUTATION: PermutationResult = {
  kind: "permutation",
  ...PROVENANCE,
  seed: 1,
  models: [
    ["cnn", "images", 0.926, 0.8812, 0.101],
    ["mlp", "pixels", 0.8889, 0.8871, 0.095],
    ["svm-rbf", "pixels", 0.8872, 0.8872, 0.12],
  ].map(([model, family, original, permuted, originalOnPermuted]) => ({
    model: model as string,
    family: family as "images" | "pixels",
    trainImages: 54_000,
    recipe: "",
    original: original as number,
    permuted: permuted as number,
    originalOnPermuted: originalOnPermuted as number,
    permutedTrainSeconds: 10,
    permutedDir: "models/experiments/permuted/x",
  })),
  leftOut: [{ model: "resnet", reason: "time" }],
};

function translation(): TranslationResult {
  const acc: Record<string, number[]> = {
    cnn: [0.926, 0.9, 0.8, 0.6, 0.4],
    "cnn-shift4": [0.92, 0.92, 0.915, 0.91, 0.9],
    mlp: [0.889, 0.7, 0.4, 0.2, 0.1],
    softmax: [0.844, 0.6, 0.3, 0.2, 0.1],
  };
  return {
    kind: "translation",
    ...PROVENANCE,
    maxShift: 4,
    models: Object.keys(acc).map((model) => ({
      model,
      family: model.startsWith("cnn") ? "images" : "pixels",
      augment: model === "cnn-shift4" ? "shift=4" : "none",
      note: null,
    })),
    rows: Object.entries(acc).flatMap(([model, a]) =>
      (["right", "down", "diagonal"] as const).flatMap((direction) =>
        a.map((accuracy, pixels) => ({ model, direction, pixels, accuracy }))
      )
    ),
    leftOut: [],
  };
}

Deno.test("permutation sentences: the range of the flattened-pixel models, each CNN's change", () => {
  const s = permutationSentences(PERMUTATION).join(" ");
  assert.match(
    s,
    /the 2 flattened-pixel models changed by −0\.18 \(mlp\) to \+0\.00 \(svm-rbf\) points/,
  );
  assert.match(
    s,
    /cnn went from 92\.60% to 88\.12% \(−4\.48 points\): its lead over the best flattened-pixel model, mlp, went from \+3\.71 to −0\.59 points\./,
  );
  assert.match(s, /Not retrained, the same models score 9\.50% to 12\.00%/);
});

Deno.test("translation sentences: cnn and the best pixel model at 1, 2 and 4 px, and the augmented cnn", () => {
  const s = translationSentences(translation()).join(" ");
  assert.match(
    s,
    /moved 2 pixels right and 2 down: cnn 92\.60% → 80\.00% \(−12\.60 points\) and mlp 88\.90% → 40\.00%/,
  );
  assert.match(s, /^The best flattened-pixel model is mlp\. /);
  assert.match(
    s,
    /random shifts \(shift=4\): cnn-shift4 92\.00% → 90\.00% \(−2\.00 points\) at 4 pixels diagonally, against 40\.00% without them/,
  );
});

const PAGE = `<html><body>
<nav><ol>
<li><a href="#metrics">Metrics</a></li>
<li><a href="#reports">Classification reports</a></li>
</ol></nav>
<section id="metrics"></section>
<section id="reports">
</section>
</body>
</html>`;

Deno.test("the section goes before the classification reports, with a contents entry, once", () => {
  const one = withExperimentsHtml(PAGE, `${START}\n<section id="experiments">A</section>\n${END}`);
  assert.ok(one.indexOf(START) < one.indexOf('<section id="reports">'));
  assert.ok(one.indexOf('href="#experiments"') < one.indexOf('href="#reports"'));
  const two = withExperimentsHtml(one, `${START}\n<section id="experiments">B</section>\n${END}`);
  assert.equal(two.split(START).length, 2);
  assert.equal(two.split('href="#experiments"').length, 2);
  assert.ok(two.includes(">B<") && !two.includes(">A<"));
  assert.equal(withExperimentsHtml(two, null), PAGE);
  const md = "# R\n\n## Metrics\n\n## Classification reports\n\nx\n";
  const m1 = withExperimentsMarkdown(md, `${START}\n\n## Why\n\n${END}`);
  assert.ok(m1.indexOf("## Why") < m1.indexOf("## Classification reports"));
  assert.equal(withExperimentsMarkdown(m1, `${START}\n\n## Why\n\n${END}`), m1);
  assert.equal(withExperimentsMarkdown(m1, null), md);
});

Deno.test("updateReportPages reads results/experiments and updates index.html and report.md", async () => {
  const dir = await Deno.makeTempDir({ prefix: "experiments-report-" });
  try {
    assert.equal(experimentsBlocks(dir), null);
    await Deno.writeTextFile(join(dir, "index.html"), PAGE);
    await Deno.writeTextFile(join(dir, "report.md"), "# R\n\n## Classification reports\n");
    assert.deepEqual(await updateReportPages(dir), []);
    await Deno.mkdir(join(dir, "experiments"));
    await Deno.writeTextFile(
      join(dir, "experiments", "permutation.json"),
      JSON.stringify(PERMUTATION),
    );
    await Deno.writeTextFile(
      join(dir, "experiments", "translation.json"),
      JSON.stringify(translation()),
    );
    await Deno.writeTextFile(
      join(dir, "experiments", "translation.svg"),
      '<svg id="a"><use href="#a"/></svg>',
    );
    const changed = await updateReportPages(dir);
    assert.equal(changed.length, 2);
    const html = await Deno.readTextFile(join(dir, "index.html"));
    assert.match(html, /<h3>Pixel permutation<\/h3>/);
    assert.match(html, /<td>cnn<\/td><td>images \(convolutions\)<\/td>/);
    assert.match(html, /Left out: resnet \(time\)\./);
    assert.match(html, /Measured on llvmpipe \(LLVM 15\.0\.6, 256 bits\), vulkan, 2026-11-29/);
    // The inlined chart's ids are scoped; a missing figure is left out, not broken.
    assert.match(
      html,
      /<svg role="img" aria-label="[^"]+" id="exp-translation-a"><use href="#exp-translation-a"/,
    );
    assert.ok(!html.includes("permutation.svg"));
    const md = await Deno.readTextFile(join(dir, "report.md"));
    assert.match(
      md,
      /\| cnn \| images \(convolutions\) \| 54,000 \| 92\.60% \| 88\.12% \| −4\.48 \|/,
    );
    // Unchanged results: nothing rewritten.
    assert.deepEqual(await updateReportPages(dir), []);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
