// The adapter's arithmetic peak, as a yardstick for the other kernels (bench/kernels_bench.ts):
// each invocation runs four independent vec4 FMA chains (so the FMA latency is hidden) with no
// memory traffic but one store, which keeps the compiler from removing the work.
// FLOPs of a dispatch: invocations × iterations × 4 chains × 4 lanes × 2.


// Bindings and `p` (iterations, n) are declared in peak.ts and generated above this body.

@compute @workgroup_size(WG)
fn fma_chains(@builtin(global_invocation_id) gid: vec3u) {
  let seed = f32(gid.x) * 1e-7;
  var a = vec4f(seed, seed + 0.1, seed + 0.2, seed + 0.3);
  var b = a + 0.4;
  var c = a + 0.5;
  var d = a + 0.6;
  let m = vec4f(0.999);
  let k = vec4f(1e-3);
  for (var i = 0u; i < p.iterations; i++) {
    a = fma(a, m, k);
    b = fma(b, m, k);
    c = fma(c, m, k);
    d = fma(d, m, k);
  }
  if (gid.x < p.n) { out[gid.x] = a + b + c + d; }
}
