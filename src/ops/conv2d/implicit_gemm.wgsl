// conv2d as implicit GEMM (NHWC): the operands of the workgroup-tiled GEMM skeleton
// (src/ops/matmul/tiled.ts writes the entries and includes this body). The skeleton asks for
// A[i, k] and B[k, j] one element at a time as it fills its workgroup tiles; here A is the patch
// matrix im2col.wgsl would write out, computed from x (or dy) on the fly, so no patch buffer
// exists (the "implicit GEMM" of cuDNN, Chetlur et al. 2014). Taps (ky, kx) and channels run
// channel fastest, as the weight [KH, KW, C, F] does.
//   forward          y[P, F]     = patches(x)[P, KH·KW·C] · w[KH·KW·C, F] (+ bias)   P = B·OH·OW
//   backward_input   dx[B·H·W, C] = gather(dy)[B·H·W, KH·KW·F] · w'[KH·KW·F, C]
//                    (row (b, y, x), column (ky, kx, f): dy at (y + PAD − ky) / STRIDE when that
//                    divides, else 0; w'[(ky, kx, f), c] = w[ky, kx, c, f]: a gather, no atomics)
//   backward_weight  dW[KH·KW·C, F] = patches(x)ᵀ · dy[P, F], the P-long reduction cut into chunks
//                    of p.kChunk pixels along z (partial sums [Z, KH·KW·C, F], summed after)
// The geometry is override constants (as im2col.wgsl's): the index arithmetic divides by them,
// which compilers fold into multiplies and shifts. p.M: the rows of A (P, or B·H·W for
// backward_input); p.K: the reduction's length (backward_weight: P); p.kChunk: backward_weight's
// chunk; p.flags bit0: forward adds bias[j].
//
// Bindings (x, w, dy, bias, out) and `p` are declared in implicit_gemm.ts.
override H: u32;
override W: u32;
override C: u32;
override OH: u32;
override OW: u32;
override KH: u32;
override KW: u32;
override STRIDE: u32;
override PAD: u32;
override F: u32;

/** x[b, oy·S + ky − P, ox·S + kx − P, c] for output pixel `pixel` and patch column `tap` (0 outside). */
fn patchAt(pixel: u32, tap: u32) -> f32 {
  let ox = pixel % OW;
  let r = pixel / OW;
  let oy = r % OH;
  let b = r / OH;
  let c = tap % C;
  let t = tap / C;
  let kx = t % KW;
  let ky = t / KW;
  // i32 so that positions left of / above the image (padding) are negative, not wrapped.
  let iy = i32(oy * STRIDE + ky) - i32(PAD);
  let ix = i32(ox * STRIDE + kx) - i32(PAD);
  if (iy < 0 || iy >= i32(H) || ix < 0 || ix >= i32(W)) { return 0.0; }
  return x[((b * H + u32(iy)) * W + u32(ix)) * C + c];
}

fn forward_rows() -> u32 { return p.M; }
fn forward_cols() -> u32 { return F; }
fn forward_kRange(z: u32) -> vec2u { return vec2u(0u, KH * KW * C); }
fn forward_loadA(z: u32, i: u32, k: u32) -> f32 { return patchAt(i, k); }
fn forward_loadB(z: u32, k: u32, j: u32) -> f32 { return w[k * F + j]; }
fn forward_store(z: u32, i: u32, j: u32, value: f32) {
  var v = value;
  if ((p.flags & 1u) != 0u) { v += bias[j]; }
  out[i * F + j] = v;
}

fn backward_input_rows() -> u32 { return p.M; }
fn backward_input_cols() -> u32 { return C; }
fn backward_input_kRange(z: u32) -> vec2u { return vec2u(0u, KH * KW * F); }
fn backward_input_loadA(z: u32, i: u32, k: u32) -> f32 {
  let ix = i % W;
  let r = i / W;
  let iy = r % H;
  let b = r / H;
  let f = k % F;
  let t = k / F;
  let kx = t % KW;
  let ky = t / KW;
  // Output pixel (oy, ox) covers input (iy, ix) with tap (ky, kx) when oy·S + ky − P = iy.
  let ty = i32(iy + PAD) - i32(ky);
  let tx = i32(ix + PAD) - i32(kx);
  if (ty < 0 || tx < 0) { return 0.0; }
  let oy = u32(ty) / STRIDE;
  let ox = u32(tx) / STRIDE;
  if (oy * STRIDE != u32(ty) || ox * STRIDE != u32(tx) || oy >= OH || ox >= OW) { return 0.0; }
  return dy[((b * OH + oy) * OW + ox) * F + f];
}
fn backward_input_loadB(z: u32, k: u32, j: u32) -> f32 {
  return w[((k / F) * C + j) * F + k % F];
}
fn backward_input_store(z: u32, i: u32, j: u32, v: f32) { out[i * C + j] = v; }

fn backward_weight_rows() -> u32 { return KH * KW * C; }
fn backward_weight_cols() -> u32 { return F; }
fn backward_weight_kRange(z: u32) -> vec2u {
  let begin = z * p.kChunk;
  return vec2u(begin, min(begin + p.kChunk, p.K));
}
fn backward_weight_loadA(z: u32, i: u32, k: u32) -> f32 { return patchAt(k, i); }
fn backward_weight_loadB(z: u32, k: u32, j: u32) -> f32 { return dy[k * F + j]; }
fn backward_weight_store(z: u32, i: u32, j: u32, v: f32) {
  out[(z * KH * KW * C + i) * F + j] = v;
}
