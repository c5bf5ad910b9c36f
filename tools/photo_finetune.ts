// From scratch vs fine-tuned on photo-like pictures of one's own, measured with the commands a
// user runs: `deno task train --images DIR/train --per-class N` (from scratch, from --init MODEL
// with every layer trained, and with --freeze features), then `deno task evaluate --images
// DIR/test` on the held-out pictures; also MODEL as it is. DIR comes from tools/photo_folder.ts.
//
//   deno run -A tools/photo_finetune.ts --photos DIR --work DIR [--init web/model]
//        [--sizes 10,100] [--seeds 1] [--json OUT]
//
// Settings per size are fixed below (epochs, batch size) to keep runs short on a shared CPU.
import { join } from "node:path";
import { parseArgs } from "node:util";
import { createHash } from "node:crypto";
import { writeJsonAtomic } from "../src/util/atomic.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    photos: { type: "string" },
    work: { type: "string" },
    init: { type: "string", default: "web/model" },
    sizes: { type: "string", default: "10,100" },
    seeds: { type: "string", default: "1" },
    json: { type: "string" },
  },
});
if (!values.photos || !values.work) throw new Error("--photos DIR and --work DIR are required");
const sizes = values.sizes.split(",").map(Number);
const seeds = values.seeds.split(",").map(Number);
/** Short runs: about 150-400 steps whatever the size. */
const RECIPE: Record<number, { epochs: number; batch: number }> = {
  10: { epochs: 30, batch: 16 },
  100: { epochs: 15, batch: 32 },
};

async function task(args: string[]): Promise<Record<string, unknown>> {
  const out = await new Deno.Command("deno", {
    args: ["task", "-q", ...args, "--json"],
    env: { DENO_WEBGPU_BACKEND: "vulkan", NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const err = new TextDecoder().decode(out.stderr);
  if (!out.success) throw new Error(`${args.join(" ")} failed:\n${err.slice(-2000)}`);
  console.error(err.split("\n").filter((l) => /^(head|validation|accuracy)/.test(l)).join("\n"));
  const text = new TextDecoder().decode(out.stdout).trim().split("\n").at(-1)!;
  return JSON.parse(text);
}

const test = join(values.photos, "test");
const rows: Record<string, unknown>[] = [];
const asIs = await task(["evaluate", "--images", test, "--model", values.init]);
rows.push({ variant: `${values.init} as it is`, perClass: 0, accuracy: asIs.accuracy });
console.error(`${values.init} as it is: ${((asIs.accuracy as number) * 100).toFixed(1)}%`);
for (const n of sizes) {
  const { epochs, batch } = RECIPE[n] ?? { epochs: 15, batch: 32 };
  for (const seed of seeds) {
    const variants: [string, string[]][] = [
      ["from scratch", []],
      [`fine-tuned from ${values.init}, all layers`, ["--init", values.init]],
      [`fine-tuned from ${values.init}, head only (--freeze features)`, [
        "--init",
        values.init,
        "--freeze",
        "features",
      ]],
    ];
    for (const [k, [variant, extra]] of variants.entries()) {
      const out = join(values.work, `n${n}-s${seed}-v${k}`);
      const started = performance.now();
      const trained = await task([
        "train",
        "--images",
        join(values.photos, "train"),
        "--per-class",
        String(n),
        "--epochs",
        String(epochs),
        "--batch-size",
        String(batch),
        "--seed",
        String(seed),
        "--out",
        out,
        "--overwrite",
        "--quiet",
        ...extra,
      ]);
      const seconds = (performance.now() - started) / 1000;
      const evaluated = await task(["evaluate", "--images", test, "--model", out]);
      const row = {
        variant,
        perClass: n,
        seed,
        epochs,
        batchSize: batch,
        validation: (trained.validation as { accuracy: number } | null)?.accuracy ?? null,
        accuracy: evaluated.accuracy,
        heldOut: evaluated.count,
        trainSeconds: seconds,
      };
      rows.push(row);
      console.error(
        `${n}/class seed ${seed} ${variant}: ${((row.accuracy as number) * 100).toFixed(1)}% ` +
          `held out (${seconds.toFixed(0)} s)`,
      );
    }
  }
}
const hash = async (p: string) =>
  createHash("sha256").update(await Deno.readFile(p)).digest("hex").slice(0, 16);
const result = {
  date: new Date().toISOString().slice(0, 10),
  photos: values.photos,
  preprocess: {
    "src/image/preprocess.ts": await hash("src/image/preprocess.ts"),
    "src/image/background.ts": await hash("src/image/background.ts").catch(() => null),
  },
  rows,
};
if (values.json) await writeJsonAtomic(values.json, result);
console.log(JSON.stringify(result));
