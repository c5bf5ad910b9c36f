import assert from "node:assert/strict";
import {
  type AugmentOptions,
  describeAugment,
  isIdentity,
  noAugment,
  parseAugment,
} from "../../src/augment/options.ts";

Deno.test("parseAugment reads every item, with defaults for bare flip and erase", () => {
  const o = parseAugment("flip,rotate=10,zoom=0.1,shift=2,erase");
  assert.equal(o.flip, 0.5);
  assert.equal(o.rotate, 10);
  assert.deepEqual(o.zoom, [0.9, 1.1]);
  assert.equal(o.shift, 2);
  assert.equal(o.shiftUnit, "px");
  assert.equal(o.erase, 0.5);
  assert.deepEqual(o.eraseScale, [0.02, 0.33]);
  assert.deepEqual(o.eraseRatio, [0.3, 3.3]);
  assert.equal(o.eraseValue, 0);

  const p = parseAugment(
    " flip=0.25, zoom=0.8:1.2 ,shift=10%,erase=1,erase-scale=0.1:0.2,erase-ratio=0.5:2," +
      "erase-value=random",
  );
  assert.equal(p.flip, 0.25);
  assert.deepEqual(p.zoom, [0.8, 1.2]);
  assert.equal(p.shift, 0.1);
  assert.equal(p.shiftUnit, "fraction");
  assert.equal(p.erase, 1);
  assert.deepEqual(p.eraseScale, [0.1, 0.2]);
  assert.deepEqual(p.eraseRatio, [0.5, 2]);
  assert.equal(p.eraseValue, "random");
  assert.equal(parseAugment("erase,erase-value=0.5").eraseValue, 0.5);
});

Deno.test("empty, none and all-zero specs are the identity", () => {
  for (const spec of ["", "  ", "none", "flip=0,rotate=0,zoom=0,shift=0,erase=0"]) {
    const o = parseAugment(spec);
    assert.ok(isIdentity(o), spec);
  }
  assert.ok(!isIdentity(parseAugment("flip")));
  assert.ok(!isIdentity(parseAugment("zoom=1:1.1")));
  assert.equal(describeAugment(parseAugment("")), "none");
  assert.deepEqual(parseAugment("none"), noAugment());
});

Deno.test("describeAugment is canonical and parses back to the same options", () => {
  const specs = [
    "flip,rotate=10,zoom=0.1,shift=2,erase=0.5",
    "shift=7%",
    "zoom=0.75:1",
    "erase=0.3,erase-scale=0.05:0.2,erase-ratio=1:1,erase-value=random",
    "rotate=12.5,flip=1",
  ];
  for (const spec of specs) {
    const o = parseAugment(spec);
    const text = describeAugment(o);
    assert.deepEqual(parseAugment(text), o, `${spec} → ${text}`);
  }
  assert.equal(
    describeAugment(parseAugment("erase,flip,shift=2")),
    "flip=0.5,shift=2,erase=0.5,erase-scale=0.02:0.33,erase-ratio=0.3:3.3,erase-value=0",
  );
  assert.equal(describeAugment(parseAugment("shift=7%")), "shift=7%");
});

Deno.test("bad specs fail with one line naming the spec and the problem", () => {
  const cases: [string, RegExp][] = [
    ["flip,twist=3", /unknown item "twist" \(known: flip, rotate/],
    ["flip,,rotate=3", /empty item/],
    ["flip,", /empty item/],
    ["flip=1.5", /flip probability must be in \[0, 1\]/],
    ["flip=yes", /flip probability must be a number, got "yes"/],
    ["rotate", /rotate needs a largest angle/],
    ["rotate=-5", /rotate must be in \[0, 180\]/],
    ["rotate=", /"rotate=" needs a value/],
    ["zoom=1", /zoom Z must be in \[0, 1\)/],
    ["zoom=1.2:0.9", /zoom needs 0 < LO <= HI/],
    ["zoom=0.9:1.1:2", /zoom needs a range LO:HI/],
    ["shift=-1", /shift must be >= 0/],
    ["shift=150%", /at most 100%/],
    ["shift=two", /shift must be a number/],
    ["erase-scale=0.1:0.2", /erase-scale given but erase is off/],
    ["erase,erase-scale=0.1:2", /at most 1/],
    ["erase,erase-ratio=0:2", /erase-ratio needs 0 < LO <= HI/],
    ["erase,erase-value=black", /erase-value must be a number, got "black"/],
    ["flip,flip=0.2", /"flip" given twice/],
    ["none,flip", /"none" cannot be combined/],
  ];
  for (const [spec, pattern] of cases) {
    let message = "";
    try {
      parseAugment(spec);
    } catch (e) {
      message = (e as Error).message;
    }
    assert.match(message, pattern, `spec "${spec}" gave: ${message || "no error"}`);
    assert.ok(message.startsWith(`bad augment spec "${spec}": `), message);
    assert.ok(!message.includes("\n"), message);
  }
});

Deno.test("parseAugment returns fresh options (mutating one does not change the next)", () => {
  const a: AugmentOptions = parseAugment("");
  a.zoom[0] = 0.5;
  a.eraseScale[1] = 0.9;
  assert.deepEqual(parseAugment("").zoom, [1, 1]);
  assert.deepEqual(noAugment().eraseScale, [0.02, 0.33]);
});
