/** The middle value (the upper middle for an even count); NaN for none. Benchmarks quote it. */
export function median(values: readonly number[]): number {
  if (!values.length) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[sorted.length >> 1];
}
