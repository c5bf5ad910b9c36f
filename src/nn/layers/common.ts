// Helpers the layer types share: shapes and the stride in a description.

/** Number of elements of a tensor of `shape`. */
export function size(shape: readonly number[]) {
  return shape.reduce((a, b) => a * b, 1);
}

/** `input` as [H, W, C]; throws "<name>: needs [H, W, C] input, got [..]" otherwise. */
export function expectImage(input: number[], name: string): [number, number, number] {
  if (input.length !== 3) throw new Error(`${name}: needs [H, W, C] input, got [${input}]`);
  return input as [number, number, number];
}

/** ", stride 2" for a description; nothing for stride 1 or none. */
export const strideNote = (s?: number) => (s && s !== 1 ? `, stride ${s}` : "");
