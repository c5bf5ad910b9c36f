// The geometry every conv2d strategy takes; its own file so that the strategies and conv2d.ts,
// which picks among them, import it without importing each other.

/**
 * A convolution's geometry as the strategies' kernels take it (override constants): input H×W
 * with C channels, output OH×OW, kernel KH×KW, STRIDE, and PAD zeros on each side.
 */
export type Conv2dGeometry = {
  H: number;
  W: number;
  C: number;
  OH: number;
  OW: number;
  KH: number;
  KW: number;
  STRIDE: number;
  PAD: number;
};
