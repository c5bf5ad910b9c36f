import assert from "node:assert/strict";
import { planArchitecture } from "../../src/nn/model.ts";
import { type Architecture, architecture, ARCHITECTURES } from "../../src/nn/zoo.ts";
import { architectureSummary, summaryTable } from "../../src/nn/summary.ts";

Deno.test("parameters and FLOPs of the new architectures, counted by hand", () => {
  // cnn-strided: three 3×3 stride-2 convs without bias (BN follows), 28 → 14 → 7 → 4.
  const strided = planArchitecture(architecture("cnn-strided"));
  const convs = 9 * 1 * 32 + 9 * 32 * 64 + 9 * 64 * 128;
  const bn = 2 * (32 + 64 + 128);
  const dense = 4 * 4 * 128 * 10 + 10;
  assert.equal(strided.parameters, convs + bn + dense); // 113,386
  const convFlops = 2 * (14 * 14 * 32 * 9 * 1 + 7 * 7 * 64 * 9 * 32 + 4 * 4 * 128 * 9 * 64);
  const bnReluFlops = 5 * (14 * 14 * 32 + 7 * 7 * 64 + 4 * 4 * 128);
  assert.equal(strided.flops, convFlops + bnReluFlops + 2 * 2048 * 10); // 4,376,768

  // resnet: stem, then per stage conv3×3 (stride 2) + conv3×3 + 1×1 projection, each with BN.
  const stage = (cin: number, c: number) => 9 * cin * c + 9 * c * c + cin * c + 3 * 2 * c;
  const resnet = planArchitecture(architecture("resnet"));
  assert.equal(
    resnet.parameters,
    9 * 32 + 64 + stage(32, 32) + stage(32, 64) + stage(64, 128) + 128 * 10 + 10,
  ); // 309,162
  // mobilenet: a depthwise 3×3 has 9 weights per channel, a pointwise conv cin×cout.
  const mobilenet = planArchitecture(architecture("mobilenet"));
  const sep = (cin: number, c: number) => 9 * cin + 2 * cin + cin * c + 2 * c;
  assert.equal(
    mobilenet.parameters,
    9 * 32 + 64 + sep(32, 64) + sep(64, 128) + sep(128, 128) + sep(128, 256) + sep(256, 256) +
      256 * 10 + 10,
  );
  // The reference CNN is unchanged by the refactoring (docs/models.md: 421,834).
  assert.equal(planArchitecture(architecture("cnn")).parameters, 421_834);
});

Deno.test("summary rows nest residual branches and add up to the totals", () => {
  for (const name of Object.keys(ARCHITECTURES)) {
    const s = architectureSummary(architecture(name));
    const top = s.layers.filter((r) => r.depth === 0);
    assert.equal(top.reduce((n, r) => n + r.params, 0), s.parameters, name);
    assert.equal(top.reduce((n, r) => n + r.flops, 0), s.flops, name);
    assert.deepEqual(top.at(-1)!.output, [10]);
  }
  const resnet = architectureSummary(architecture("resnet"));
  const block = resnet.layers.findIndex((r) => r.layer === "4.residual");
  // The block's own rows: everything after it up to the next top-level row.
  const after = resnet.layers.slice(block + 1);
  const nested = after.slice(0, after.findIndex((r) => r.depth === 0));
  assert.deepEqual(nested.map((r) => `${r.branch} ${r.layer}`), [
    "body 4.residual.body.0.conv2d",
    "body 4.residual.body.1.batchnorm",
    "body 4.residual.body.2.relu",
    "body 4.residual.body.3.conv2d",
    "body 4.residual.body.4.batchnorm",
    "shortcut 4.residual.shortcut.0.conv2d",
    "shortcut 4.residual.shortcut.1.batchnorm",
  ]);
  const blockRow = resnet.layers[block];
  assert.deepEqual(blockRow.output, [7, 7, 64]);
  assert.equal(blockRow.params, nested.reduce((n, r) => n + r.params, 0));
  // Branch FLOPs plus the add and the ReLU over the output.
  assert.equal(blockRow.flops, nested.reduce((n, r) => n + r.flops, 0) + 2 * 7 * 7 * 64);

  const table = summaryTable(architecture("resnet"));
  assert.match(table, /^Model: resnet/);
  assert.match(
    table,
    /\n {2}body 0\.conv2d +conv2d 3×3, 64 filters, stride 2 +\[7, 7, 64\] +18,432/,
  );
  assert.match(table, /Total parameters: 309,162/);
});

Deno.test("specs that do not fit are refused with the layer named", () => {
  const bad = (layers: Architecture["layers"]): Architecture => ({
    name: "bad",
    input: [28, 28, 1],
    classes: 10,
    layers,
  });
  assert.throws(
    () =>
      planArchitecture(bad([
        {
          type: "residual",
          body: [{ type: "conv2d", filters: 4, kernel: 3, stride: 2, padding: "same" }],
        },
        { type: "global_avgpool" },
        { type: "dense", units: 10 },
      ])),
    /0\.residual: body gives \[14,14,4\] but the shortcut \[28,28,1\]/,
  );
  assert.throws(
    () => planArchitecture(bad([{ type: "global_avgpool" }, { type: "dense", units: 9 }])),
    /last layer gives \[9\], not \[10\]/,
  );
  assert.throws(
    () => planArchitecture(bad([{ type: "flatten" }, { type: "global_avgpool" }])),
    /1\.global_avgpool: needs \[H, W, C\] input/,
  );
});

Deno.test("deno task summary prints the table, --json the rows; bad names exit 2", async () => {
  const run = async (...args: string[]) => {
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["run", "--allow-read", "src/cli/summary.ts", ...args],
      cwd: new URL("../../", import.meta.url),
    }).output();
    const decode = (b: Uint8Array) => new TextDecoder().decode(b);
    return { code: out.code, stdout: decode(out.stdout), stderr: decode(out.stderr) };
  };
  const text = await run("--model", "mobilenet");
  assert.equal(text.code, 0, text.stderr);
  assert.match(text.stdout, /3\.depthwise_conv2d +depthwise conv 3×3 +\[14, 14, 32\] +288/);
  const json = await run("--model", "resnet", "--json");
  assert.equal(json.code, 0, json.stderr);
  const parsed = JSON.parse(json.stdout);
  assert.equal(parsed.parameters, 309_162);
  assert.equal(parsed.flops, planArchitecture(architecture("resnet")).flops);
  assert.ok(parsed.layers.some((r: { depth: number }) => r.depth === 1));
  const bad = await run("--model", "nope");
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--model must be one of .*resnet/);
});
