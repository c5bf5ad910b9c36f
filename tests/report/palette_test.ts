import assert from "node:assert/strict";
import {
  MODEL_STYLES,
  modelScales,
  modelStyle,
  modelStyles,
  PALETTE,
  SHAPES,
} from "../../src/report/palette.ts";
import { estimateTextWidth, placeLabels } from "../../src/report/labels.ts";

const KNOWN = [
  "cnn",
  "resnet",
  "cnn-strided",
  "svm-rbf",
  "mlp",
  "histogram-forest",
  "softmax",
  "linear-svm",
  "svm-rbf-ovr",
  "logistic-regression",
  "random-forest",
  "mobilenet",
  "cnn-deep",
];

/** sRGB hex to CIELAB (D65). */
function lab(hex: string): [number, number, number] {
  const lin = [1, 3, 5].map((i) => {
    const c = parseInt(hex.slice(i, i + 2), 16) / 255;
    return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  const [r, g, b] = lin;
  const xyz = [
    (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047,
    0.2126 * r + 0.7152 * g + 0.0722 * b,
    (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883,
  ].map((t) => (t > 0.008856 ? Math.cbrt(t) : 7.787 * t + 16 / 116));
  return [116 * xyz[1] - 16, 500 * (xyz[0] - xyz[1]), 200 * (xyz[1] - xyz[2])];
}

Deno.test("palette: at least 16 colours, all distinct and visible on white", () => {
  assert.ok(PALETTE.length >= 16);
  assert.equal(new Set(PALETTE).size, PALETTE.length);
  for (const c of PALETTE) assert.ok(lab(c)[0] <= 76, `${c} is too light for white`);
  // CIE76 distance: a coarse check (the palette was picked with ΔE2000 ≥ 15).
  for (let i = 0; i < PALETTE.length; i++) {
    for (let j = i + 1; j < PALETTE.length; j++) {
      const [a, b] = [lab(PALETTE[i]), lab(PALETTE[j])];
      const d = Math.hypot(a[0] - b[0], a[1] - b[1], a[2] - b[2]);
      assert.ok(d >= 20, `${PALETTE[i]} and ${PALETTE[j]} are ${d.toFixed(1)} apart`);
    }
  }
});

Deno.test("every known model has its own colour, and no two share colour and shape", () => {
  for (const m of KNOWN) assert.ok(m in MODEL_STYLES, m);
  const styles = KNOWN.map((m) => MODEL_STYLES[m]);
  assert.equal(new Set(styles.map((s) => s.colour)).size, KNOWN.length);
  assert.equal(new Set(styles.map((s) => `${s.colour} ${s.shape}`)).size, KNOWN.length);
  for (const s of styles) {
    assert.ok((PALETTE as readonly string[]).includes(s.colour));
    assert.ok((SHAPES as readonly string[]).includes(s.shape));
  }
  // A shape is shared by at most two models.
  for (const shape of SHAPES) {
    assert.ok(styles.filter((s) => s.shape === shape).length <= 2, shape);
  }
});

Deno.test("unknown models get deterministic styles, distinct within a chart", () => {
  assert.deepEqual(modelStyle("cnn-gpu"), modelStyle("cnn-gpu"));
  assert.deepEqual(modelStyle("cnn"), MODEL_STYLES.cnn);
  const known = new Set(KNOWN.map((m) => `${MODEL_STYLES[m].colour} ${MODEL_STYLES[m].shape}`));
  const extra = Array.from({ length: 40 }, (_, i) => `model-${i}`);
  const styles = modelStyles([...KNOWN, ...extra]);
  const keys = [...styles.values()].map((s) => `${s.colour} ${s.shape}`);
  assert.equal(new Set(keys).size, KNOWN.length + extra.length);
  for (const m of extra) {
    const s = styles.get(m)!;
    assert.ok(!known.has(`${s.colour} ${s.shape}`), `${m} looks like a known model`);
  }
  // The same set in another order: the same styles.
  const again = modelStyles([...extra].reverse().concat(KNOWN));
  for (const m of extra) assert.deepEqual(again.get(m), styles.get(m));
  // Known models keep theirs whatever else is in the chart.
  for (const m of KNOWN) assert.deepEqual(styles.get(m), MODEL_STYLES[m]);
});

Deno.test("modelScales pairs each model with its colour and shape", () => {
  const s = modelScales(["mlp", "cnn", "mlp"]);
  assert.deepEqual(s.color, {
    domain: ["mlp", "cnn"],
    range: [MODEL_STYLES.mlp.colour, MODEL_STYLES.cnn.colour],
  });
  assert.deepEqual(s.shape.range, [MODEL_STYLES.mlp.shape, MODEL_STYLES.cnn.shape]);
});

type Box = { x: number; y: number; width: number; height: number };
const overlaps = (a: Box, b: Box) =>
  a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;

Deno.test("placeLabels: no label overlaps another or a point, all inside the plot", () => {
  // A crowded cluster: ten points within 30 px, plus two on top of each other.
  const points = [
    ...Array.from({ length: 10 }, (_, i) => ({
      x: 200 + (i % 4) * 9,
      y: 150 + Math.floor(i / 4) * 8,
      label: `model-${i}`,
    })),
    { x: 60, y: 60, label: "softmax" },
    { x: 62, y: 61, label: "linear-svm" },
  ];
  const boxes = placeLabels(points, { width: 420, height: 300, pointRadius: 5 });
  for (let i = 0; i < boxes.length; i++) {
    const b = boxes[i];
    assert.ok(b.x >= 0 && b.y >= 0 && b.x + b.width <= 420 && b.y + b.height <= 300);
    assert.ok(b.width >= estimateTextWidth(points[i].label, 11));
    for (let j = 0; j < boxes.length; j++) {
      if (j !== i) assert.ok(!overlaps(b, boxes[j]), `${points[i].label} on ${points[j].label}`);
      const p = points[j];
      assert.ok(!overlaps(b, { x: p.x - 5, y: p.y - 5, width: 10, height: 10 }));
    }
  }
  // Without neighbours a label sits right of its point, with no leader.
  const [alone] = placeLabels([{ x: 100, y: 100, label: "cnn" }], { width: 420, height: 300 });
  assert.ok(alone.x > 100 && alone.x < 112 && !alone.leader);
});
