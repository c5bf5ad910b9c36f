import type { Architecture } from "../nn/zoo.ts";
import { planArchitecture } from "../nn/model.ts";
import { describeLayer, type LayerPlan } from "../nn/layers.ts";

// Geometry of the drawing, in SVG user units (pixels).
const BOX_W = 400;
const BOX_H = 34;
/** Vertical space between consecutive boxes (the arrow between them). */
const GAP = 12;
/** Space between a residual block's frame and its contents, and between its two branches. */
const PAD = 14;
const MARGIN = 16;
const ADD_R = 11;
const FONT = 'font-family="DejaVu Sans, Arial, sans-serif"';

/** Fill colour per layer family, so blocks read at a glance. */
const COLOURS: Record<string, string> = {
  conv2d: "#cfe2f3",
  depthwise_conv2d: "#d9ead3",
  batchnorm: "#fff2cc",
  relu: "#fce5cd",
  maxpool: "#ead1dc",
  global_avgpool: "#ead1dc",
  flatten: "#eeeeee",
  dense: "#d9d2e9",
  dropout: "#f3f3f3",
};

/**
 * The architecture as a standalone SVG: one box per layer (name, description, output shape,
 * parameters) from input to logits, top to bottom. A residual block is a dashed frame with its
 * body in the main column and its skip connection drawn as an arrow down the right side (through
 * the shortcut's layers when it has a projection) into a ⊕ node where the branches are added.
 *
 * `model`: the saved model's name (its folder), shown in the input box and the SVG's title; when
 * it differs from the architecture's name (models/cnn-best is a `cnn`) both are given.
 */
export function architectureSvg(arch: Architecture, opts: { model?: string } = {}): string {
  const name = opts.model === undefined || opts.model === arch.name
    ? arch.name
    : `${opts.model} (architecture ${arch.name})`;
  const plan = planArchitecture(arch);
  const parts: string[] = [];
  const width = MARGIN * 2 + sequenceWidth(plan.layers);
  const cx = MARGIN + BOX_W / 2;
  let y = MARGIN;
  parts.push(box(MARGIN, y, `input [${arch.input.join(", ")}]`, name, "#ffffff"));
  y += BOX_H;
  y = drawSequence(parts, plan.layers, MARGIN, y, cx);
  y += GAP;
  parts.push(arrow(cx, y - GAP, cx, y));
  parts.push(
    box(MARGIN, y, `logits [${arch.classes}]`, footer(plan.parameters, plan.flops), "#ffffff"),
  );
  y += BOX_H + MARGIN;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${y}" ` +
    `viewBox="0 0 ${width} ${y}" role="img" aria-label="${escape(name)} architecture">`,
    `<title>${escape(name)}: ${plan.layers.length} layers, ` +
    `${plan.parameters.toLocaleString("en")} parameters</title>`,
    `<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" ` +
    `markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#444"/>` +
    `</marker></defs>`,
    `<rect width="${width}" height="${y}" fill="#ffffff"/>`,
    ...parts,
    "</svg>",
  ].join("\n");
}

function footer(parameters: number, flops: number) {
  return `${parameters.toLocaleString("en")} parameters, ${
    (flops / 1e6).toFixed(2)
  } MFLOP per image`;
}

/** Width of a column of layers: a residual block needs its body's width plus the skip lane. */
function sequenceWidth(plans: readonly LayerPlan[]): number {
  return Math.max(
    BOX_W,
    ...plans.map((p) =>
      p.children
        ? 2 * PAD + sequenceWidth(p.children.body) + PAD +
          Math.max(2 * ADD_R, p.children.shortcut.length ? sequenceWidth(p.children.shortcut) : 0)
        : BOX_W
    ),
  );
}

/**
 * Draws `plans` downwards from `y` (the bottom of what comes before), each joined to the
 * previous by an arrow on the column's centre line `cx`. Returns the bottom of the last one.
 */
function drawSequence(
  parts: string[],
  plans: readonly LayerPlan[],
  x: number,
  y: number,
  cx: number,
): number {
  for (const p of plans) {
    const top = y + GAP;
    parts.push(arrow(cx, y, cx, top));
    y = p.children ? drawResidual(parts, p, x, top, cx) : drawLayer(parts, p, x, top);
  }
  return y;
}

function drawLayer(parts: string[], p: LayerPlan, x: number, y: number): number {
  const params = p.params.reduce((n, t) => n + t.shape.reduce((a, b) => a * b, 1), 0);
  const detail = `→ [${p.outputShape.join(", ")}]${
    params ? `, ${params.toLocaleString("en")} params` : ""
  }`;
  parts.push(
    box(x, y, `${p.name}: ${describeLayer(p.spec)}`, detail, COLOURS[p.spec.type] ?? "#ffffff"),
  );
  return y + BOX_H;
}

/**
 * A residual block: a dashed frame titled with the block's name; the body runs down the main
 * column, the skip lane to its right carries the block's input (through the shortcut layers, if
 * any) down to the ⊕ node, and the sum leaves the frame on the main column.
 */
function drawResidual(parts: string[], p: LayerPlan, x: number, y: number, cx: number): number {
  const { body, shortcut } = p.children!;
  const bodyW = sequenceWidth(body);
  const innerX = x + PAD;
  const laneX = innerX + bodyW + PAD;
  const laneW = shortcut.length ? sequenceWidth(shortcut) : 2 * ADD_R;
  const laneCx = laneX + laneW / 2;
  const frameTop = y;
  const title = `${p.name}: ${describeLayer(p.spec)} → [${p.outputShape.join(", ")}]`;
  const entry = frameTop + 24;
  // The block's input splits: down into the body, right into the skip lane.
  parts.push(`<circle cx="${cx}" cy="${entry}" r="3" fill="#444"/>`);
  let bodyEnd = drawSequence(parts, body, innerX, entry, cx);
  parts.push(line(cx, entry, laneCx, entry));
  const laneEnd = shortcut.length ? drawSequence(parts, shortcut, laneX, entry, laneCx) : entry;
  const addY = Math.max(bodyEnd, laneEnd) + GAP + ADD_R;
  parts.push(arrow(cx, bodyEnd, cx, addY - ADD_R));
  bodyEnd = addY - ADD_R;
  // The skip connection: down the lane, then left into the ⊕ node.
  parts.push(
    `<path d="M${laneCx},${laneEnd} L${laneCx},${addY} L${cx + ADD_R},${addY}" fill="none" ` +
      `stroke="#c0392b" stroke-width="1.6" marker-end="url(#arrow)"/>`,
  );
  parts.push(
    `<circle cx="${cx}" cy="${addY}" r="${ADD_R}" fill="#ffffff" stroke="#444"/>`,
    `<text x="${cx}" y="${addY + 5}" text-anchor="middle" font-size="16" ${FONT}>+</text>`,
  );
  let bottom = addY + ADD_R;
  if (p.spec.type === "residual" && p.spec.relu) {
    parts.push(
      `<text x="${cx + ADD_R + 6}" y="${addY - ADD_R - 2}" font-size="11" ${FONT}>` +
        `add, then ReLU</text>`,
    );
  }
  bottom += PAD / 2;
  const frameW = laneX + laneW + PAD - x;
  parts.push(
    `<rect x="${x}" y="${frameTop}" width="${frameW}" height="${bottom - frameTop}" rx="8" ` +
      `fill="none" stroke="#888" stroke-dasharray="5 4"/>`,
    `<text x="${x + 8}" y="${frameTop + 13}" font-size="11" fill="#555" ${FONT}>` +
      `${escape(title)}</text>`,
  );
  return bottom;
}

function box(x: number, y: number, title: string, detail: string, fill: string): string {
  return [
    `<g>`,
    `<rect x="${x}" y="${y}" width="${BOX_W}" height="${BOX_H}" rx="5" fill="${fill}" ` +
    `stroke="#555"/>`,
    `<text x="${x + 8}" y="${y + 14}" font-size="12" ${FONT}>${escape(title)}</text>`,
    `<text x="${x + 8}" y="${y + 28}" font-size="11" fill="#333" ${FONT}>${escape(detail)}</text>`,
    `</g>`,
  ].join("");
}

function arrow(x1: number, y1: number, x2: number, y2: number): string {
  return `<line x1="${x1}" y1="${y1}" x2="${x2}" y2="${y2}" stroke="#444" stroke-width="1.4" ` +
    `marker-end="url(#arrow)"/>`;
}

function line(x1: number, y1: number, x2: number, y2: number): string {
  return `<line x1="${x1}" y1="${y1}" x2="${x2}" y2="${y2}" stroke="#c0392b" ` +
    `stroke-width="1.6"/>`;
}

function escape(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(
    /"/g,
    "&quot;",
  );
}
