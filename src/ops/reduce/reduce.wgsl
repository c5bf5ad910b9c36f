// sum_rows: out[j] = sum_i x[i * cols + j] for a rows×cols matrix (bias gradients: sum of dY over
// the batch and the pixels). One invocation per column walks all rows: reads of neighbouring
// invocations are neighbouring addresses, and no workgroup memory or barriers are needed, which
// the software adapter punishes. Dispatch: (ceil(cols / WG), SPLIT); each y slice sums a stripe of
// rows into out[y * cols + j], and the caller sums the SPLIT partials with a second pass
// (SPLIT = 1: done).
// sum_rows4 (cols % 4 == 0) does the same per column quadruple (vec4 views x4, out4; dispatch
// (ceil(cols / 4 / WG), SPLIT)): four times fewer loop iterations and loads, and on the software
// adapter each loop iteration and each lane-varying load has a large fixed cost.


// Bindings and `p` (rows, cols, rowsPerSlice) are declared in reduce.ts and generated above this
// body.
// TEXTURES: x also as a texture xT (a flat vec4 array, src/gpu/gpu.ts `texture()`), read instead
// of the buffer: on the software adapter a texel fetch is a vectorised gather, a storage load a
// per-lane loop. Else xT is a 1×1 dummy.
override TEXTURES: bool = false;

// #include gpu/texel
fn x4At(i: u32) -> vec4f {
  if (TEXTURES) { return texel(xT, i); }
  return x4[i];
}
fn xAt(i: u32) -> f32 {
  if (TEXTURES) { return texel(xT, i / 4u)[i % 4u]; }
  return x[i];
}

@compute @workgroup_size(WG)
fn sum_rows(@builtin(global_invocation_id) gid: vec3u) {
  let j = gid.x;
  if (j >= p.cols) { return; }
  let start = gid.y * p.rowsPerSlice;
  let end = min(start + p.rowsPerSlice, p.rows);
  var s = 0.0;
  for (var i = start; i < end; i++) { s += xAt(i * p.cols + j); }
  out[gid.y * p.cols + j] = s;
}

@compute @workgroup_size(WG)
fn sum_rows4(@builtin(global_invocation_id) gid: vec3u) {
  let cols4 = p.cols / 4u;
  let q = gid.x;
  if (q >= cols4) { return; }
  let start = gid.y * p.rowsPerSlice;
  let end = min(start + p.rowsPerSlice, p.rows);
  var s = vec4f(0.0);
  for (var i = start; i < end; i++) { s += x4At(i * cols4 + q); }
  out4[gid.y * cols4 + q] = s;
}
