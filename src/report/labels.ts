// Point labels that do not overlap: each label tries places around its point, nearest first, and
// takes the first that hits no other label, no point and stays inside the plot.

export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface Placed extends Box {
  /** The label is away from its point: draw a line from the point to it. */
  leader: boolean;
}

export interface LabelOptions {
  /** Plot area in pixels; y grows downwards, as in SVG. */
  width: number;
  height: number;
  fontSize?: number;
  /** Radius of the point marks in pixels (they are kept clear too). */
  pointRadius?: number;
}

/**
 * A generous estimate of the text's width in pixels in a sans-serif font (the browser picks the
 * font, so wide fonts such as DejaVu Sans must fit): narrow letters 0.3 em, capitals and m/w
 * 0.85 em, others 0.6 em.
 */
export function estimateTextWidth(text: string, fontSize: number): number {
  let em = 0;
  for (const c of text) {
    if ("iljtfr.,:;!|'-() ".includes(c)) em += 0.33;
    else if ("mwMW".includes(c)) em += 0.9;
    else if (c >= "A" && c <= "Z") em += 0.72;
    else em += 0.6;
  }
  return Math.ceil(em * fontSize);
}

const overlap = (a: Box, b: Box) =>
  Math.max(0, Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x)) *
  Math.max(0, Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y));

/**
 * Places one label per point (pixel coordinates) so that no two labels overlap each other or any
 * point, when the plot has room: right of the point first, then left, above, below and the
 * diagonals, then the same further away (with `leader` set). Labels are placed in the order of
 * the points; where nothing is free, the place with the least overlap is taken.
 */
export function placeLabels(
  points: readonly { x: number; y: number; label: string }[],
  o: LabelOptions,
): Placed[] {
  const fontSize = o.fontSize ?? 11;
  const r = o.pointRadius ?? 5;
  const h = fontSize + 2;
  const marks: Box[] = points.map((p) => ({ x: p.x - r, y: p.y - r, width: 2 * r, height: 2 * r }));
  const placed: Placed[] = [];
  for (const p of points) {
    const w = estimateTextWidth(p.label, fontSize);
    const candidates: Placed[] = [];
    for (const step of [0, 10, 20, 32, 46]) {
      const gap = r + 3 + step;
      const leader = step > 0;
      const mid = p.y - h / 2;
      candidates.push(
        { x: p.x + gap, y: mid, width: w, height: h, leader },
        { x: p.x - gap - w, y: mid, width: w, height: h, leader },
        { x: p.x - w / 2, y: p.y - gap - h, width: w, height: h, leader },
        { x: p.x - w / 2, y: p.y + gap, width: w, height: h, leader },
        { x: p.x + gap * 0.7, y: p.y - gap * 0.7 - h, width: w, height: h, leader },
        { x: p.x + gap * 0.7, y: p.y + gap * 0.7, width: w, height: h, leader },
        { x: p.x - gap * 0.7 - w, y: p.y - gap * 0.7 - h, width: w, height: h, leader },
        { x: p.x - gap * 0.7 - w, y: p.y + gap * 0.7, width: w, height: h, leader },
      );
    }
    const cost = (b: Box) => {
      const outside = (b.x < 0 || b.y < 0 || b.x + b.width > o.width || b.y + b.height > o.height)
        ? 1e6
        : 0;
      return outside + [...placed, ...marks].reduce((s, other) => s + overlap(b, other), 0);
    };
    let best = candidates[0], bestCost = Infinity;
    for (const c of candidates) {
      const k = cost(c);
      if (k === 0) {
        best = c;
        break;
      }
      if (k < bestCost) [best, bestCost] = [c, k];
    }
    placed.push(best);
  }
  return placed;
}
