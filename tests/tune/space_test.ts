// The spec grammar of deno task tune: what each form parses to, and the one-line usage errors
// (exit 2) for bad specs; sampling and grid enumeration.
import assert from "node:assert/strict";
import {
  checkConfig,
  configArgs,
  formatParam,
  gridConfigs,
  type Param,
  parseSpaceEntry,
  parseSpecFile,
  sampleConfigs,
} from "../../src/tune/space.ts";
import { UserError } from "../../src/util/errors.ts";

function refused(fn: () => unknown, pattern: RegExp) {
  assert.throws(fn, (e) => {
    assert.ok(e instanceof UserError, String(e));
    assert.equal(e.exitCode, 2);
    assert.ok(!e.message.includes("\n"), `one line: ${e.message}`);
    assert.match(e.message, pattern);
    return true;
  });
}

Deno.test("space: ranges, log ranges, lists, fixed values and booleans", () => {
  assert.deepEqual(parseSpaceEntry("lr=log:1e-4..1e-1"), {
    name: "lr",
    kind: "range",
    lo: 1e-4,
    hi: 0.1,
    log: true,
    integer: false,
  });
  assert.deepEqual(parseSpaceEntry("weight-decay=0..0.1"), {
    name: "weight-decay",
    kind: "range",
    lo: 0,
    hi: 0.1,
    log: false,
    integer: false,
  });
  const bs = parseSpaceEntry("batch-size=log:32..512");
  assert.equal(bs.kind === "range" && bs.integer, true);
  assert.deepEqual(parseSpaceEntry("batch-size=32,64,128"), {
    name: "batch-size",
    kind: "list",
    values: [32, 64, 128],
  });
  assert.deepEqual(parseSpaceEntry("--model=mlp"), {
    name: "model",
    kind: "list",
    values: ["mlp"],
  });
  assert.deepEqual(parseSpaceEntry("nesterov=true,false"), {
    name: "nesterov",
    kind: "list",
    values: [true, false],
  });
  // Augment specs hold commas: only "|" separates them, and they come back canonical.
  const aug = parseSpaceEntry("augment=none|flip,shift=2");
  assert.equal(aug.kind === "list" && aug.values.length, 2);
  assert.equal(formatParam(aug), `augment=${aug.kind === "list" && aug.values.join("|")}`);
  // What formatParam writes, parseSpaceEntry reads back.
  for (const e of ["lr=log:0.0001..0.1", "batch-size=32,64", "model=mlp"]) {
    assert.equal(formatParam(parseSpaceEntry(e)), e);
  }
});

Deno.test("space: bad specs are one-line usage errors", () => {
  refused(() => parseSpaceEntry("lr"), /write NAME=VALUES/);
  refused(() => parseSpaceEntry("lrr=0.1"), /not a flag of deno task train; did you mean lr\?/);
  refused(() => parseSpaceEntry("lr="), /no value/);
  refused(() => parseSpaceEntry("lr=0.1..0.1"), /is empty/);
  refused(() => parseSpaceEntry("lr=0.1..0.01"), /lo > hi/);
  refused(() => parseSpaceEntry("lr=log:0..0.1"), /log needs lo > 0/);
  refused(() => parseSpaceEntry("weight-decay=log:-1..0.1"), /log needs lo > 0/);
  refused(() => parseSpaceEntry("lr=log:0.1"), /log: takes a range/);
  refused(() => parseSpaceEntry("lr=..1"), /range end "" is not a number/);
  refused(() => parseSpaceEntry("lr=abc"), /not a number/);
  refused(() => parseSpaceEntry("lr=20"), /must be in \[1e-8, 10\]/);
  refused(() => parseSpaceEntry("batch-size=1.5..1.7"), /must be an integer|holds no integer/);
  refused(() => parseSpaceEntry("batch-size=32,32"), /twice/);
  refused(() => parseSpaceEntry("batch-size=32,,64"), /empty value/);
  refused(() => parseSpaceEntry("model=mlp,nope"), /must be one of/);
  refused(() => parseSpaceEntry("model=a..b"), /must be one of/);
  refused(() => parseSpaceEntry("optimizer=log:1..2"), /takes no range/);
  refused(() => parseSpaceEntry("optimizer=0..1"), /must be one of/);
  refused(() => parseSpaceEntry("nesterov=yes"), /true or false/);
  refused(() => parseSpaceEntry("augment=spin"), /--augment "spin"/);
  refused(() => parseSpaceEntry("epochs=1,2"), /is the budget/);
  refused(() => parseSpaceEntry("limit=300", "images"), /is the budget/);
  refused(() => parseSpaceEntry("seed=1,2"), /cannot be searched/);
  refused(() => parseSpaceEntry("tta=true"), /test/);
  refused(() => parseSpaceEntry("out=/tmp/x"), /cannot be searched/);
  // The same flag's limits train applies.
  refused(() => parseSpaceEntry("label-smoothing=0..1"), /must be in \[0, 0.99\]/);
});

Deno.test("space: a JSON spec file gives the same space", () => {
  const params = parseSpecFile(
    JSON.stringify({
      space: {
        lr: "log:1e-4..1e-1",
        "batch-size": [32, 64],
        "weight-decay": { range: [0, 0.1] },
        "label-smoothing": { log: [0.01, 0.3] },
        model: "mlp",
        nesterov: false,
      },
    }),
    "spec.json",
  );
  assert.deepEqual(params.map(formatParam), [
    "lr=log:0.0001..0.1",
    "batch-size=32,64",
    "weight-decay=0..0.1",
    "label-smoothing=log:0.01..0.3",
    "model=mlp",
    "nesterov=false",
  ]);
  refused(() => parseSpecFile("{", "s.json"), /--spec s.json: not JSON/);
  refused(() => parseSpecFile("[]", "s.json"), /needs \{"space"/);
  refused(() => parseSpecFile('{"space": {}, "x": 1}', "s.json"), /unknown key "x"/);
  refused(() => parseSpecFile('{"space": {"lr": []}}', "s.json"), /an empty list/);
  refused(() => parseSpecFile('{"space": {"lr": {"log": [0, 1]}}}', "s.json"), /log needs lo > 0/);
  refused(() => parseSpecFile('{"space": {"lr": {"range": [1]}}}', "s.json"), /give a string/);
  refused(() => parseSpecFile('{"space": {"bogus": 1}}', "s.json"), /not a flag/);
});

Deno.test("space: random sampling is seeded, inside its ranges, log-uniform for log:", () => {
  const params: Param[] = [
    parseSpaceEntry("lr=log:1e-4..1e-1"),
    parseSpaceEntry("batch-size=log:32..512"),
    parseSpaceEntry("model=mlp,cnn"),
  ];
  const a = sampleConfigs(params, 400, 7);
  assert.deepEqual(a, sampleConfigs(params, 400, 7));
  assert.notDeepEqual(a, sampleConfigs(params, 400, 8));
  for (const c of a) {
    assert.ok((c.lr as number) >= 1e-4 && (c.lr as number) <= 0.1);
    assert.ok(Number.isInteger(c["batch-size"]));
    assert.ok((c["batch-size"] as number) >= 32 && (c["batch-size"] as number) <= 512);
  }
  // Log-uniform: about a third of the draws in each decade.
  const decades = [0, 0, 0];
  for (const c of a) decades[Math.min(2, Math.floor(Math.log10((c.lr as number) / 1e-4)))]++;
  for (const d of decades) assert.ok(d > 100 && d < 170, `decades ${decades}`);
  const models = a.filter((c) => c.model === "mlp").length;
  assert.ok(models > 150 && models < 250);
});

Deno.test("space: a grid takes every combination, ranges at evenly spaced points", () => {
  const grid = gridConfigs(
    [parseSpaceEntry("lr=log:1e-3..1e-1"), parseSpaceEntry("batch-size=64,128")],
    3,
  );
  assert.deepEqual(grid, [
    { lr: 0.001, "batch-size": 64 },
    { lr: 0.001, "batch-size": 128 },
    { lr: 0.01, "batch-size": 64 },
    { lr: 0.01, "batch-size": 128 },
    { lr: 0.1, "batch-size": 64 },
    { lr: 0.1, "batch-size": 128 },
  ]);
  // An integer range keeps distinct points only.
  assert.deepEqual(gridConfigs([parseSpaceEntry("lr-plateau=1..2")], 5), [
    { "lr-plateau": 1 },
    { "lr-plateau": 2 },
  ]);
});

Deno.test("space: combinations train would refuse are found before any trial", () => {
  refused(
    () => checkConfig({ optimizer: "adamw", nesterov: true }, 2),
    /configuration 3 \(--optimizer=adamw --nesterov\): --nesterov applies to --optimizer sgd/,
  );
  refused(() => checkConfig({ "lr-gamma": 0.5 }, 0), /--lr-schedule step only/);
  refused(() => checkConfig({ model: "linear-svm", "label-smoothing": 0.1 }, 0), /hinge/);
  checkConfig({ optimizer: "sgd", nesterov: true }, 0);
  assert.deepEqual(configArgs({ lr: 0.01, nesterov: true, tta: false, augment: "flip" }), [
    "--lr=0.01",
    "--nesterov",
    "--augment=flip",
  ]);
});
