// Class subsets of a dataset, for transfer experiments: train on some of the ten classes, or on a
// few images of each.
import type { Dataset } from "./dataset.ts";
import { CLASS_NAMES } from "./dataset.ts";
import { Rng } from "../util/random.ts";
import { UserError } from "../util/errors.ts";

/**
 * Parses a class list: label numbers 0..9 and ranges, "0,1,2,3,4" or "5-9". Distinct, at least
 * two (a classifier needs two). Throws a usage UserError (exit 2) naming `flag` otherwise.
 */
export function parseClasses(value: string, flag = "--classes"): number[] {
  const fail = (why: string): never => {
    throw new UserError(
      `${flag} ${value}: ${why}; give label numbers 0-9 and ranges, e.g. "0,1,2,3,4" or "5-9"`,
      2,
    );
  };
  const out: number[] = [];
  for (const item of value.split(",").map((s) => s.trim())) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(item);
    if (!m) fail(`"${item}" is not a label or a range`);
    const [from, to] = [Number(m![1]), Number(m![2] ?? m![1])];
    if (to < from) fail(`range "${item}" runs backwards`);
    for (let c = from; c <= to; c++) {
      if (c >= CLASS_NAMES.length) fail(`label ${c} does not exist`);
      if (out.includes(c)) fail(`label ${c} given twice`);
      out.push(c);
    }
  }
  if (out.length < 2) fail("a classifier needs at least two classes");
  return out;
}

/**
 * The images of `classes` (label numbers, in dataset order), their labels renumbered by position
 * in `classes`: with [5, 6, 7, 8, 9], a Sandal (5) becomes 0 and an Ankle boot (9) becomes 4.
 */
export function selectClasses(ds: Dataset, classes: readonly number[]): Dataset {
  const index = new Int16Array(256).fill(-1);
  classes.forEach((c, i) => (index[c] = i));
  const keep: number[] = [];
  for (let i = 0; i < ds.count; i++) if (index[ds.labels[i]] >= 0) keep.push(i);
  return take(ds, keep, (label) => index[label]);
}

/**
 * `perClass` images of every label 0..classes−1, drawn at random from `seed` (the same seed
 * draws the same images), kept in dataset order. Throws a UserError when a class has fewer
 * images; `names` gives the classes' names for that message.
 */
export function samplePerClass(
  ds: Dataset,
  perClass: number,
  classes: number,
  seed: number,
  names: readonly string[] = CLASS_NAMES,
): Dataset {
  const byClass: number[][] = Array.from({ length: classes }, () => []);
  for (let i = 0; i < ds.count; i++) byClass[ds.labels[i]]?.push(i);
  const rng = new Rng(seed ^ 0x5eed);
  const keep: number[] = [];
  byClass.forEach((indices, c) => {
    if (indices.length < perClass) {
      throw new UserError(
        `--per-class ${perClass}: class ${c} (${names[c]}) has only ${indices.length} training ` +
          `images; use a smaller --per-class${ds.count < 60000 ? " or a larger --limit" : ""}`,
        2,
      );
    }
    keep.push(...rng.shuffle(indices).slice(0, perClass));
  });
  return take(ds, keep.sort((a, b) => a - b), (label) => label);
}

function take(ds: Dataset, keep: number[], relabel: (label: number) => number): Dataset {
  const pixels = ds.rows * ds.cols;
  const images = new Uint8Array(keep.length * pixels);
  const labels = new Uint8Array(keep.length);
  keep.forEach((src, i) => {
    images.set(ds.images.subarray(src * pixels, (src + 1) * pixels), i * pixels);
    labels[i] = relabel(ds.labels[src]);
  });
  return { images, labels, count: keep.length, rows: ds.rows, cols: ds.cols };
}
