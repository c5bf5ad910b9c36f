/** Workgroup grid for one invocation per element: x capped so that big tensors spill into y. */
export function grid1d(n: number, wg: number): { groups: [number, number]; row: number } {
  const groups = Math.ceil(n / wg);
  const x = Math.min(groups, 32768);
  return { groups: [x, Math.ceil(groups / x)], row: x * wg };
}
