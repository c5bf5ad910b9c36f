/**
 * What `augment()` does to each training image, and the compact spec string a CLI flag takes:
 *
 *   flip[=P]           horizontal flip with probability P (default 0.5)
 *   rotate=DEG         rotation about the centre by an angle uniform in [-DEG, DEG] degrees
 *                      (positive: counter-clockwise on screen, as in torchvision)
 *   zoom=Z | zoom=A:B  scale uniform in [1-Z, 1+Z], or in [A, B] (above 1 enlarges)
 *   shift=N | shift=F% translation uniform in [-N, N] pixels, or F% of the width/height, in
 *                      whole pixels (rounded, as torchvision's RandomAffine does)
 *   erase[=P]          random erasing (Zhong et al. 2017) with probability P (default 0.5)
 *   erase-scale=A:B    erased area as a fraction of the image (default 0.02:0.33)
 *   erase-ratio=A:B    erased rectangle's height/width, drawn log-uniform (default 0.3:3.3)
 *   erase-value=V      fill value, or `random` for uniform [0, 1) noise per element (default 0)
 *   none               nothing (the same as an empty spec)
 *
 * e.g. `flip,rotate=10,zoom=0.1,shift=2,erase=0.5`. The defaults of the erase-* items are
 * torchvision's RandomErasing defaults.
 */
export interface AugmentOptions {
  /** Probability of a horizontal flip, in [0, 1]. */
  flip: number;
  /** Largest rotation in degrees, in [0, 180]. */
  rotate: number;
  /** Range of the scale factor, 0 < lo ≤ hi; [1, 1] is no zoom. */
  zoom: [number, number];
  /** Largest translation: pixels, or a fraction of the width (x) and height (y). */
  shift: number;
  shiftUnit: "px" | "fraction";
  /** Probability of random erasing, in [0, 1]. */
  erase: number;
  /** Range of the erased area as a fraction of the image area, 0 < lo ≤ hi ≤ 1. */
  eraseScale: [number, number];
  /** Range of the erased rectangle's aspect ratio height/width, 0 < lo ≤ hi. */
  eraseRatio: [number, number];
  /** Value written into the erased rectangle, or "random": uniform [0, 1) per element. */
  eraseValue: number | "random";
}

/** Fresh identity options: every transform off, erase-* at torchvision's defaults. */
export function noAugment(): AugmentOptions {
  return {
    flip: 0,
    rotate: 0,
    zoom: [1, 1],
    shift: 0,
    shiftUnit: "px",
    erase: 0,
    eraseScale: [0.02, 0.33],
    eraseRatio: [0.3, 3.3],
    eraseValue: 0,
  };
}

const KNOWN = [
  "flip",
  "rotate",
  "zoom",
  "shift",
  "erase",
  "erase-scale",
  "erase-ratio",
  "erase-value",
  "none",
];

/** True when `opts` leaves every image as it is (augment() then returns its input). */
export function isIdentity(opts: AugmentOptions): boolean {
  return opts.flip === 0 && opts.rotate === 0 && opts.zoom[0] === 1 && opts.zoom[1] === 1 &&
    opts.shift === 0 && opts.erase === 0;
}

/** True when some image may be rotated, zoomed or shifted (so resampled, not just copied). */
export function hasAffine(opts: AugmentOptions): boolean {
  return opts.rotate !== 0 || opts.zoom[0] !== 1 || opts.zoom[1] !== 1 || opts.shift !== 0;
}

/** Parses a spec like `flip,rotate=10,zoom=0.1,shift=2,erase=0.5`; throws a one-line error. */
export function parseAugment(spec: string): AugmentOptions {
  const opts = noAugment();
  const seen = new Set<string>();
  const trimmed = spec.trim();
  if (trimmed === "" || trimmed === "none") return opts;
  const fail = (why: string): never => {
    throw new Error(`bad augment spec "${spec}": ${why}`);
  };
  for (const raw of trimmed.split(",")) {
    const item = raw.trim();
    if (item === "") fail("empty item (two commas in a row, or a trailing comma)");
    const eq = item.indexOf("=");
    const name = eq < 0 ? item : item.slice(0, eq).trim();
    const value = eq < 0 ? null : item.slice(eq + 1).trim();
    if (!KNOWN.includes(name)) fail(`unknown item "${name}" (known: ${KNOWN.join(", ")})`);
    if (name === "none") fail(`"none" cannot be combined with other items`);
    if (seen.has(name)) fail(`"${name}" given twice`);
    seen.add(name);
    if (value === "") fail(`"${name}=" needs a value`);
    const number = (text: string, what: string): number => {
      const v = Number(text);
      if (text === "" || !Number.isFinite(v)) fail(`${what} must be a number, got "${text}"`);
      return v;
    };
    const probability = (text: string | null): number => {
      if (text === null) return 0.5;
      const v = number(text, `${name} probability`);
      if (v < 0 || v > 1) fail(`${name} probability must be in [0, 1], got ${text}`);
      return v;
    };
    const range = (text: string | null, example: string): [number, number] => {
      const parts = text?.split(":") ?? [];
      if (parts.length !== 2) fail(`${name} needs a range LO:HI, e.g. ${name}=${example}`);
      const lo = number(parts[0].trim(), `${name} low end`);
      const hi = number(parts[1].trim(), `${name} high end`);
      if (!(lo > 0 && lo <= hi)) fail(`${name} needs 0 < LO <= HI, got ${text}`);
      return [lo, hi];
    };
    switch (name) {
      case "flip":
        opts.flip = probability(value);
        break;
      case "erase":
        opts.erase = probability(value);
        break;
      case "rotate": {
        if (value === null) fail("rotate needs a largest angle in degrees, e.g. rotate=10");
        const v = number(value!, "rotate");
        if (v < 0 || v > 180) fail(`rotate must be in [0, 180] degrees, got ${value}`);
        opts.rotate = v;
        break;
      }
      case "zoom": {
        if (value === null) fail("zoom needs Z (scale in [1-Z, 1+Z]) or a range, e.g. zoom=0.1");
        if (value!.includes(":")) {
          opts.zoom = range(value, "0.9:1.1");
        } else {
          const z = number(value!, "zoom");
          if (z < 0 || z >= 1) fail(`zoom Z must be in [0, 1), got ${value}`);
          opts.zoom = [1 - z, 1 + z];
        }
        break;
      }
      case "shift": {
        if (value === null) fail("shift needs pixels or a percentage, e.g. shift=2 or shift=10%");
        const percent = value!.endsWith("%");
        const v = number(percent ? value!.slice(0, -1).trim() : value!, "shift");
        if (v < 0) fail(`shift must be >= 0, got ${value}`);
        if (percent && v > 100) fail(`shift must be at most 100%, got ${value}`);
        opts.shift = percent ? v / 100 : v;
        opts.shiftUnit = percent ? "fraction" : "px";
        break;
      }
      case "erase-scale": {
        const r = range(value, "0.02:0.33");
        if (r[1] > 1) fail(`erase-scale is a fraction of the image area, at most 1, got ${value}`);
        opts.eraseScale = r;
        break;
      }
      case "erase-ratio":
        opts.eraseRatio = range(value, "0.3:3.3");
        break;
      case "erase-value":
        if (value === null) fail("erase-value needs a number or random, e.g. erase-value=0");
        opts.eraseValue = value === "random" ? "random" : number(value!, "erase-value");
        break;
    }
  }
  for (const sub of ["erase-scale", "erase-ratio", "erase-value"]) {
    if (seen.has(sub) && opts.erase === 0) fail(`${sub} given but erase is off (add erase=P)`);
  }
  return opts;
}

/**
 * The canonical spec of `opts` (for config.json and logs): only what is on, in a fixed order,
 * with every erase-* setting spelled out when erasing is on. `parseAugment` reads it back to
 * equal options; the identity is "none".
 */
export function describeAugment(opts: AugmentOptions): string {
  const num = (v: number) => String(+v.toPrecision(12));
  const items: string[] = [];
  if (opts.flip !== 0) items.push(`flip=${num(opts.flip)}`);
  if (opts.rotate !== 0) items.push(`rotate=${num(opts.rotate)}`);
  if (opts.zoom[0] !== 1 || opts.zoom[1] !== 1) {
    items.push(`zoom=${num(opts.zoom[0])}:${num(opts.zoom[1])}`);
  }
  if (opts.shift !== 0) {
    items.push(
      opts.shiftUnit === "fraction"
        ? `shift=${num(opts.shift * 100)}%`
        : `shift=${num(opts.shift)}`,
    );
  }
  if (opts.erase !== 0) {
    items.push(
      `erase=${num(opts.erase)}`,
      `erase-scale=${num(opts.eraseScale[0])}:${num(opts.eraseScale[1])}`,
      `erase-ratio=${num(opts.eraseRatio[0])}:${num(opts.eraseRatio[1])}`,
      `erase-value=${opts.eraseValue === "random" ? "random" : num(opts.eraseValue)}`,
    );
  }
  return items.length ? items.join(",") : "none";
}
