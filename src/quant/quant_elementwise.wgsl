// Element-wise int8 ops for int8 inference (src/quant/), int8 packed four to a u32 (byte j of
// word i = flat element 4i + j). One invocation per output word; dispatch as elementwise.wgsl:
// id = gid.y · p.row + gid.x over p.n words, p.count elements (the last word may be part full).
//
// quantize  f32 → int8: q = clamp(round(x · INV) + Z_OUT, −128, 127), INV = 1/s (the network
//           input: s = 1/255, z = −128 holds pixels k/255 exactly as k − 128).
// add       residual add of a (s_a, Z_A) and b (s_b, Z_B) into (s_out, Z_OUT), src/quant/quantize.ts
//           ResidualOp: each term round(f32(q − z) · m) with m = 256·s/s_out is one exact product
//           and one rounding (8 fraction bits), their integer sum is rounded back:
//           out = clamp(((ta + tb + 128) >> 8) + Z_OUT, LO, 127), LO = Z_OUT for the block's ReLU.
// relu      max(q, Z_OUT): the real value 0 is q = z.

override INV: f32 = 1.0;
override Z_A: i32 = 0;
override M_A: f32 = 1.0;
override Z_B: i32 = 0;
override M_B: f32 = 1.0;
override Z_OUT: i32 = 0;
override LO: i32 = -128;

fn unpack(v: u32) -> vec4i {
  return vec4i(i32(v << 24u), i32(v << 16u), i32(v << 8u), i32(v)) >> vec4u(24u);
}

fn pack(q: vec4i) -> u32 {
  let v = vec4u(q) & vec4u(255u);
  return v.x | (v.y << 8u) | (v.z << 16u) | (v.w << 24u);
}

@compute @workgroup_size(WG)
fn quantize(@builtin(global_invocation_id) gid: vec3u) {
  let id = gid.y * p.row + gid.x;
  if (id >= p.n) { return; }
  var q = vec4i(0);
  for (var j = 0u; j < 4u; j++) {
    let i = id * 4u + j;
    if (i >= p.count) { break; }
    let r = clamp(round(xf[i] * INV), -1024.0, 1024.0);
    q[j] = clamp(i32(r) + Z_OUT, -128, 127);
  }
  out[id] = pack(q);
}

fn term(q: vec4i, z: i32, m: f32) -> vec4i {
  return vec4i(clamp(round(vec4f(q - vec4i(z)) * m), vec4f(-1073741824.0), vec4f(1073741824.0)));
}

@compute @workgroup_size(WG)
fn add(@builtin(global_invocation_id) gid: vec3u) {
  let id = gid.y * p.row + gid.x;
  if (id >= p.n) { return; }
  let sum = term(unpack(a[id]), Z_A, M_A) + term(unpack(b[id]), Z_B, M_B);
  out[id] = pack(clamp(((sum + vec4i(128)) >> vec4u(8u)) + vec4i(Z_OUT), vec4i(LO), vec4i(127)));
}

@compute @workgroup_size(WG)
fn relu(@builtin(global_invocation_id) gid: vec3u) {
  let id = gid.y * p.row + gid.x;
  if (id >= p.n) { return; }
  out[id] = pack(max(unpack(a[id]), vec4i(Z_OUT)));
}
