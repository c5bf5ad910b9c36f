// One colour and one point shape per model, the same in every chart: the only place they are set.
// Plain TypeScript (no npm import), so the bench charts can use it too.

/** Vega-Lite point shapes, all filled areas (no line-only shapes, which vanish at small sizes). */
export const SHAPES = [
  "circle",
  "square",
  "diamond",
  "triangle-up",
  "triangle-down",
  "cross",
  "triangle-right",
  "triangle-left",
] as const;
export type Shape = typeof SHAPES[number];

/**
 * 18 colours that read on white (CIELAB lightness ≤ 75) and are pairwise at least 15 ΔE2000
 * apart: Vega's Tableau blue, orange, red and green first, the rest picked greedily for distance
 * from those before them.
 */
export const PALETTE = [
  "#4c78a8", // blue
  "#e45756", // red
  "#54a24b", // green
  "#911eb4", // purple
  "#17becf", // cyan
  "#f58518", // orange
  "#222222", // near black
  "#9a6324", // brown
  "#bcbd22", // olive
  "#f032e6", // magenta
  "#800000", // maroon
  "#2e7d6b", // teal
  "#a0a0a0", // grey
  "#e68fac", // pink
  "#000075", // navy
  "#7fb3ff", // light blue
  "#c5b0d5", // lavender
  "#0b5d1e", // dark green
] as const;

export interface ModelStyle {
  colour: string;
  shape: Shape;
}

/**
 * The models this project trains. Every one has its own colour; a shape is shared by at most two,
 * of very different colours, so a reader who cannot tell two colours apart still has the shape.
 */
export const MODEL_STYLES: Readonly<Record<string, ModelStyle>> = {
  "cnn": { colour: PALETTE[0], shape: "circle" },
  "resnet": { colour: PALETTE[1], shape: "square" },
  "cnn-strided": { colour: PALETTE[2], shape: "diamond" },
  "mobilenet": { colour: PALETTE[3], shape: "triangle-up" },
  "cnn-deep": { colour: PALETTE[4], shape: "triangle-down" },
  "mlp": { colour: PALETTE[5], shape: "cross" },
  "softmax": { colour: PALETTE[6], shape: "triangle-right" },
  "linear-svm": { colour: PALETTE[7], shape: "triangle-left" },
  "logistic-regression": { colour: PALETTE[8], shape: "circle" },
  "svm-rbf": { colour: PALETTE[9], shape: "square" },
  "svm-rbf-ovr": { colour: PALETTE[10], shape: "diamond" },
  "histogram-forest": { colour: PALETTE[11], shape: "triangle-up" },
  "random-forest": { colour: PALETTE[12], shape: "triangle-down" },
  // Variants of the reference cnn: its longer recipe, and the translation experiment's twin
  // trained with random shifts (deno task experiments), which must stand out beside cnn.
  "cnn-best": { colour: PALETTE[13], shape: "triangle-left" },
  "cnn-shift4": { colour: PALETTE[14], shape: "triangle-right" },
};

const key = (s: ModelStyle) => `${s.colour} ${s.shape}`;

/**
 * Styles left for models not in MODEL_STYLES: the colours no known model has first, each with
 * every shape, then the known colours with shapes no known model pairs them with.
 */
const FALLBACKS: ModelStyle[] = (() => {
  const used = new Set(Object.values(MODEL_STYLES).map(key));
  const taken = new Set(Object.values(MODEL_STYLES).map((s) => s.colour));
  const byColour = (colours: readonly string[]) =>
    SHAPES.flatMap((shape) => colours.map((colour) => ({ colour, shape })));
  return [
    ...byColour(PALETTE.filter((c) => !taken.has(c))),
    ...byColour(PALETTE.filter((c) => taken.has(c))).filter((s) => !used.has(key(s))),
  ];
})();

/** FNV-1a: a stable hash of the name, the same on every machine and run. */
function hash(name: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

/** A model's style: its fixed one, else one picked from the spare styles by a hash of its name. */
export function modelStyle(model: string): ModelStyle {
  return MODEL_STYLES[model] ?? FALLBACKS[hash(model) % FALLBACKS.length];
}

/**
 * The styles of the models of one chart. Known models keep theirs; an unknown model gets its
 * hashed style unless another model of the chart already has it, then the next free spare one,
 * so no two models of a chart look alike (unknown models are taken in name order: deterministic).
 */
export function modelStyles(models: Iterable<string>): Map<string, ModelStyle> {
  const names = [...new Set(models)];
  const styles = new Map<string, ModelStyle>();
  const used = new Set<string>();
  for (const m of names.filter((m) => m in MODEL_STYLES)) {
    styles.set(m, MODEL_STYLES[m]);
    used.add(key(MODEL_STYLES[m]));
  }
  for (const m of names.filter((m) => !(m in MODEL_STYLES)).sort()) {
    let i = hash(m) % FALLBACKS.length;
    for (let tries = 0; tries < FALLBACKS.length && used.has(key(FALLBACKS[i])); tries++) {
      i = (i + 1) % FALLBACKS.length;
    }
    styles.set(m, FALLBACKS[i]);
    used.add(key(FALLBACKS[i]));
  }
  return new Map(names.map((m) => [m, styles.get(m)!]));
}

/** Vega-Lite `color` and `shape` scales mapping each model to its style (domain in given order). */
export function modelScales(models: Iterable<string>) {
  const styles = modelStyles(models);
  const domain = [...styles.keys()];
  return {
    color: { domain, range: domain.map((m) => styles.get(m)!.colour) },
    shape: { domain, range: domain.map((m) => styles.get(m)!.shape) },
  };
}
