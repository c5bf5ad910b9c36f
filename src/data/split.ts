import { UserError } from "../util/errors.ts";
import { Rng } from "../util/random.ts";

/**
 * Splits indices 0..n-1 so that each class puts round(valFraction × its size) images into `val`.
 * The result depends only on (labels, valFraction, seed); both lists come back sorted.
 */
export function stratifiedSplit(
  labels: Uint8Array,
  valFraction: number,
  seed: number,
): { train: Uint32Array; val: Uint32Array } {
  if (!(valFraction >= 0 && valFraction < 1)) {
    throw new UserError(`validation fraction must be in [0, 1), got ${valFraction}`);
  }
  const byClass: number[][] = [];
  labels.forEach((c, i) => (byClass[c] ??= []).push(i));
  const rng = new Rng(seed);
  const train: number[] = [];
  const val: number[] = [];
  for (const members of byClass) {
    if (!members) continue;
    rng.shuffle(members);
    const k = Math.round(members.length * valFraction);
    members.forEach((i, j) => (j < k ? val : train).push(i));
  }
  return {
    train: Uint32Array.from(train).sort(),
    val: Uint32Array.from(val).sort(),
  };
}
