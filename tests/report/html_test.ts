import assert from "node:assert/strict";
import { classificationReport } from "../../src/eval/metrics.ts";
import { accuracyByModel, perClassF1 } from "../../src/report/charts.ts";
import { indexHtml, type Report, reportMarkdown, SECTION_TEXT } from "../../src/report/html.ts";
import { encodePng } from "../../src/report/png.ts";
import { renderSvg } from "../../src/report/vega.ts";

const NAMES = ["T-shirt/top", "Trouser", "Pullover"];

async function sample(): Promise<Report> {
  const models = [
    { model: "cnn", pred: [0, 1, 2, 2] },
    { model: "<b>evil & co</b>", pred: [0, 1, 1, 0] },
  ].map(({ model, pred }, i) => ({
    model,
    report: classificationReport([0, 1, 2, 2], pred, 3),
    trainImages: 60000,
    trainSeconds: 12.345 * (i + 1),
    imagesPerSecond: 12345.6,
    parameters: 421834,
    training: { epochs: 12, trainedWith: "llvmpipe", recipe: "adamw onecycle lr 0.003, flip" },
  }));
  // Two charts with a gradient each: their ids must not clash once inlined.
  const f1 = perClassF1(NAMES.map((className, c) => ({ model: "cnn", className, f1: c / 3 })));
  return {
    title: "Fashion-MNIST <report>",
    intro: "First paragraph.\n\nSecond paragraph.",
    classNames: NAMES,
    models,
    sections: [
      {
        id: "accuracy",
        ...SECTION_TEXT.accuracy,
        figures: [
          {
            file: "accuracy.svg",
            alt: "accuracy",
            svg: await renderSvg(accuracyByModel([{ model: "cnn", accuracy: 0.9 }])),
          },
        ],
      },
      {
        id: "f1",
        ...SECTION_TEXT.perClassF1,
        figures: [
          { file: "f1.svg", alt: "F1", svg: await renderSvg(f1) },
          { file: "f1 again.svg", alt: "F1 again", svg: await renderSvg(f1) },
        ],
      },
      {
        id: "images",
        ...SECTION_TEXT.inference,
        figures: [{ file: "grid.png", alt: "grid", png: encodePng(1, 1, 1, Uint8Array.of(7)) }],
      },
    ],
  };
}

Deno.test("indexHtml is one offline page with every section, table and report", async () => {
  const html = indexHtml(await sample());
  assert.ok(html.startsWith("<!DOCTYPE html>"));
  // Nothing is fetched: no src/href pointing at the network, no CSS imports or url(http...).
  assert.doesNotMatch(html, /(src|href)\s*=\s*["']?\s*(https?:)?\/\//i);
  assert.doesNotMatch(html, /url\(\s*["']?(https?:)?\/\//i);
  assert.doesNotMatch(html, /@import/);
  for (const s of [SECTION_TEXT.accuracy, SECTION_TEXT.perClassF1, SECTION_TEXT.inference]) {
    assert.ok(html.includes(`<h2>${s.title}</h2>`), s.title);
  }
  assert.ok(html.includes("weight sharing"));
  // Every section below the summary is a collapsible part, closed at first, in the contents.
  for (const id of ["metrics", "accuracy", "f1", "images", "reports"]) {
    assert.ok(
      html.includes(`<section id="${id}" class="part">\n<details>\n<summary><h2>`),
      `part ${id}`,
    );
    assert.ok(html.includes(`<li><a href="#${id}">`), `contents entry ${id}`);
  }
  assert.ok(!html.includes("<details open"));
  // The summary first: the compact table and the accuracy chart, which is not repeated below.
  const summary = html.slice(html.indexOf('<section id="summary"'), html.indexOf("<nav"));
  assert.ok(
    summary.includes('<table class="compact">') && summary.includes("Test accuracy by model"),
  );
  assert.ok(html.indexOf('<section id="summary"') < html.indexOf('<section id="metrics"'));
  assert.equal(html.split("Test accuracy by model</text>").length, 2, "the chart once");
  assert.ok(!summary.includes("Recipe") && html.includes("<th>Recipe</th>"));
  assert.ok(
    html.includes('<p class="note">First paragraph.</p>\n<p class="note">Second paragraph.</p>'),
  );
  assert.ok(html.includes("Test accuracy by model"), "SVG inlined");
  assert.ok(html.includes('src="data:image/png;base64,iVBORw0KGgo'), "PNG as data URI");
  // Metrics table: accuracy, F1s, counts with separators.
  assert.ok(html.includes('<td class="num">100.00%</td>'));
  assert.ok(html.includes('<td class="num">60,000</td>'));
  assert.ok(html.includes('<td class="num">12.3</td>'));
  assert.ok(html.includes('<td class="num">12,346</td>'));
  assert.ok(html.includes('<td class="num">421,834</td>'));
  assert.ok(html.includes("   macro avg     1.0000    1.0000    1.0000         4"));
  // Escaped everywhere, never raw.
  assert.ok(!html.includes("<b>evil"));
  assert.ok(html.includes("&#60;b&#62;evil &#38; co&#60;/b&#62;"));
  assert.ok(html.includes("<title>Fashion-MNIST &#60;report&#62;</title>"));
  // The two copies of the same chart got distinct ids, and references follow them.
  const ids = [...html.matchAll(/\bid="([^"]+)"/g)].map((m) => m[1]);
  assert.equal(new Set(ids).size, ids.length, `duplicate ids: ${ids}`);
  assert.ok(html.includes("url(#f1-1-gradient_"));
  for (const [, ref] of html.matchAll(/url\(#([^)]+)\)/g)) assert.ok(ids.includes(ref), ref);
});

Deno.test("reportMarkdown has the same tables and links the figures", async () => {
  const md = reportMarkdown(await sample());
  assert.ok(md.startsWith("# Fashion-MNIST <report>\n"));
  assert.ok(md.includes(
    "| Model | Accuracy | Macro F1 | Training images | Epochs | Training time (s) | " +
      "Trained on / with | Recipe | Inference (images/s) | Parameters |\n" +
      "|---|---:|---:|---:|---:|---:|---|---|---:|---:|\n" +
      "| cnn | 100.00% | 1.0000 | 60,000 | 12 | 12.3 | llvmpipe | adamw onecycle lr 0.003, flip " +
      "| 12,346 | 421,834 |\n",
  ));
  assert.ok(md.includes("## F1 per class\n\n"));
  assert.ok(md.includes("![F1 again](f1%20again.svg)"));
  assert.ok(md.includes("![grid](grid.png)"));
  assert.ok(md.includes("### cnn\n\n```text\n"));
  assert.ok(!md.includes("base64"));
});

Deno.test("the headline opens both reports; not-full and same-name runs are labelled", async () => {
  const report = await sample();
  report.headline = ["The best network <x> leads.", "Second sentence."];
  report.models[0].run = { note: "9,000 images, 2 epochs — not a full run", trainedOn: null };
  report.models[1].run = { note: null, trainedOn: "cnn trained on NVIDIA H200" };
  report.models[1].trainSeconds = 0; // a checkpoint without timings
  const html = indexHtml(report);
  assert.ok(html.includes(
    "<h1>Fashion-MNIST &#60;report&#62;</h1>\n" +
      '<p class="headline">The best network &#60;x&#62; leads.</p>\n' +
      '<p class="more">Second sentence.</p>\n</header>\n<section id="summary"',
  ));
  assert.ok(
    html.includes("<td>cnn<br><small>9,000 images, 2 epochs — not a full run</small></td>"),
  );
  assert.ok(html.includes(
    "<td>&#60;b&#62;evil &#38; co&#60;/b&#62;<br><small>cnn trained on NVIDIA H200</small></td>",
  ));
  assert.ok(html.includes('Rows marked "not a full run"'.replaceAll('"', "&#34;")));
  assert.ok(html.includes("<h3>cnn (9,000 images, 2 epochs — not a full run)</h3>"));
  const md = reportMarkdown(report);
  assert.ok(md.startsWith(
    "# Fashion-MNIST <report>\n\nThe best network <x> leads. Second sentence.\n\nFirst paragraph.",
  ));
  assert.ok(md.includes("| cnn (9,000 images, 2 epochs — not a full run) | 100.00% |"));
  assert.ok(md.includes("| <b>evil & co</b> (cnn trained on NVIDIA H200) | 50.00% |"));
  assert.ok(
    md.includes("| 60,000 | 12 | — | llvmpipe |"),
    "no training time recorded: a dash, not 0",
  );
  assert.ok(md.includes("told apart by their folder and the adapter that trained them"));
  // Without notes nothing is added.
  const plain = indexHtml(await sample());
  assert.ok(!plain.includes("not a full run") && !plain.includes("<small>"));
  assert.ok(!plain.includes('class="headline"'));
});
