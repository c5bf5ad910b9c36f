// sum_rows: out[j] = sum_i x[i * cols + j] for a rows×cols matrix (bias gradients: sum of dY over
// the batch and the pixels). One invocation per column walks all rows: reads of neighbouring
// invocations are neighbouring addresses, and no workgroup memory or barriers are needed, which
// llvmpipe punishes. Dispatch: (ceil(cols / WG), SPLIT); each y slice sums a stripe of rows into
// out[y * cols + j], and the caller sums the SPLIT partials with a second pass (SPLIT = 1: done).

struct Params { rows: u32, cols: u32, rowsPerSlice: u32, pad: u32 }
override WG: u32 = 64;

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read_write> out: array<f32>;

@compute @workgroup_size(WG)
fn sum_rows(@builtin(global_invocation_id) gid: vec3u) {
  let j = gid.x;
  if (j >= p.cols) { return; }
  let start = gid.y * p.rowsPerSlice;
  let end = min(start + p.rowsPerSlice, p.rows);
  var s = 0.0;
  for (var i = start; i < end; i++) { s += x[i * p.cols + j]; }
  out[gid.y * p.cols + j] = s;
}
