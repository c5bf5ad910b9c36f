// Property-based fuzzing (fast-check) of the model-folder checks every command and the page share:
// random changes to config.json's fields and to the weights file's safetensors header and bytes.
// Each must end in success or a one-line UserError (never another exception), within 5 s, without
// the process growing by 300 MB. Seeded, so a failure replays; fast-check prints the smallest
// counterexample.
import assert from "node:assert/strict";
import { join } from "node:path";
import fc from "fast-check";
import { checkModelFolder } from "../../src/io/check_model.ts";
import { UserError } from "../../src/util/errors.ts";
import { copyShipped, type Json, readHeader, replaceHeader } from "./_models.ts";

const SEED = 20261204;
const LIMIT_MS = 5_000;
const LIMIT_BYTES = 300 * 2 ** 20;

/** Runs the folder check and asserts the outcome is a success or a clean one-line refusal. */
async function checkOutcome(dir: string, rssBefore: number) {
  const start = performance.now();
  try {
    await checkModelFolder(dir);
  } catch (e) {
    if (!(e instanceof UserError)) throw new Error(`not a UserError: ${(e as Error).stack}`);
    assert.ok(!e.message.includes("\n"), `two lines: ${e.message}`);
    assert.ok(e.message.length < 400, `${e.message.length} characters: ${e.message.slice(0, 200)}`);
    assert.ok(e.message.startsWith(dir), `does not name the folder's file: ${e.message}`);
  }
  const ms = performance.now() - start;
  assert.ok(ms < LIMIT_MS, `took ${ms.toFixed(0)} ms`);
  const grown = Deno.memoryUsage().rss - rssBefore;
  assert.ok(grown < LIMIT_BYTES, `grew by ${(grown / 2 ** 20).toFixed(0)} MiB`);
}

/** Values a hostile config might hold in any field. */
const anyValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.integer({ min: -5, max: 40 }),
  fc.integer(),
  fc.constantFrom(0, -1, 1e9, 2 ** 31, 2 ** 53, 1e308, -0, 0.5, 1.5),
  fc.string({ maxLength: 12 }),
  fc.constantFrom(null, true, false, "same", "constructor", "__proto__", "residual", "dense"),
  fc.array(fc.integer({ min: -2, max: 3000 }), { maxLength: 4 }),
  fc.jsonValue({ maxDepth: 3 }),
);

const FIELDS = [
  "type",
  "filters",
  "kernel",
  "stride",
  "padding",
  "bias",
  "size",
  "units",
  "rate",
  "momentum",
  "eps",
  "body",
  "shortcut",
  "relu",
];

Deno.test("fuzz: config.json fields changed at random are accepted or refused in one line", async () => {
  const tmp = await Deno.makeTempDir({ prefix: "fuzz-config-" });
  const rss = Deno.memoryUsage().rss;
  let n = 0;
  try {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.oneof(
            fc.record({
              where: fc.constant("layer" as const),
              index: fc.nat(20),
              field: fc.oneof(fc.constantFrom(...FIELDS), fc.string({ maxLength: 6 })),
              value: anyValue,
            }),
            fc.record({
              where: fc.constant("architecture" as const),
              field: fc.constantFrom("input", "classes", "layers", "name", "loss"),
              value: anyValue,
            }),
            fc.record({
              where: fc.constant("config" as const),
              field: fc.constantFrom("kind", "architecture", "quantization", "file"),
              value: anyValue,
            }),
          ),
          { minLength: 1, maxLength: 3 },
        ),
        async (edits) => {
          const dir = await copyShipped(tmp, `c${n++}`, (c: Json) => {
            const isObject = (v: unknown): v is Json => typeof v === "object" && v !== null;
            for (const e of edits) {
              // An earlier edit may have replaced the object this one changes: then it has none.
              if (e.where === "config") c[e.field] = e.value;
              else if (e.where === "architecture") {
                if (isObject(c.architecture)) c.architecture[e.field] = e.value;
              } else {
                const layers = c.architecture?.layers;
                const layer = Array.isArray(layers) && layers[e.index % layers.length];
                if (isObject(layer)) layer[e.field] = e.value;
              }
            }
          });
          await checkOutcome(dir, rss);
          await Deno.remove(dir, { recursive: true });
        },
      ),
      { numRuns: 300, seed: SEED },
    );
  } finally {
    await Deno.remove(tmp, { recursive: true });
  }
});

Deno.test("fuzz: weights headers and bytes changed at random are accepted or refused in one line", async () => {
  const tmp = await Deno.makeTempDir({ prefix: "fuzz-weights-" });
  const rss = Deno.memoryUsage().rss;
  let n = 0;
  const entryEdit = fc.record({
    kind: fc.constant("entry" as const),
    index: fc.nat(30),
    field: fc.constantFrom("dtype", "shape", "data_offsets", "whole", "delete", "rename"),
    value: anyValue,
  });
  const bytesEdit = fc.record({
    kind: fc.constant("bytes" as const),
    at: fc.nat(2000),
    byte: fc.integer({ min: 0, max: 255 }),
  });
  const truncate = fc.record({ kind: fc.constant("truncate" as const), keep: fc.nat(5000) });
  const header = fc.record({
    kind: fc.constant("header" as const),
    value: fc.jsonValue({ maxDepth: 4 }),
  });
  try {
    await fc.assert(
      fc.asyncProperty(fc.oneof(entryEdit, bytesEdit, truncate, header), async (edit) => {
        const dir = await copyShipped(tmp, `w${n++}`);
        const path = join(dir, "weights.safetensors");
        if (edit.kind === "entry") {
          const h = await readHeader(path);
          const names = Object.keys(h);
          const name = names[edit.index % names.length];
          if (edit.field === "whole") h[name] = edit.value;
          else if (edit.field === "delete") delete h[name];
          else if (edit.field === "rename") {
            h[String(edit.value).slice(0, 40)] = h[name];
            delete h[name];
          } else if (h[name] && typeof h[name] === "object") h[name][edit.field] = edit.value;
          await replaceHeader(path, JSON.stringify(h));
        } else if (edit.kind === "header") {
          await replaceHeader(path, JSON.stringify(edit.value));
        } else {
          const bytes = await Deno.readFile(path);
          if (edit.kind === "bytes") bytes[edit.at % bytes.length] = edit.byte;
          await Deno.writeFile(
            path,
            edit.kind === "truncate" ? bytes.subarray(0, edit.keep % bytes.length) : bytes,
          );
        }
        await checkOutcome(dir, rss);
        await Deno.remove(dir, { recursive: true });
      }),
      { numRuns: 300, seed: SEED },
    );
  } finally {
    await Deno.remove(tmp, { recursive: true });
  }
});
