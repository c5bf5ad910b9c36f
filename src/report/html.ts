// The report page (one offline HTML file) and its Markdown twin, from results already computed.
import { Buffer } from "node:buffer";
import { type ClassificationReport, formatReport } from "../eval/metrics.ts";
import {
  FULL_TRAIN_IMAGES,
  MIN_EPOCHS,
  type RunInfo,
  runLabel,
  runNotes,
  type TrainingSummary,
} from "./runs.ts";

/** What the tables need to know about one trained model. */
export interface ModelResult {
  model: string;
  /** On the test set; accuracy and the F1 averages come from it. */
  report: ClassificationReport;
  trainImages: number;
  trainSeconds: number;
  /** Test-set prediction throughput. */
  imagesPerSecond: number;
  parameters: number;
  /** How it was trained, where that matters (not a full run; same name as another model). */
  run?: Pick<RunInfo, "note" | "trainedOn">;
  /** Epochs, adapter or library, recipe (`trainingSummary`). */
  training?: TrainingSummary;
}

/**
 * A chart or image, inlined in HTML; `file` is its path relative to the report, for Markdown;
 * `caption` (plain text) is shown under it on the page.
 */
export type Figure =
  & { file: string; alt: string; caption?: string }
  & ({ svg: string } | { png: Uint8Array });

/** A colour legend drawn in HTML beside small multiples that share one scale (no chart has it). */
export interface Legend {
  title: string;
  /** CSS colours at positions 0–1 from `from` to `to` (as the charts' scale interpolates). */
  stops: readonly { colour: string; at: number }[];
  from: string;
  to: string;
  /** A swatch and its meaning, after the ramp (e.g. the diagonal's grey). */
  swatch?: { colour: string; label: string };
}

export interface Section {
  /** Anchor name: letters, digits and dashes. */
  id: string;
  title: string;
  /** Plain text; a blank line starts a new paragraph. */
  text: string;
  figures: Figure[];
  /**
   * Small multiples: the figures side by side in columns at least this many CSS pixels wide
   * (as many as fit; one on a phone), instead of one under another.
   */
  gridMin?: number;
  /**
   * Figures of different heights (architecture diagrams): flowed into newspaper columns at least
   * this many CSS pixels wide, one under another in each, a wide one across all of them.
   */
  columnMin?: number;
  legend?: Legend;
}

export interface Report {
  title: string;
  /** Sentences computed from the metrics (`headline.ts`), shown first. */
  headline?: string[];
  /** Plain text, paragraphs as in `Section.text`. */
  intro: string;
  classNames: readonly string[];
  models: ModelResult[];
  sections: Section[];
}

/** Standard titles and explanations for the sections the charts and grids make. */
export const SECTION_TEXT = {
  accuracy: {
    title: "Test accuracy",
    text: "The share of test images, never seen in training, that each model labels correctly. " +
      "Chance is 10%.\n\n" +
      "The convolutional network leads because it sees images as images. A model on flattened " +
      "pixels (logistic regression, an MLP, an SVM, a forest) learns one weight per pixel " +
      "position: a collar shifted two pixels is, to it, a different pattern, to be learned again " +
      "from other examples. A convolution slides the same small filter over every position " +
      "(weight sharing), so an edge, a strap or a sole is detected wherever it appears, with few " +
      "parameters; pooling then makes the result tolerant to small shifts, and stacked layers " +
      "compose local features into larger shapes.",
  },
  perClassF1: {
    title: "F1 per class",
    text: "F1 is the harmonic mean of precision (of the images given this label, the share that " +
      "are right) and recall (of the images of this class, the share found). Read across a row " +
      "for a model's weak classes, down a column for a class's difficulty: shirts, pullovers, " +
      "coats and T-shirts share a silhouette and are typically hard for every model, while " +
      "trousers, bags and footwear are easy.",
  },
  confusion: {
    title: "Confusion matrices",
    text: "One matrix per model. Each cell counts test images of the row's true class that the " +
      "model labelled with the column's class; the grey diagonal holds the correct answers. " +
      "Errors (off the diagonal) are coloured by their share of the true class on a scale of " +
      "their own, the same for every model, so the typical confusions stand out: the block of " +
      "upper-body garments (T-shirt, pullover, coat, shirt) and sandals, sneakers and ankle " +
      "boots mistaken for each other.",
  },
  trainingCurves: {
    title: "Training curves",
    text: "Loss and accuracy after each epoch (a pass over the training images), on the training " +
      "images (solid) and on held-out validation images (dashed). Both falling together means " +
      "the model is still learning; validation loss rising while training loss falls means it " +
      "has started to memorise the training set (overfitting), and more epochs will not help.\n\n" +
      "The loss panel shows one quantity: cross-entropy without label smoothing, as validation " +
      "computes it. A network trained with label smoothing logs its training loss smoothed, " +
      "which is larger by construction and not comparable, so its training loss is not drawn; " +
      "its training and validation accuracy still are.",
  },
  learningCurve: {
    title: "Learning curve",
    text: "Test accuracy of each model trained on growing stratified subsets of the training set " +
      "(log scale, `deno task baselines --learning-curve`); each curve's last point is the saved " +
      "model's full run. Comparing models at the same size separates model class from data. " +
      "A curve still rising at the right edge would gain from more data; a flat one is limited " +
      "by the model itself. Models with more capacity usually start lower and end higher.",
  },
  accuracyVsTime: {
    title: "Accuracy against training time",
    text: "Each model's test accuracy against the seconds its training took (log scale), on this " +
      "machine. Models up and to the left give the most accuracy per second; the spread spans " +
      "orders of magnitude, which is why the axis is logarithmic.",
  },
  classDistribution: {
    title: "The data set",
    text: "Fashion-MNIST has 60,000 training and 10,000 test images of 28×28 grey pixels, in ten " +
      "classes of clothing. Every class has the same number of images in each split, so accuracy " +
      "is not skewed by a majority class and chance is 10%.",
  },
  pixelHistogram: {
    title: "Pixel intensities",
    text: "How often each grey level occurs over all training images (log scale). About half of " +
      "all pixels are the black background; models see pixels scaled to [0, 1].",
  },
  meanImages: {
    title: "Mean image per class",
    text: "The average of all training images of each class. Classes whose averages look alike " +
      "(pullover, coat, shirt) are the ones models confuse; a model on raw pixels compares an " +
      "image against templates much like these.",
  },
  inference: {
    title: "Predictions on test images",
    text:
      "Test images as the model sees them (28×28, enlarged), each labelled with the predicted " +
      "class and then the true one; wrong predictions are framed in red.",
  },
  misclassified: {
    title: "Misclassified test images",
    text: "Only the images the model got wrong. Many are ambiguous even to a person: a shirt " +
      "without a visible collar, a sneaker as tall as an ankle boot.",
  },
  weights: {
    title: "Logistic regression weights",
    text: "Logistic regression scores each class by a weighted sum of the 784 pixels; these maps " +
      "show the weights of each class. Red pixels raise the class's score when bright, blue ones " +
      "lower it, white ones do not matter: each map is a template of where ink should and should " +
      "not be. A template is tied to pixel positions, the limit a CNN's shared filters remove.",
  },
  filters: {
    title: "First-layer filters of the CNN",
    text: "The 3×3 filters the first convolution learned (red positive, blue negative weights). " +
      "Each responds to a local pattern (an edge of some orientation, a bright or dark spot) " +
      "wherever it occurs in the image.",
  },
  architectures: {
    title: "Architectures",
    text: "Each saved network, named by its folder, layer by layer with its output shape (batch " +
      "left out). Dashed " +
      "frames are residual blocks: their input skips the block's layers (through a 1×1 " +
      "projection when the shape changes) and is added back at ⊕. `deno task summary --model " +
      "NAME` prints the same as a table with parameters and FLOPs.",
  },
  featureMaps: {
    title: "Feature maps of the CNN",
    text: "What each channel of each convolution layer outputs for one test image (white: strong " +
      "response). The first layer's maps still look like the garment, filtered for edges and " +
      "regions; deeper maps, at lower resolution, respond to larger parts.",
  },
} as const satisfies Record<string, { title: string; text: string }>;

// Columns of words, not figures: left-aligned.
const TEXT_COLUMNS = new Set(["Trained on / with", "Recipe"]);

// No weighted F1: the test set has 1,000 images of every class, so it equals the macro F1
// (metrics.json keeps both).
const HEADERS = [
  "Model",
  "Accuracy",
  "Macro F1",
  "Training images",
  "Epochs",
  "Training time (s)",
  "Trained on / with",
  "Recipe",
  "Inference (images/s)",
  "Parameters",
];

const count = (n: number) => Math.round(n).toLocaleString("en-US");

function metricsRows(models: ModelResult[]): string[][] {
  return models.map((m) => [
    runLabel(m.model, m.run),
    `${(m.report.accuracy * 100).toFixed(2)}%`,
    m.report.macro.f1.toFixed(4),
    count(m.trainImages),
    m.training?.epochs ? String(m.training.epochs) : "—",
    // 0: not recorded (a checkpoint saved mid-run has no timings).
    m.trainSeconds <= 0
      ? "—"
      : m.trainSeconds >= 100
      ? count(m.trainSeconds)
      : m.trainSeconds.toPrecision(3),
    m.training?.trainedWith ?? "—",
    m.training?.recipe ?? "—",
    count(m.imagesPerSecond),
    count(m.parameters),
  ]);
}

/** Said above the table when some rows need it. */
function tableNotes(models: ModelResult[]): string[] {
  const notes: string[] = [];
  if (models.some((m) => m.run?.note)) {
    notes.push(
      `Rows marked "not a full run" were trained on fewer than ${
        FULL_TRAIN_IMAGES.toLocaleString("en-US")
      } images (a baseline: fewer than its default), for fewer than ${MIN_EPOCHS} epochs, or ` +
        "stopped before their planned epochs: they show that the model trains, not what it " +
        "reaches. They are listed after the full runs and left out of the headline.",
    );
  }
  if (models.some((m) => m.run?.trainedOn)) {
    notes.push(
      "Models saved under the same name (such as a GPU machine's models/NAME-gpu beside " +
        "models/NAME) are told apart by their folder and the adapter that trained them.",
    );
  }
  return notes;
}

const paragraphs = (text: string) => text.split(/\n\s*\n/).map((p) => p.trim()).filter(Boolean);

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Prefixes the SVG's ids and their references: Vega numbers clip paths and gradients per
 * process, so two inlined charts could otherwise point at each other's. */
export function scopeIds(svg: string, prefix: string): string {
  return svg
    .replace(/\bid="([^"]+)"/g, `id="${prefix}-$1"`)
    .replace(/url\(#([^)]+)\)/g, `url(#${prefix}-$1)`)
    .replace(/href="#([^"]+)"/g, `href="#${prefix}-$1"`);
}

function figureHtml(f: Figure, id: string): string {
  const body = "svg" in f
    ? scopeIds(f.svg, id).replace("<svg", `<svg role="img" aria-label="${escapeHtml(f.alt)}"`)
    : `<img alt="${escapeHtml(f.alt)}" src="data:image/png;base64,${
      Buffer.from(f.png).toString("base64")
    }">`;
  // A figure wider than two small-multiple columns spans two where there is room.
  const width = Number(/^<svg[^>]*?\swidth="([\d.]+)"/.exec("svg" in f ? f.svg : "")?.[1] ?? 0);
  const caption = f.caption ? `<figcaption>${escapeHtml(f.caption)}</figcaption>` : "";
  return `<figure${width > 700 ? ' class="wide"' : ""}>${body}${caption}</figure>`;
}

function legendHtml(l: Legend): string {
  const ramp = `linear-gradient(to right, ${
    l.stops.map((s) => `${s.colour} ${(s.at * 100).toFixed(1)}%`).join(", ")
  })`;
  return `<p class="legend"><span>${escapeHtml(l.title)}:</span> <span>${
    escapeHtml(l.from)
  }</span> <span class="ramp" style="background: ${ramp}"></span> <span>${escapeHtml(l.to)}</span>${
    l.swatch
      ? ` <span class="swatch" style="background: ${l.swatch.colour}"></span> <span>${
        escapeHtml(l.swatch.label)
      }</span>`
      : ""
  }</p>`;
}

// Narrow screens first: one column, tables and wide figures scroll inside their own box so the
// page itself never scrolls sideways; the summary puts the table beside the chart from 1,000 px.
const STYLE = `
*, *::before, *::after { box-sizing: border-box; }
body { font: 15px/1.45 system-ui, sans-serif; color: #222; max-width: 1240px; margin: 0 auto;
  padding: 0 16px 2em; }
h1 { font-size: 1.55em; line-height: 1.2; margin: .5em 0 .3em; }
h2 { font-size: 1.2em; line-height: 1.25; margin: 0; display: inline; }
h3 { line-height: 1.2; }
p.headline { font-size: 1.05em; border-left: 4px solid #4c78a8; padding-left: .7em;
  margin: .3em 0; }
p.more { font-size: .9em; color: #444; margin: .3em 0 .6em; }
.summary { display: grid; grid-template-columns: minmax(0, 1fr); gap: .6em 1.5em;
  align-items: start; }
@media (min-width: 1000px) { .summary { grid-template-columns: minmax(0, 1fr) minmax(0, 480px); } }
.scroll { overflow-x: auto; max-width: 100%; }
table { border-collapse: collapse; margin: .4em 0; }
th, td { border: 1px solid #ccc; padding: .3em .6em; }
th { background: #f3f3f3; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
table.compact { font-size: 13px; }
table.compact th, table.compact td { padding: .12em .45em; }
table.compact th { font-weight: 600; }
table.compact td:first-child { white-space: nowrap; }
small, .note { font-size: .85em; color: #555; }
figure { margin: .6em 0; max-width: 100%; }
figure svg, figure img { max-width: 100%; height: auto; display: block; }
figcaption { font-size: .9em; color: #444; margin-top: .2em; }
.grid { display: grid; gap: 14px 18px; align-items: start;
  grid-template-columns: repeat(auto-fill, minmax(min(100%, var(--min)), 1fr)); }
.grid figure { margin: 0; }
@media (min-width: 1000px) { .grid figure.wide { grid-column: span 2; } }
.columns { column-width: var(--min); column-gap: 18px; }
.columns figure { break-inside: avoid; margin: 0 0 14px; }
.columns figure.wide { column-span: all; }
nav ol { columns: 3 15em; margin: .3em 0; }
nav h2 { display: block; font-size: 1.05em; margin: .6em 0 0; }
section.part { border-top: 1px solid #ddd; }
section.part > details > summary { cursor: pointer; padding: .45em 0; }
section.part > details[open] > summary { margin-bottom: .3em; }
pre { background: #f7f7f7; padding: .8em; overflow-x: auto; font-size: 12.5px; }
.grid h3 { margin: .2em 0; font-size: 1em; }
p.legend { display: flex; flex-wrap: wrap; align-items: center; gap: .4em; font-size: .9em; }
p.legend .ramp { display: inline-block; width: 160px; height: 12px; border: 1px solid #999; }
p.legend .swatch { display: inline-block; width: 14px; height: 14px; border: 1px solid #999; }
button { font: inherit; font-size: .9em; padding: .2em .7em; }
`;

// Contents links open the section they point to (a closed <details> hides its target), as does
// a page opened at #section; one button opens or closes them all.
const SCRIPT = `
const openAt = (id) => {
  const target = id && document.getElementById(decodeURIComponent(id));
  const details = target && (target.closest("details") || target.querySelector("details"));
  if (details) details.open = true;
};
document.addEventListener("click", (e) => {
  const a = e.target.closest && e.target.closest('a[href^="#"]');
  if (a) openAt(a.getAttribute("href").slice(1));
});
addEventListener("hashchange", () => openAt(location.hash.slice(1)));
openAt(location.hash.slice(1));
const toggle = document.getElementById("toggle-all");
toggle.addEventListener("click", () => {
  const all = [...document.querySelectorAll("section.part > details")];
  const open = !all.every((d) => d.open);
  for (const d of all) d.open = open;
  toggle.textContent = open ? "Close all sections" : "Open all sections";
});
`;

// The summary's table: what to compare at a glance (the recipes are in the Metrics section).
const SUMMARY_HEADERS = [
  "Model",
  "Accuracy",
  "Macro F1",
  "Training images",
  "Epochs",
  "Training time (s)",
  "Inference (images/s)",
  "Parameters",
];

/** A part of the page below the summary: a collapsible section, closed at first. */
function part(id: string, title: string, body: string): string {
  return `<section id="${escapeHtml(id)}" class="part">\n<details>\n<summary><h2>${
    escapeHtml(title)
  }</h2></summary>\n${body}\n</details>\n</section>`;
}

/**
 * The whole report as one self-contained page: charts inlined, images as data URIs, no network.
 * First a summary that fits a screen (the headline, a compact metrics table and the accuracy
 * chart from the section `accuracy`), then the contents, then every section as a collapsible
 * part, closed until opened from the contents or by its title.
 */
export function indexHtml(report: Report): string {
  const p = (text: string) => paragraphs(text).map((t) => `<p>${escapeHtml(t)}</p>`).join("\n");
  // `first`: the first cell's HTML, when it is not just its text.
  const row = (headers: string[], cells: string[], tag: "th" | "td", first?: string) =>
    `<tr>${
      cells.map((c, i) =>
        `<${tag}${tag === "td" && i > 0 && !TEXT_COLUMNS.has(headers[i]) ? ' class="num"' : ""}>${
          i === 0 && first !== undefined ? first : escapeHtml(c)
        }</${tag}>`
      )
        .join("")
    }</tr>`;
  // A model's training notes go on a line of their own under its name.
  const modelCell = (m: ModelResult) => {
    const notes = runNotes(m.run);
    return escapeHtml(m.model) + (notes ? `<br><small>${escapeHtml(notes)}</small>` : "");
  };
  const full = metricsRows(report.models);
  const table = (headers: string[], cls = "") => {
    const keep = headers.map((h) => HEADERS.indexOf(h));
    return `<div class="scroll"><table${cls ? ` class="${cls}"` : ""}>\n<thead>${
      row(headers, headers, "th")
    }</thead>\n<tbody>\n${
      full.map((r, i) => row(headers, keep.map((k) => r[k]), "td", modelCell(report.models[i])))
        .join("\n")
    }\n</tbody>\n</table></div>`;
  };
  const accuracy = report.sections.find((s) => s.id === "accuracy");
  const chartHtml = accuracy?.figures.length ? figureHtml(accuracy.figures[0], "summary-0") : "";
  const [lead, ...more] = report.headline ?? [];
  const notes = tableNotes(report.models);
  const summary = `<section id="summary" class="summary" aria-label="Summary">
<div>
${table(SUMMARY_HEADERS, "compact")}
${notes.map((n) => `<p class="note">${escapeHtml(n)}</p>`).join("\n")}
</div>
${chartHtml}
</section>`;
  const sections = report.sections.map((s) => {
    // The accuracy chart is in the summary; its section keeps the explanation.
    const figures = s.id === "accuracy" ? [] : s.figures;
    const body = figures.map((f, i) => figureHtml(f, `${s.id}-${i}`)).join("\n");
    return part(
      s.id,
      s.title,
      `${p(s.text)}\n${s.legend ? legendHtml(s.legend) + "\n" : ""}${
        s.gridMin
          ? `<div class="grid" style="--min: ${s.gridMin}px">\n${body}\n</div>`
          : s.columnMin
          ? `<div class="columns" style="--min: ${s.columnMin}px">\n${body}\n</div>`
          : body
      }`,
    );
  });
  const reports = report.models.map((m) =>
    `<div><h3>${escapeHtml(runLabel(m.model, m.run))}</h3>\n<pre>${
      escapeHtml(formatReport(m.report, report.classNames, 4))
    }</pre></div>`
  );
  const toc = [["metrics", "Metrics"], ...report.sections.map((s) => [s.id, s.title]), [
    "reports",
    "Classification reports",
  ]].map(([id, title]) => `<li><a href="#${escapeHtml(id)}">${escapeHtml(title)}</a></li>`);
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(report.title)}</title>
<style>${STYLE}</style>
</head>
<body>
<header>
<h1>${escapeHtml(report.title)}</h1>
${lead ? `<p class="headline">${escapeHtml(lead)}</p>\n` : ""}${
    more.length ? `<p class="more">${escapeHtml(more.join(" "))}</p>\n` : ""
  }</header>
${summary}
${p(report.intro).replaceAll("<p>", '<p class="note">')}
<nav aria-label="Contents">
<h2>Contents</h2>
<ol>
${toc.join("\n")}
</ol>
<p><button type="button" id="toggle-all">Open all sections</button></p>
</nav>
${
    part(
      "metrics",
      "Metrics",
      `<p>Accuracy and F1 on the test set; training time and inference throughput as measured ` +
        `on this machine; how each model was trained.</p>\n${p(notes.join("\n\n"))}\n${
          table(HEADERS)
        }`,
    )
  }
${sections.join("\n")}
${
    part(
      "reports",
      "Classification reports",
      `<p>Per class precision, recall, F1 and support (test images of the class), as ` +
        `scikit-learn prints them.</p>\n<div class="grid" style="--min: 430px">\n${
          reports.join("\n")
        }\n</div>`,
    )
  }
<script>${SCRIPT}</script>
</body>
</html>
`;
}

/** `report.md`: the same tables and texts, figures linked by their files. */
export function reportMarkdown(report: Report): string {
  const cell = (s: string) => s.replace(/\\/g, "\\\\").replace(/\|/g, "\\|");
  const line = (cells: string[]) => `| ${cells.map(cell).join(" | ")} |`;
  const table = [
    line(HEADERS),
    `|---|${HEADERS.slice(1).map((h) => TEXT_COLUMNS.has(h) ? "---" : "---:").join("|")}|`,
    ...metricsRows(report.models).map(line),
  ];
  const sections = report.sections.map((s) =>
    [
      `## ${s.title}`,
      ...paragraphs(s.text),
      ...s.figures.map((f) => `![${f.alt.replace(/[[\]]/g, "")}](${encodeURI(f.file)})`),
    ].join("\n\n")
  );
  const reports = report.models.map((m) =>
    `### ${runLabel(m.model, m.run)}\n\n\`\`\`text\n${
      formatReport(m.report, report.classNames, 4)
    }\`\`\``
  );
  return [
    `# ${report.title}`,
    ...(report.headline?.length ? [report.headline.join(" ")] : []),
    ...paragraphs(report.intro),
    "## Metrics",
    ...tableNotes(report.models),
    table.join("\n"),
    ...sections,
    "## Classification reports",
    ...reports,
  ].join("\n\n") + "\n";
}
