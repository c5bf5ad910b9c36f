// Cold start: seconds from launching `deno run src/cli/train.ts` to the end of its first training
// step, which compiles every kernel pipeline a step uses, with the driver's shader cache empty (a
// fresh machine) and again with it warm (every later run). Each call gets a new cache folder
// (MESA_SHADER_CACHE_DIR for Mesa, __GL_SHADER_DISK_CACHE_PATH for NVIDIA), so a timing never
// sees another's pipelines; the process is stopped once its first step is done.
//   deno bench -P bench/coldstart_bench.ts          (BENCH_MODELS=cnn,resnet to pick models)
import { measure } from "./_harness.ts";
import { ARCHITECTURES } from "../src/nn/zoo.ts";
import { median } from "../src/util/stats.ts";

const SUITE = "coldstart";
const TRAIN = new URL("../src/cli/train.ts", import.meta.url).pathname;
const READY = "first step done";
const only = Deno.env.get("BENCH_MODELS")?.split(",");
const names = (only ?? Object.keys(ARCHITECTURES)).filter((n) => n in ARCHITECTURES);

/**
 * Launches a short training run with `cacheDir` as the shader cache and returns the seconds
 * until it printed that its first step was done, with what it said it compiled.
 */
async function firstStep(model: string, cacheDir: string) {
  const out = await Deno.makeTempDir({ prefix: "coldstart-model-" });
  const t0 = performance.now();
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", TRAIN, "--model", model, "--limit", "640", "--epochs", "1"].concat(
      ["--val-split", "0", "--out", out],
    ),
    env: { MESA_SHADER_CACHE_DIR: cacheDir, __GL_SHADER_DISK_CACHE_PATH: cacheDir },
    stdin: "null",
    stdout: "null",
    stderr: "piped",
  }).spawn();
  let text = "";
  let seconds = NaN;
  const decoder = new TextDecoder();
  for await (const chunk of child.stderr) {
    text += decoder.decode(chunk, { stream: true });
    if (text.includes(READY)) {
      seconds = (performance.now() - t0) / 1000;
      break;
    }
  }
  try {
    child.kill("SIGTERM");
  } catch { /* already exited */ }
  await child.status;
  await Deno.remove(out, { recursive: true });
  if (!Number.isFinite(seconds)) {
    throw new Error(`coldstart: ${model} never finished its first step:\n${text.slice(-2000)}`);
  }
  const pipelines = Number(/compiling (\d+) GPU pipelines/.exec(text)?.[1] ?? NaN);
  return { seconds, pipelines };
}

for (const model of names) {
  for (const cache of ["empty", "warm"] as const) {
    const runs: { seconds: number; pipelines: number }[] = [];
    let warmDir = "";
    measure({
      suite: SUITE,
      name: `${cache === "empty" ? "cold" : "warm"} start ${model}`,
      kind: cache === "empty" ? "cold start" : "warm start",
      unit: "s",
      work: 1,
      n: 1,
      warmup: 0,
      prepare: async () => {
        if (cache === "warm" && !warmDir) {
          // Filled once by a first run, as a user's second run finds it.
          warmDir = await Deno.makeTempDir({ prefix: "coldstart-cache-" });
          await firstStep(model, warmDir);
        }
      },
      run: async () => {
        const dir = cache === "warm" ? warmDir : await Deno.makeTempDir({ prefix: "coldstart-" });
        runs.push(await firstStep(model, dir));
        if (cache === "empty") await Deno.remove(dir, { recursive: true });
      },
      finish: (figure) => {
        if (warmDir) Deno.removeSync(warmDir, { recursive: true });
        const seconds = median(runs.map((r) => r.seconds));
        return [{
          ...figure,
          ms: Number((seconds * 1000).toFixed(1)),
          value: Number(seconds.toPrecision(4)),
          detail: {
            model,
            shaderCache: cache,
            pipelines: runs[0]?.pipelines,
            runs: runs.length,
            what: "seconds from launching src/cli/train.ts to the end of its first step",
          },
        }];
      },
    });
  }
}
