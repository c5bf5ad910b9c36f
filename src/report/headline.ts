// The comparison's headline, computed from metrics.json: the best network that sees images
// against the best flattened-pixel model, and where the winner's remaining errors are. Used by
// the report page, report.md and tools/readme_headline.ts (README.md's marked block).
import { isMlp, NOT_FULL, type RunInfo, runInfos } from "./runs.ts";

/** What the headline reads from one model of metrics.json. */
export interface HeadlineModel {
  model: string;
  accuracy: number;
  trainImages?: number;
  config?: unknown;
  /** Test-set counts `m[true][predicted]`; without it the headline says nothing of errors. */
  confusion?: number[][];
  /** As evaluate records it; worked out from `config` where absent (older metrics.json). */
  run?: RunInfo;
}

export interface HeadlineMetrics {
  testImages: number;
  models: HeadlineModel[];
}

const count = (n: number) => Math.round(n).toLocaleString("en-US");
const percent = (x: number, digits = 2) => `${(x * 100).toFixed(digits)}%`;
const list = (items: string[]) =>
  items.length < 2
    ? items.join("")
    : `${items.slice(0, -1).join(", ")} and ${items[items.length - 1]}`;

/** The confused class pairs of a confusion matrix, most frequent first (both directions). */
export function confusedPairs(confusion: number[][], classNames: readonly string[], top = 3) {
  const rows = confusion.map((r) => r.reduce((a, b) => a + b, 0));
  const pairs: { text: string; images: number }[] = [];
  for (let i = 0; i < confusion.length; i++) {
    for (let j = i + 1; j < confusion.length; j++) {
      const images = confusion[i][j] + confusion[j][i];
      if (!images) continue;
      const rate = (t: number, p: number) => rows[t] ? confusion[t][p] / rows[t] : 0;
      // The direction with the higher rate first.
      const [a, b] = rate(i, j) >= rate(j, i) ? [i, j] : [j, i];
      pairs.push({
        images,
        text: `${classNames[a]} ↔ ${classNames[b]} (${count(images)} images: ${
          percent(rate(a, b), 1)
        } of ${classNames[a]} taken for ${classNames[b]}, ${percent(rate(b, a), 1)} the other way)`,
      });
    }
  }
  return pairs.sort((p, q) => q.images - p.images).slice(0, top);
}

/**
 * The headline as plain sentences. Only full runs (`runs.ts`) count: the best network that sees
 * images (convolutions) against the best flattened-pixel model (the baselines and the MLP), the
 * lead in percentage points and as a relative error reduction (errB − errA) / errB, the winner's
 * most confused class pairs, and which models were left out as not full runs.
 */
export function headline(
  metrics: HeadlineMetrics,
  classNames: readonly string[],
  defaultTrainImages?: (name: string) => number | undefined,
): string[] {
  const n = metrics.testImages;
  const computed = runInfos(
    metrics.models.map((m) => ({
      model: m.model,
      config: m.config,
      trainImages: m.trainImages ?? 0,
    })),
    defaultTrainImages,
  );
  const models = metrics.models.map((m, i) => ({ ...m, run: m.run ?? computed[i] }));
  if (!models.length) return [];
  const full = models.filter((m) => m.run.full).sort((a, b) => b.accuracy - a.accuracy);
  const name = (m: (typeof models)[number]) =>
    m.run.trainedOn ? `${m.model} (${m.run.trainedOn})` : m.model;
  const images = full.filter((m) => m.run.family === "images");
  const pixels = full.filter((m) => m.run.family === "pixels");
  const [a, b] = [images[0], pixels[0]];
  const errors = (m: HeadlineModel) => Math.round((1 - m.accuracy) * n);
  const out: string[] = [];

  if (a && b) {
    const errA = 1 - a.accuracy, errB = 1 - b.accuracy;
    const points = Math.abs(a.accuracy - b.accuracy) * 100;
    const relative = errB > 0 ? `, or ${percent(Math.abs(errB - errA) / errB, 1)}` : "";
    const lead = a.accuracy >= b.accuracy
      ? `a lead of ${points.toFixed(2)} percentage points${relative} fewer errors`
      : `${points.toFixed(2)} percentage points behind${relative} more errors`;
    out.push(
      `The best network that sees images, ${name(a)}, labels ${percent(a.accuracy)} of the ` +
        `${count(n)} test images correctly, the best flattened-pixel model, ${name(b)}, ` +
        `${percent(b.accuracy)}: ${lead} (${count(errors(a))} against ${count(errors(b))}).`,
    );
  } else if (a) {
    out.push(
      `The best network that sees images, ${name(a)}, labels ${percent(a.accuracy)} of the ` +
        `${count(n)} test images correctly; no full run of a flattened-pixel model is here to ` +
        `compare it with.`,
    );
  } else if (b) {
    out.push(
      `No full run of a network that sees images is here; the best flattened-pixel model, ` +
        `${name(b)}, labels ${percent(b.accuracy)} of the ${count(n)} test images correctly.`,
    );
  } else {
    out.push("No model here is a full run, so there is no comparison yet: see the table.");
  }

  if (images.length || pixels.length) {
    const mlps = pixels.filter((m) => isMlp(m.config)).map((m) => m.model);
    out.push(
      `Networks that see images are those with convolutions (here ${
        list(images.map((m) => m.model)) || "none"
      }); flattened-pixel models read the 784 pixels as one vector (here ${
        list(pixels.map((m) => m.model)) || "none"
      })${
        mlps.length
          ? `: ${list(mlps)} ${
            mlps.length > 1 ? "are networks" : "is a network"
          } too, but without convolutions ${
            mlps.length > 1 ? "they see" : "it sees"
          } flattened pixels and so ${mlps.length > 1 ? "count" : "counts"} with them`
          : ""
      }.`,
    );
  }

  if (a?.confusion) {
    const pairs = confusedPairs(a.confusion, classNames);
    const wrong = a.confusion.reduce(
      (s, row, t) => s + row.reduce((u, v, p) => u + (p === t ? 0 : v), 0),
      0,
    );
    if (pairs.length && wrong > 0) {
      const inPairs = pairs.reduce((s, p) => s + p.images, 0);
      out.push(
        `${a.model}'s most frequent confusions are ${list(pairs.map((p) => p.text))}: ` +
          `${percent(inPairs / wrong, 0)} of its ${count(wrong)} errors.`,
      );
    }
  }

  const left = models.filter((m) => !m.run.full);
  if (left.length) {
    out.push(
      `Left out as not full runs (labelled in the table): ${
        left.map((m) => `${m.model} (${m.run.note!.replace(NOT_FULL, "")})`).join(", ")
      }.`,
    );
  }
  return out;
}

export const HEADLINE_START = "<!-- headline:start -->";
export const HEADLINE_END = "<!-- headline:end -->";

/**
 * Markdown prose wrapped at `width` the way `deno fmt` wraps it (greedy, at spaces), never
 * starting a line with what Markdown would read as a list item, heading, quote or table.
 */
export function wrapMarkdown(text: string, width = 100): string {
  const risky = /^([-+*>#|]|\d+[.)])$/;
  const lines: string[][] = [[]];
  let length = 0;
  for (const word of text.split(/\s+/).filter(Boolean)) {
    const line = lines[lines.length - 1];
    if (line.length && length + 1 + word.length > width) {
      const next = [word];
      // A risky word, or one right before a risky word, moves down with its successor.
      while (line.length > 1 && risky.test(next[0])) next.unshift(line.pop()!);
      lines.push(next);
      length = next.join(" ").length;
    } else {
      line.push(word);
      length += (line.length > 1 ? 1 : 0) + word.length;
    }
  }
  return lines.map((l) => l.join(" ")).join("\n");
}

/**
 * `readme` with the text between HEADLINE_START and HEADLINE_END replaced by `sentences` as one
 * paragraph; an error if the markers are missing or out of order.
 */
export function replaceHeadlineBlock(readme: string, sentences: string[]): string {
  const start = readme.indexOf(HEADLINE_START);
  const end = readme.indexOf(HEADLINE_END);
  if (start < 0 || end < start) {
    throw new Error(`no "${HEADLINE_START}" … "${HEADLINE_END}" block to replace`);
  }
  return readme.slice(0, start + HEADLINE_START.length) + "\n\n" +
    wrapMarkdown(sentences.join(" ")) + "\n\n" + readme.slice(end);
}
