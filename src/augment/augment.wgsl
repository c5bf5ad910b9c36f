// Data augmentation of NHWC image batches, and the flip test-time-augmentation average.
//
// augment: one pass writes every output element. Per image, the random parameters (flip, angle,
//   scale, translation, erased rectangle) come from a counter-based hash of (seed, image index,
//   slot), so a batch is reproducible from its seed without any random state, and
//   src/augment/reference.ts recomputes the same parameters in TypeScript. The pipeline it
//   implements is torchvision's RandomHorizontalFlip → RandomAffine → RandomErasing:
//   each output pixel is mapped back through the inverse affine transform (rotation about the
//   image centre, zoom, whole-pixel translation) and the flip to a source position, sampled
//   bilinearly with zeros outside the image, then replaced by the erase value if it falls in the
//   erased rectangle. One workgroup per image: invocation 0 draws the image's parameters into
//   workgroup memory once (the erase draw loops up to 10 attempts, too dear to repeat per pixel),
//   then the group strides over the image's H·W·C elements.
//   Dispatch: (min(B, 32768), ceil(B / 32768)) workgroups; p.groups_x = the x count.
// tta_flip_mean: one invocation per row of two logit matrices x (the images) and y (their
//   flips); writes log(½·softmax(x) + ½·softmax(y)), the log of the averaged probabilities. Those
//   are valid logits (their softmax is the average itself), so evaluation code that takes logits
//   (argmax, cross-entropy) works on them unchanged. Uses p.n (rows) and p.c (classes).
//   Dispatch: (min(g, 32768), ceil(g / 32768)), g = ceil(rows / WG).


// Bindings and `p` (n, h, w, c, seed, groups_x, affine, erase_random, then the f32 flip_p ..
// erase_log_ratio_hi) are declared in augment.ts and generated above this body. augment reads
// x and writes out; tta_flip_mean reads x (the images' logits) and y (their flips').

// The same PCG-style integer hash as elementwise.wgsl's dropout (a bijection on u32).
fn hash(v: u32) -> u32 {
  var s = v * 747796405u + 2891336453u;
  s = ((s >> ((s >> 28u) + 4u)) ^ s) * 277803737u;
  return (s >> 22u) ^ s;
}

// Uniform in [0, 1) with 24 random bits: exactly representable, so TypeScript gets the same f32.
fn unit(key: u32, slot: u32) -> f32 {
  return f32(hash(key ^ slot) >> 8u) * (1.0 / 16777216.0);
}

// Slots of an image's random numbers. Fixed, so turning one transform on or off does not change
// what the others draw. Keep in step with SLOT in src/augment/reference.ts.
const SLOT_FLIP = 0u;
const SLOT_ANGLE = 1u;
const SLOT_ZOOM = 2u;
const SLOT_SHIFT_X = 3u;
const SLOT_SHIFT_Y = 4u;
const SLOT_ERASE = 5u;
const SLOT_ERASE_ATTEMPTS = 6u; // + 4·attempt + (area, ratio, top, left)
const ERASE_ATTEMPTS = 10u; // torchvision's RandomErasing gives up after 10 draws
const NOISE_SALT = 0x5bd1e995u;

struct Image {
  key: u32,
  flip: u32,
  // Inverse of "rotate by angle, then scale": source offset = [[a, -b], [b, a]] · output offset.
  a: f32,
  b: f32,
  tx: f32,
  ty: f32,
  // Erased rectangle; eh = 0 when the image is not erased.
  top: i32,
  left: i32,
  eh: i32,
  ew: i32,
}

var<workgroup> image_params: Image;

fn draw(image: u32) -> Image {
  var q: Image;
  let key = hash(hash(p.seed + stepSeeds.y) ^ image);
  q.key = key;
  q.flip = select(0u, 1u, unit(key, SLOT_FLIP) < p.flip_p);
  let angle = (2.0 * unit(key, SLOT_ANGLE) - 1.0) * p.rotate;
  let scale = p.zoom_lo + (p.zoom_hi - p.zoom_lo) * unit(key, SLOT_ZOOM);
  q.a = cos(angle) / scale;
  q.b = sin(angle) / scale;
  // Whole pixels, rounded half to even like torchvision's Python round().
  q.tx = round((2.0 * unit(key, SLOT_SHIFT_X) - 1.0) * p.shift_x);
  q.ty = round((2.0 * unit(key, SLOT_SHIFT_Y) - 1.0) * p.shift_y);
  q.eh = 0;
  if (unit(key, SLOT_ERASE) < p.erase_p) {
    let h = i32(p.h);
    let w = i32(p.w);
    let area = f32(p.h * p.w);
    for (var k = 0u; k < ERASE_ATTEMPTS; k++) {
      let s = SLOT_ERASE_ATTEMPTS + 4u * k;
      let target_area = area *
        (p.erase_scale_lo + (p.erase_scale_hi - p.erase_scale_lo) * unit(key, s));
      let ratio = exp(
        p.erase_log_ratio_lo + (p.erase_log_ratio_hi - p.erase_log_ratio_lo) * unit(key, s + 1u),
      );
      let eh = i32(round(sqrt(target_area * ratio)));
      let ew = i32(round(sqrt(target_area / ratio)));
      if (eh < h && ew < w) {
        q.top = min(i32(floor(unit(key, s + 2u) * f32(h - eh + 1))), h - eh);
        q.left = min(i32(floor(unit(key, s + 3u) * f32(w - ew + 1))), w - ew);
        q.eh = eh;
        q.ew = ew;
        break;
      }
    }
  }
  return q;
}

// Channel c of source pixel (ix, iy) of the image starting at `base`; zero outside the image.
fn pixel(base: u32, ix: i32, iy: i32, c: u32) -> f32 {
  if (ix < 0 || iy < 0 || ix >= i32(p.w) || iy >= i32(p.h)) { return 0.0; }
  return x[base + (u32(iy) * p.w + u32(ix)) * p.c + c];
}

@compute @workgroup_size(WG)
fn augment(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_index) lid: u32) {
  let image = wid.y * p.groups_x + wid.x;
  if (image >= p.n) { return; }
  if (lid == 0u) { image_params = draw(image); }
  workgroupBarrier();
  let q = image_params;
  let per_image = p.h * p.w * p.c;
  let base = image * per_image;
  let cx = 0.5 * f32(p.w - 1u);
  let cy = 0.5 * f32(p.h - 1u);
  let noise_key = hash(q.key ^ NOISE_SALT);
  for (var e = lid; e < per_image; e += WG) {
    let c = e % p.c;
    let ox = (e / p.c) % p.w;
    let oy = e / (p.c * p.w);
    var v: f32;
    if (p.affine == 0u) {
      let sx = select(ox, p.w - 1u - ox, q.flip == 1u);
      v = x[base + (oy * p.w + sx) * p.c + c];
    } else {
      let dx = f32(ox) - cx - q.tx;
      let dy = f32(oy) - cy - q.ty;
      var sx = cx + q.a * dx - q.b * dy;
      let sy = cy + q.b * dx + q.a * dy;
      if (q.flip == 1u) { sx = f32(p.w - 1u) - sx; }
      let x0 = floor(sx);
      let y0 = floor(sy);
      let fx = sx - x0;
      let fy = sy - y0;
      let ix = i32(x0);
      let iy = i32(y0);
      let top = (1.0 - fx) * pixel(base, ix, iy, c) + fx * pixel(base, ix + 1, iy, c);
      let bottom = (1.0 - fx) * pixel(base, ix, iy + 1, c) + fx * pixel(base, ix + 1, iy + 1, c);
      v = (1.0 - fy) * top + fy * bottom;
    }
    let ry = i32(oy) - q.top;
    let rx = i32(ox) - q.left;
    if (ry >= 0 && ry < q.eh && rx >= 0 && rx < q.ew) {
      v = select(p.erase_value, unit(noise_key, e), p.erase_random == 1u);
    }
    out[base + e] = v;
  }
}

@compute @workgroup_size(WG)
fn tta_flip_mean(@builtin(global_invocation_id) gid: vec3u) {
  let r = gid.y * p.groups_x * WG + gid.x;
  if (r >= p.n) { return; }
  let base = r * p.c;
  var ma = x[base];
  var mb = y[base];
  for (var j = 1u; j < p.c; j++) {
    ma = max(ma, x[base + j]);
    mb = max(mb, y[base + j]);
  }
  var sa = 0.0;
  var sb = 0.0;
  for (var j = 0u; j < p.c; j++) {
    sa += exp(x[base + j] - ma);
    sb += exp(y[base + j] - mb);
  }
  let lse_a = ma + log(sa);
  let lse_b = mb + log(sb);
  // log(½eᵘ + ½eᵛ) with u, v the two log-probabilities, shifted by their max so it never
  // underflows to log(0) even where both probabilities are tiny.
  for (var j = 0u; j < p.c; j++) {
    let u = x[base + j] - lse_a;
    let v = y[base + j] - lse_b;
    let m = max(u, v);
    out[base + j] = m + log(0.5 * (exp(u - m) + exp(v - m)));
  }
}
