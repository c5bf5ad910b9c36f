// The report's "Why the CNN leads: experiments" section, from results/experiments/*.json (written
// by `deno task experiments`): tables, sentences computed from the results, and the figures. It
// appears on the page and in report.md when those results exist, between two markers, so that
// `deno task experiments` can put it into an existing page and `deno task evaluate` keeps it.
import { Buffer } from "node:buffer";
import { join } from "node:path";
import { readJsonOrNull } from "../util/fs.ts";
import { writeFileAtomic } from "../util/atomic.ts";
import { escapeHtml, scopeIds } from "./html.ts";
import type {
  OcclusionResult,
  PermutationResult,
  Provenance,
  TranslationResult,
} from "../experiments/results.ts";

export const SECTION_ID = "experiments";
export const SECTION_TITLE = "Why the CNN leads: experiments";
export const START = "<!-- experiments:start -->";
export const END = "<!-- experiments:end -->";

export interface ExperimentResults {
  permutation: PermutationResult | null;
  translation: TranslationResult | null;
  occlusion: OcclusionResult | null;
}

/** The experiments' results under `resultsDir`/experiments, or null when there are none. */
export function readExperiments(resultsDir: string): ExperimentResults | null {
  const dir = join(resultsDir, "experiments");
  const read = <T extends { kind: string }>(name: string, kind: string) => {
    const r = readJsonOrNull<T>(join(dir, `${name}.json`));
    return r?.kind === kind ? r : null;
  };
  const r = {
    permutation: read<PermutationResult>("permutation", "permutation"),
    translation: read<TranslationResult>("translation", "translation"),
    occlusion: read<OcclusionResult>("occlusion", "occlusion"),
  };
  return r.permutation || r.translation || r.occlusion ? r : null;
}

const pct = (x: number) => `${(x * 100).toFixed(2)}%`;
const points = (d: number) => `${d >= 0 ? "+" : "−"}${Math.abs(d * 100).toFixed(2)}`;
const list = (items: string[]) =>
  items.length < 2
    ? items.join("")
    : `${items.slice(0, -1).join(", ")} and ${items[items.length - 1]}`;

function measured(p: Provenance): string {
  const a = p.adapter
    ? `${p.adapter.description}${p.adapter.backend ? `, ${p.adapter.backend}` : ""}`
    : "an unrecorded adapter";
  return `Measured on ${a}, ${p.createdAt.slice(0, 10)}, Deno ${p.deno}.`;
}

/** Sentences on the permutation results, every figure from them. */
export function permutationSentences(r: PermutationResult): string[] {
  const out: string[] = [];
  const pixels = r.models.filter((m) => m.family === "pixels");
  const images = r.models.filter((m) => m.family === "images");
  const change = (m: { original: number; permuted: number }) => m.permuted - m.original;
  if (pixels.length) {
    const sorted = pixels.toSorted((a, b) => change(a) - change(b));
    const lo = sorted[0], hi = sorted[sorted.length - 1];
    out.push(
      `Retrained and tested with one fixed random permutation of the pixels (seed ${r.seed}), ` +
        `the ${pixels.length} flattened-pixel model${pixels.length > 1 ? "s" : ""} changed by ` +
        (pixels.length > 1
          ? `${points(change(lo))} (${lo.model}) to ${points(change(hi))} (${hi.model}) points.`
          : `${points(change(lo))} points.`),
    );
  }
  const best = pixels.toSorted((a, b) => b.original - a.original)[0];
  for (const m of images) {
    out.push(
      `${m.model} went from ${pct(m.original)} to ${pct(m.permuted)} (${
        points(change(m))
      } points)` +
        (best
          ? `: its lead over the best flattened-pixel model, ${best.model}, went from ${
            points(m.original - best.original)
          } to ${points(m.permuted - best.permuted)} points.`
          : "."),
    );
  }
  if (r.models.length) {
    const not = r.models.map((m) => m.originalOnPermuted);
    out.push(
      `Not retrained, the same models score ${pct(Math.min(...not))} to ${
        pct(Math.max(...not))
      } on the permuted test images (chance: 10%).`,
    );
  }
  return out;
}

/** Accuracy of `model` at `pixels` in `direction`, or undefined. */
function at(r: TranslationResult, model: string, direction: string, pixels: number) {
  return r.rows.find((x) => x.model === model && x.direction === direction && x.pixels === pixels)
    ?.accuracy;
}

/** Sentences on the translation results: the reference cnn, its augmented twin, the best pixel model. */
export function translationSentences(r: TranslationResult): string[] {
  const out: string[] = [];
  const pixels = r.models.filter((m) => m.family === "pixels" && !m.note)
    .sort((a, b) => (at(r, b.model, "right", 0) ?? 0) - (at(r, a.model, "right", 0) ?? 0));
  const best = pixels[0]?.model;
  const shifted = r.models.find((m) => /^cnn-shift\d+$/.test(m.model))?.model;
  const mid = Math.min(2, r.maxShift);
  const describe = (model: string, pixelsAt: number) => {
    const a0 = at(r, model, "diagonal", 0)!, a = at(r, model, "diagonal", pixelsAt)!;
    return `${model} ${pct(a0)} → ${pct(a)} (${points(a - a0)} points)`;
  };
  const named = ["cnn", best].filter((m): m is string =>
    !!m && at(r, m, "diagonal", 0) !== undefined
  );
  if (best) out.push(`The best flattened-pixel model is ${best}.`);
  for (const p of [...new Set([1, mid, r.maxShift])]) {
    if (!named.length) break;
    out.push(
      `Test images moved ${p} pixel${p > 1 ? "s" : ""} right and ${p} down: ${
        list(named.map((m) => describe(m, p)))
      }.`,
    );
  }
  if (shifted && at(r, "cnn", "diagonal", r.maxShift) !== undefined) {
    const m = r.models.find((m) => m.model === shifted)!;
    const took = m.trainSeconds && Number.isFinite(m.trainSeconds)
      ? `, trained in ${Math.round(m.trainSeconds).toLocaleString("en-US")} s`
      : "";
    out.push(
      `The same cnn recipe trained with random shifts (${m.augment}${took}): ${
        describe(shifted, r.maxShift)
      } ` +
        `at ${r.maxShift} pixels diagonally, against ${
          pct(at(r, "cnn", "diagonal", r.maxShift)!)
        } without them.`,
    );
  }
  return out;
}

interface Table {
  head: string[];
  rows: string[][];
}

function permutationTable(r: PermutationResult): Table {
  return {
    head: [
      "Model",
      "Sees",
      "Training images",
      "Original",
      "Permuted, retrained",
      "Change (points)",
      "Permuted, not retrained",
      "Permuted training (s)",
    ],
    rows: r.models.toSorted((a, b) => b.original - a.original).map((m) => [
      m.model,
      m.family === "images" ? "images (convolutions)" : "flattened pixels",
      m.trainImages.toLocaleString("en-US"),
      pct(m.original),
      pct(m.permuted),
      points(m.permuted - m.original),
      pct(m.originalOnPermuted),
      m.permutedTrainSeconds === null || !Number.isFinite(m.permutedTrainSeconds)
        ? "—"
        : Math.round(m.permutedTrainSeconds).toLocaleString("en-US"),
    ]),
  };
}

const ARROWS: Record<string, string> = { right: "→", down: "↓", diagonal: "↘" };

function translationTable(r: TranslationResult): Table {
  const shifts = Array.from({ length: r.maxShift }, (_, i) => i + 1);
  const dirs = ["right", "down", "diagonal"];
  const order = r.models.toSorted((a, b) =>
    (at(r, b.model, "right", 0) ?? 0) - (at(r, a.model, "right", 0) ?? 0)
  );
  return {
    head: [
      "Model",
      "Training augmentation",
      "0 px",
      ...dirs.flatMap((d) => shifts.map((p) => `${ARROWS[d]} ${p}`)),
    ],
    rows: order.map((m) => [
      m.model + (m.note ? ` (${m.note})` : ""),
      m.augment === "none" ? "none" : m.augment.split(",").filter((t) => !t.startsWith("erase-"))
        .join(", "),
      ((at(r, m.model, "right", 0) ?? NaN) * 100).toFixed(1),
      ...dirs.flatMap((d) => shifts.map((p) => ((at(r, m.model, d, p) ?? NaN) * 100).toFixed(1))),
    ]),
  };
}

function tableHtml(t: Table): string {
  const cell = (c: string, i: number, tag: string) =>
    `<${tag}${tag === "td" && i > 0 && /^[−+\d.,%—-]+%?$/.test(c) ? ' class="num"' : ""}>${
      escapeHtml(c)
    }</${tag}>`;
  // In a box of its own that scrolls sideways on a narrow screen, not the page.
  return `<div class="scroll"><table>\n<thead><tr>${
    t.head.map((c, i) => cell(c, i, "th")).join("")
  }</tr></thead>\n` +
    `<tbody>\n${
      t.rows.map((r) => `<tr>${r.map((c, i) => cell(c, i, "td")).join("")}</tr>`).join("\n")
    }\n</tbody>\n</table></div>`;
}

function tableMarkdown(t: Table): string {
  const line = (cells: string[]) => `| ${cells.map((c) => c.replace(/\|/g, "\\|")).join(" | ")} |`;
  return [line(t.head), `|---|${t.head.slice(1).map(() => "---:").join("|")}|`, ...t.rows.map(line)]
    .join("\n");
}

/** "Left out: a, b (why); c (why)." with the models of one reason together. */
function leftOutText(l: { model: string; reason: string }[]): string {
  const byReason = new Map<string, string[]>();
  for (const x of l) byReason.set(x.reason, [...(byReason.get(x.reason) ?? []), x.model]);
  const parts = [...byReason].map(([reason, models]) => `${list(models)} (${reason})`);
  return parts.length ? `Left out: ${parts.join("; ")}.` : "";
}

const TEXT = {
  intro: "The comparison above measures how far the CNN leads; these experiments test why. A " +
    "convolution looks at each pixel together with its neighbours and uses the same filter at " +
    "every position; a model on flattened pixels (logistic regression, SVMs, forests, an MLP) " +
    "sees 784 numbers in a fixed order and nothing of which pixels are neighbours. Each " +
    "experiment takes one of these properties away or puts it to the test.",
  permutation: "One fixed random permutation of the 784 pixel positions is applied to every " +
    "training and test image, which turns each garment into noise to the eye, and every model " +
    "is retrained on the permuted images with the recipe and training size of its comparison " +
    "run. To a model on flattened pixels this only renames its inputs: logistic regression, " +
    "the linear SVM and the MLP can learn the same function with their weights permuted, the " +
    "RBF SVM's kernel depends only on distances between images, which the permutation keeps, " +
    "and forests split on single pixels whatever their order; so their accuracy can change only " +
    "by training noise. A CNN's 3×3 filters and pooling assume that neighbouring pixels belong " +
    "together; after the permutation its neighbourhoods are random pixels. The last column is " +
    "each comparison model given permuted test images without retraining.",
  translation: "Every test image is moved by whole pixels, right, down or diagonally, the " +
    "uncovered border filled with the black background. A flattened-pixel model ties what it " +
    "learned to pixel positions, so a shift turns an image into a vector it has not seen. A " +
    "convolution detects a pattern wherever it is and pooling tolerates small moves, but the " +
    "dense layers after them are tied to positions too, so a CNN is not shift-invariant by " +
    "construction; training on randomly shifted images (augmentation) teaches it. The " +
    "reference cnn is therefore also trained with its default recipe plus random shifts, same " +
    "seed and epochs.",
  occlusion: "Where the network looks: a black square patch is slid over the image and the " +
    "drop in the CNN's probability of the true class is recorded at each position (occlusion " +
    "sensitivity, Zeiler & Fergus 2014); red marks regions the decision depends on, blue " +
    "regions that argued against the true class. Beside each class, the linear model's weights " +
    "for that class: one fixed template of where ink should (red) and should not (blue) be, the " +
    "same for every image. An occlusion map belongs to one image: it shows which regions of " +
    "that image the CNN's decision rests on, wherever the garment's parts happen to be. The " +
    "images are the first two of each class in the test set, not picked.",
};

/** The section's HTML (between the markers), with figures read from resultsDir/experiments. */
export function experimentsHtml(r: ExperimentResults, resultsDir: string): string {
  const dir = join(resultsDir, "experiments");
  const p = (t: string) => t ? `<p>${escapeHtml(t)}</p>` : "";
  const svg = (name: string, alt: string) => {
    try {
      const text = Deno.readTextFileSync(join(dir, `${name}.svg`));
      return `<figure>${
        scopeIds(text, `exp-${name}`).replace(
          "<svg",
          `<svg role="img" aria-label="${escapeHtml(alt)}"`,
        )
      }</figure>`;
    } catch {
      return "";
    }
  };
  const png = (name: string, alt: string) => {
    try {
      const bytes = Deno.readFileSync(join(dir, `${name}.png`));
      return `<figure><img alt="${escapeHtml(alt)}" src="data:image/png;base64,${
        Buffer.from(bytes).toString("base64")
      }"></figure>`;
    } catch {
      return "";
    }
  };
  const parts = [
    START,
    // A collapsible part, as the page's other sections (html.ts).
    `<section id="${SECTION_ID}" class="part">`,
    `<details>`,
    `<summary><h2>${escapeHtml(SECTION_TITLE)}</h2></summary>`,
    p(TEXT.intro),
  ];
  if (r.permutation) {
    parts.push(
      `<h3>Pixel permutation</h3>`,
      p(TEXT.permutation),
      `<p class="headline">${escapeHtml(permutationSentences(r.permutation).join(" "))}</p>`,
      tableHtml(permutationTable(r.permutation)),
      p(leftOutText(r.permutation.leftOut)),
      p(measured(r.permutation)),
      svg("permutation", "accuracy with original and permuted pixels"),
    );
  }
  if (r.translation) {
    parts.push(
      `<h3>Translation</h3>`,
      p(TEXT.translation),
      `<p class="headline">${escapeHtml(translationSentences(r.translation).join(" "))}</p>`,
      svg(
        "translation_cnn",
        "accuracy of the cnn with and without shift augmentation on shifted images",
      ),
      svg("translation", "accuracy of every model on shifted test images"),
      p("Test accuracy (%) by shift: → right, ↓ down, ↘ diagonal, in pixels."),
      tableHtml(translationTable(r.translation)),
      p(leftOutText(r.translation.leftOut)),
      p(measured(r.translation)),
    );
  }
  if (r.occlusion) {
    const wrong = r.occlusion.images.filter((im) => im.predicted !== im.label).length;
    parts.push(
      `<h3>Where the CNN looks</h3>`,
      p(TEXT.occlusion),
      p(
        `${r.occlusion.model} classifies ${r.occlusion.images.length - wrong} of these ` +
          `${r.occlusion.images.length} images correctly; each map is scaled to its own largest ` +
          `drop, written under it. Patch ${r.occlusion.settings.patch}×${r.occlusion.settings.patch}` +
          ` pixels, stride ${r.occlusion.settings.stride}. ${measured(r.occlusion)}`,
      ),
      png(
        "occlusion",
        `occlusion maps of ${r.occlusion.model} beside ${r.occlusion.linear}'s weights`,
      ),
    );
  }
  parts.push(`<p>Run by <code>deno task experiments</code>; data and charts in experiments/.</p>`);
  parts.push("</details>", "</section>", END);
  return parts.filter(Boolean).join("\n");
}

/** The section in Markdown, for report.md (figures linked by their files). */
export function experimentsMarkdown(r: ExperimentResults): string {
  const parts = [START, `## ${SECTION_TITLE}`, TEXT.intro];
  if (r.permutation) {
    parts.push(
      "### Pixel permutation",
      TEXT.permutation,
      permutationSentences(r.permutation).join(" "),
      tableMarkdown(permutationTable(r.permutation)),
      leftOutText(r.permutation.leftOut),
      measured(r.permutation),
      "![accuracy with original and permuted pixels](experiments/permutation.svg)",
    );
  }
  if (r.translation) {
    parts.push(
      "### Translation",
      TEXT.translation,
      translationSentences(r.translation).join(" "),
      "![cnn with and without shift augmentation](experiments/translation_cnn.svg)",
      "![every model on shifted test images](experiments/translation.svg)",
      "Test accuracy (%) by shift: → right, ↓ down, ↘ diagonal, in pixels.",
      tableMarkdown(translationTable(r.translation)),
      leftOutText(r.translation.leftOut),
      measured(r.translation),
    );
  }
  if (r.occlusion) {
    parts.push(
      "### Where the CNN looks",
      TEXT.occlusion,
      measured(r.occlusion),
      "![occlusion maps beside the linear model's weights](experiments/occlusion.png)",
    );
  }
  parts.push(END);
  return parts.filter(Boolean).join("\n\n");
}

/**
 * `page` (index.html) with the section `block` in place: replacing the one between the markers,
 * else inserted before the classification reports (or the end of the body), with its entry in the
 * table of contents. A null block removes an old section.
 */
export function withExperimentsHtml(page: string, block: string | null): string {
  const tocEntry = `<li><a href="#${SECTION_ID}">${escapeHtml(SECTION_TITLE)}</a></li>`;
  let out = removeBetweenMarkers(page);
  if (block === null) return out.replace(`${tocEntry}\n`, "");
  // The reports' section, with or without attributes after its id (class="part").
  const before = ['<section id="reports"', "</body>"].find((m) => out.includes(m));
  out = before ? out.replace(before, `${block}\n${before}`) : `${out}\n${block}\n`;
  if (!out.includes(tocEntry)) {
    const reportsEntry = '<li><a href="#reports">';
    if (out.includes(reportsEntry)) out = out.replace(reportsEntry, `${tocEntry}\n${reportsEntry}`);
  }
  return out;
}

/** `markdown` (report.md) with the section in place, before the classification reports. */
export function withExperimentsMarkdown(markdown: string, block: string | null): string {
  const out = removeBetweenMarkers(markdown);
  if (block === null) return out;
  const before = "## Classification reports";
  return out.includes(before)
    ? out.replace(before, `${block}\n\n${before}`)
    : `${out.trimEnd()}\n\n${block}\n`;
}

function removeBetweenMarkers(text: string): string {
  const a = text.indexOf(START);
  const b = text.indexOf(END);
  if (a < 0 || b < a) return text;
  return text.slice(0, a) + text.slice(b + END.length).replace(/^\n+/, "");
}

/** Both blocks for `resultsDir`, or null without experiment results. */
export function experimentsBlocks(resultsDir: string): { html: string; markdown: string } | null {
  const r = readExperiments(resultsDir);
  return r ? { html: experimentsHtml(r, resultsDir), markdown: experimentsMarkdown(r) } : null;
}

/**
 * Puts the section into `resultsDir`/index.html and report.md where they exist (atomically);
 * returns the files it changed.
 */
export async function updateReportPages(resultsDir: string): Promise<string[]> {
  const blocks = experimentsBlocks(resultsDir);
  const changed: string[] = [];
  for (
    const [name, splice] of [
      ["index.html", (t: string) => withExperimentsHtml(t, blocks?.html ?? null)],
      ["report.md", (t: string) => withExperimentsMarkdown(t, blocks?.markdown ?? null)],
    ] as const
  ) {
    const path = join(resultsDir, name);
    let text: string;
    try {
      text = await Deno.readTextFile(path);
    } catch {
      continue;
    }
    const next = splice(text);
    if (next !== text) {
      await writeFileAtomic(path, next);
      changed.push(path);
    }
  }
  return changed;
}
