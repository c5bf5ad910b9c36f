// The experiments' charts (Vega-Lite specs) and the occlusion figure (a PNG composed as SVG and
// drawn by resvg with the Inter font, like the report's other image grids).
import type { TopLevelSpec } from "vega-lite";
import { accuracyDomain, chart, modelKey, modelLines } from "../report/charts.ts";
import { modelScales } from "../report/palette.ts";
import { encodePng } from "../report/png.ts";
import { escapeXml, pngWithText, textWidth } from "../report/svg_png.ts";
import { DIRECTIONS, type TranslationRow } from "./translation.ts";
import type { OcclusionImage, PermutationModel, Provenance } from "./results.ts";

const pct = { format: ".0%" };

/** `text` in lines of at most `width` characters, broken at spaces (a chart's subtitle lines). */
export function wrap(text: string, width = 100): string[] {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines;
}

/** `chart` with its subtitle wrapped, so that a long one does not widen the figure. */
function wrapped(title: string, description: string, body: Record<string, unknown>) {
  return {
    ...chart(title, description, body),
    title: { text: title, subtitle: wrap(description), anchor: "start" },
  } as TopLevelSpec;
}

/** "ADAPTER (details), vulkan; 2026-11-29": the adapter and date of a result. */
export function provenanceLine(p: Provenance): string {
  const adapter = p.adapter
    ? `${p.adapter.description}${p.adapter.backend ? `, ${p.adapter.backend}` : ""}`
    : "adapter not recorded";
  return `${adapter}; ${p.createdAt.slice(0, 10)}`;
}

/**
 * Original against permuted-pixel accuracy per model, a dumbbell plot: a filled point for the
 * model trained and tested on the original images, an open one for the model retrained and tested
 * with every image's pixels permuted, joined by a line; each model in its report colour and shape.
 */
export function permutationChart(
  models: PermutationModel[],
  p: Provenance & { seed: number },
): TopLevelSpec {
  const order = models.toSorted((a, b) => b.original - a.original).map((m) => m.model);
  const values = models.flatMap((m) => [
    { model: m.model, condition: "original", accuracy: m.original, other: m.permuted },
    { model: m.model, condition: "permuted", accuracy: m.permuted, other: m.original },
  ]);
  const [lo, hi] = accuracyDomain(values.map((v) => v.accuracy));
  const scales = modelScales(order);
  const y = { field: "model", type: "nominal", sort: order, title: "Model" };
  const x = {
    field: "accuracy",
    type: "quantitative",
    title: "Test accuracy",
    axis: { format: ".1%" },
    scale: { domain: [lo, hi], nice: false, zero: false },
  };
  return wrapped(
    "Pixel permutation: accuracy with the pixels in place and permuted",
    `Small filled mark: trained and tested on the images; large open mark: retrained and tested with one fixed random ` +
      `permutation (seed ${p.seed}) of the 784 pixels of every image; the axis starts at ` +
      `${Math.round(lo * 100)}%. ${provenanceLine(p)}`,
    {
      data: { values },
      width: 620,
      height: { step: 24 },
      encoding: { y, x },
      layer: [
        {
          transform: [{ filter: "datum.condition === 'original'" }],
          mark: { type: "rule", strokeWidth: 1.5, opacity: 0.6 },
          encoding: {
            x2: { field: "other" },
            color: { field: "model", type: "nominal", scale: scales.color, legend: null },
          },
        },
        // The permuted run's open mark is drawn larger, around the original's filled one, so
        // that both show where they coincide.
        {
          transform: [{ filter: "datum.condition === 'permuted'" }],
          mark: { type: "point", size: 190, opacity: 1, strokeWidth: 1.8, filled: false },
          encoding: {
            color: { field: "model", type: "nominal", scale: scales.color, legend: null },
            shape: { field: "model", type: "nominal", scale: scales.shape, legend: null },
          },
        },
        {
          transform: [{ filter: "datum.condition === 'original'" }],
          mark: { type: "point", size: 60, opacity: 1, filled: true },
          encoding: {
            color: { field: "model", type: "nominal", scale: scales.color, legend: null },
            shape: { field: "model", type: "nominal", scale: scales.shape, legend: null },
          },
        },
        {
          // The change, right of both points.
          transform: [
            { filter: "datum.condition === 'permuted'" },
            { calculate: "max(datum.accuracy, datum.other)", as: "right" },
            {
              calculate: "format((datum.accuracy - datum.other) * 100, '+.2f') + ' points'",
              as: "change",
            },
          ],
          mark: { type: "text", align: "left", dx: 10, fontSize: 10 },
          encoding: {
            x: { field: "right", type: "quantitative" },
            text: { field: "change", type: "nominal" },
          },
        },
      ],
    },
  );
}

/**
 * Test accuracy against the shift in pixels, one panel per direction (right, down, diagonal),
 * one line per model in its report colour and shape, with the key beside them.
 */
export function translationChart(
  rows: TranslationRow[],
  p: Provenance & { maxShift: number },
  title = "Translation: accuracy on test images shifted by 0 to 4 pixels",
): TopLevelSpec {
  const models = [...new Set(rows.map((r) => r.model))];
  const [lo, hi] = accuracyDomain(rows.map((r) => r.accuracy));
  const panel = (direction: string) => ({
    title: { text: direction === "diagonal" ? "diagonal (right and down)" : direction },
    width: 230,
    height: 240,
    transform: [{ filter: `datum.direction === '${direction}'` }],
    encoding: {
      x: {
        field: "pixels",
        type: "quantitative",
        title: "Shift (pixels)",
        scale: { domain: [0, p.maxShift] },
        axis: { tickMinStep: 1, format: "d" },
      },
      y: {
        field: "accuracy",
        type: "quantitative",
        title: "Test accuracy",
        axis: pct,
        scale: { domain: [lo, hi], nice: false, zero: false },
      },
    },
    layer: modelLines(models),
  });
  return wrapped(
    title,
    `Every test image moved right, down or both by whole pixels, zero-filled; models trained on ` +
      `centred images (augmentation as each model's recipe says). ${provenanceLine(p)}`,
    {
      data: { values: rows },
      hconcat: [...DIRECTIONS.map(panel), modelKey(models)],
    },
  );
}

type Rgb = readonly [number, number, number];
const SIDE = 28;
const PAD = 8;
const LABEL = 11;
const LINE = 14;
const TITLE = 13;

/** Blue for negative, white for 0, red for positive; `max` is the |value| of full colour. */
function diverging(v: number, max: number): Rgb {
  const t = Math.max(-1, Math.min(1, max > 0 ? v / max : 0));
  const fade = Math.round(255 * (1 - Math.abs(t)));
  return t >= 0 ? [255, fade, fade] : [fade, fade, 255];
}

/**
 * The occlusion figure: one row per class, with the linear model's weight map for the class
 * (784×classes weights, `weights[p·classes + c]`), then for each chosen test image of the class
 * the image and its occlusion map (red: covering the region lowers the CNN's probability of the
 * true class; blue: raises it; each map scaled to its own largest drop, which its label gives).
 * Returns PNG bytes.
 */
export function occlusionFigure(
  images: OcclusionImage[],
  pixels: Uint8Array,
  weights: Float32Array,
  classNames: readonly string[],
  opts: { title: string; subtitle: string; linear: string; model: string; scale?: number },
): Uint8Array {
  const scale = opts.scale ?? 3;
  const k = classNames.length;
  const byClass = classNames.map((_, c) => images.filter((im) => im.label === c));
  const perClass = Math.max(1, ...byClass.map((l) => l.length));
  const tile = SIDE * scale;
  const nameW = Math.max(...classNames.map((n) => textWidth(n, LABEL))) + PAD;
  const cellW = Math.max(tile, textWidth("occlusion, max 0.00", LABEL), textWidth("p 0.00", LABEL));
  const columns = 1 + 2 * perClass;
  const top = PAD + 2 * (TITLE + 6) + LINE + PAD;
  const rowH = tile + 4 + 2 * LINE + PAD;
  const width = Math.max(
    PAD + nameW + columns * (cellW + PAD),
    textWidth(opts.title, TITLE) + 2 * PAD,
    textWidth(opts.subtitle, LABEL) + 2 * PAD,
  );
  const height = top + k * rowH;
  const rgb = new Uint8Array(width * height * 3).fill(255);
  const put = (x0: number, y0: number, colour: (x: number, y: number) => Rgb) => {
    for (let y = 0; y < SIDE; y++) {
      for (let x = 0; x < SIDE; x++) {
        const c = colour(x, y);
        for (let j = 0; j < scale; j++) {
          for (let i = 0; i < scale; i++) {
            rgb.set(c, ((y0 + y * scale + j) * width + x0 + x * scale + i) * 3);
          }
        }
      }
    }
  };
  // Each class's map on its own scale: a few rarely-inked border pixels get the largest weights
  // and would wash the others out on a common one.
  const weightMax = classNames.map((_, c) => {
    let m = 0;
    for (let p = 0; p < SIDE * SIDE; p++) m = Math.max(m, Math.abs(weights[p * k + c]));
    return m;
  });
  const texts: string[] = [
    `<text x="${PAD}" y="${PAD + TITLE}" font-size="${TITLE}">${escapeXml(opts.title)}</text>`,
    `<text x="${PAD}" y="${PAD + 2 * TITLE + 6}" font-size="${LABEL}" fill="#555">${
      escapeXml(opts.subtitle)
    }</text>`,
  ];
  const headers = [
    `${opts.linear} weights`,
    ...Array.from(
      { length: perClass },
      (_, i) => [`test image ${i + 1}`, `${opts.model} occlusion`],
    )
      .flat(),
  ];
  const colX = (col: number) => PAD + nameW + col * (cellW + PAD);
  headers.forEach((h, col) =>
    texts.push(
      `<text x="${colX(col) + cellW / 2}" y="${top - PAD - 3}" font-size="${LABEL}" ` +
        `text-anchor="middle" font-weight="bold">${escapeXml(h)}</text>`,
    )
  );
  classNames.forEach((name, c) => {
    const y0 = top + c * rowH;
    const at = (col: number) => colX(col) + Math.floor((cellW - tile) / 2);
    texts.push(
      `<text x="${PAD}" y="${y0 + tile / 2 + LABEL / 2}" font-size="${LABEL}">${
        escapeXml(name)
      }</text>`,
    );
    put(at(0), y0, (x, y) => diverging(weights[(y * SIDE + x) * k + c], weightMax[c]));
    byClass[c].forEach((im, i) => {
      put(at(1 + 2 * i), y0, (x, y) => {
        const v = pixels[im.index * SIDE * SIDE + y * SIDE + x];
        return [v, v, v];
      });
      put(at(2 + 2 * i), y0, (x, y) => diverging(im.map[y * SIDE + x], im.maxDrop));
      const wrong = im.predicted !== im.label;
      const line1 = `#${im.index}, p ${im.probability.toFixed(2)}`;
      const line2 = wrong ? `taken for ${classNames[im.predicted]}` : "classified right";
      const cx1 = colX(1 + 2 * i) + cellW / 2;
      const cx2 = colX(2 + 2 * i) + cellW / 2;
      const ty = y0 + tile + 4 + LABEL;
      const red = wrong ? ` fill="rgb(214,39,40)"` : "";
      texts.push(
        `<text x="${cx1}" y="${ty}" font-size="${LABEL}" text-anchor="middle">${
          escapeXml(line1)
        }</text>`,
        `<text x="${cx1}" y="${ty + LINE}" font-size="${LABEL}" text-anchor="middle"${red}>${
          escapeXml(line2)
        }</text>`,
        `<text x="${cx2}" y="${ty}" font-size="${LABEL}" text-anchor="middle">${
          escapeXml(`max drop ${im.maxDrop.toFixed(2)}`)
        }</text>`,
      );
    });
  });
  return pngWithText(encodePng(width, height, 3, rgb), width, height, texts);
}
