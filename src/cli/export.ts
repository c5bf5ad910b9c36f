import { basename, dirname, join } from "node:path";
import { checkWritableDir, choiceFlag, parseFlags, runCli, USAGE, userPath } from "./common.ts";
import {
  checkNetworkConfig,
  CONFIG_FILE,
  readCheckedWeights,
  readConfig,
  WEIGHTS_FILE,
} from "../io/checkpoint.ts";
import { checkFinite, decodeTypedSafetensors } from "../io/safetensors.ts";
import {
  ARCHITECTURE_METADATA,
  encodeTorchSafetensors,
  TORCH_LAYOUT,
  toTorch,
} from "../io/torch.ts";
import { ARCHITECTURES } from "../nn/zoo.ts";
import { writeFileAtomic } from "../util/atomic.ts";
import { clip, showValue, UserError } from "../util/errors.ts";

const TORCH_FILE = "weights.torch.safetensors";

const HELP = `deno task export --model DIR [--format torch] [--out FILE] [--json]

Writes a saved network's weights in PyTorch's layout: a safetensors file whose keys, shapes and
element orders are those of the equivalent torch.nn.Module in tools/torch_models.py (conv weights
[out, in, kh, kw], dense weights [out, in] over channel-height-width features, batch norm's
weight, bias, running_mean, running_var and num_batches_tracked), so that

    model = torch_models.cnn()            # or torch_models.load(FILE), from its metadata
    model.load_state_dict(safetensors.torch.load_file(FILE))

predicts what the workbench predicts (input: [B, 1, 28, 28] float32, pixels / 255). Needs no GPU.
"deno task train --init FILE" reads such a file back (also one saved by PyTorch).

  --model DIR      a model directory saved by "deno task train"
  --format NAME    torch (the only format; default torch)
  --out FILE       where to write (default DIR/${TORCH_FILE})
  --json           print a JSON summary on stdout`;

/** The Python function of tools/torch_models.py that builds each zoo architecture. */
const PYTHON_NAME = (name: string) => name.replaceAll("-", "_");

await runCli(async () => {
  const flags = parseFlags("export", {
    model: { type: "string" },
    format: { type: "string" },
    out: { type: "string" },
    json: { type: "boolean" },
  }, HELP);
  if (!flags.model) {
    throw new UserError('export: --model DIR is required; see "deno task export --help"', USAGE);
  }
  choiceFlag("format", flags.format, "torch", ["torch"] as const);
  const dir = userPath(flags.model);
  const out = flags.out === undefined ? join(dir, TORCH_FILE) : userPath(flags.out);
  if (basename(out) === WEIGHTS_FILE && dirname(out) === dir) {
    throw new UserError(
      `--out ${out}: would replace the model's own weights; choose another file name`,
      USAGE,
    );
  }
  const config = await readConfig(dir);
  if (config.kind !== "network" || config.architecture === undefined) {
    throw new UserError(
      `${join(dir, CONFIG_FILE)}: not a network (kind ${showValue(config.kind ?? null)}); ` +
        `only networks trained by "deno task train" have a PyTorch equivalent`,
    );
  }
  if (config.quantization) {
    const source = (config.quantization as { source?: { dir?: string } }).source?.dir;
    throw new UserError(
      `${dir}: an int8 model from "deno task quantize"; PyTorch's layout is for float weights` +
        (typeof source === "string" ? `: export ${clip(source, 200)}, its float model` : ""),
    );
  }
  // Architecture, then the weights' header against it, then their values: all before converting.
  const { architecture: arch, plan } = checkNetworkConfig(config, dir);
  if ((await Deno.stat(out).catch(() => null))?.isDirectory) {
    throw new UserError(
      `export: --out ${out} is a folder; give a file path, e.g. ${join(out, TORCH_FILE)}`,
      USAGE,
    );
  }
  await checkWritableDir(dirname(out), "--out");
  const weightsPath = join(dir, WEIGHTS_FILE);
  const tensors = await readCheckedWeights(
    dir,
    WEIGHTS_FILE,
    plan,
    `retrain with "deno task train --out ${dir}"`,
  );
  let torch;
  try {
    torch = toTorch(arch, tensors);
  } catch (e) {
    throw new UserError(`${weightsPath}: ${(e as Error).message}; the model folder is damaged`);
  }
  const zoo = Object.hasOwn(ARCHITECTURES, arch.name);
  const module = zoo
    ? `torch_models.${PYTHON_NAME(arch.name)}(classes=${arch.classes})`
    : "torch_models.from_architecture(architecture)";
  const file = encodeTorchSafetensors(torch, {
    format: "pt",
    layout: TORCH_LAYOUT,
    [ARCHITECTURE_METADATA]: JSON.stringify(arch),
    module: `tools/torch_models.py: ${module}`,
  });
  checkWritten(file, torch, out);
  await writeFileAtomic(out, file);
  console.error(
    `wrote ${out}: ${torch.length} tensors of ${arch.name} (${arch.classes} classes) in PyTorch ` +
      `layout, ${(file.length / 2 ** 20).toFixed(2)} MiB; load into ${module}`,
  );
  if (flags.json) {
    console.log(JSON.stringify({
      out,
      format: "torch",
      architecture: arch.name,
      classes: arch.classes,
      module,
      tensors: torch.map((t) => ({ name: t.name, dtype: t.dtype, shape: t.shape })),
      bytes: file.length,
    }));
  }
});

/**
 * What export is about to write, read back as a reader would: every tensor it converted, with its
 * dtype and shape, every float finite. A mismatch is a bug in the conversion, not the user's.
 */
function checkWritten(
  bytes: Uint8Array,
  torch: { name: string; dtype: string; shape: number[] }[],
  out: string,
) {
  const { tensors } = decodeTypedSafetensors(bytes, out);
  for (const t of torch) {
    const back = tensors.get(t.name);
    if (!back || back.dtype !== t.dtype || back.shape.join() !== t.shape.join()) {
      throw new Error(`${out}: ${t.name} would be written as ${back?.dtype} [${back?.shape}]`);
    }
  }
  if (tensors.size !== torch.length) throw new Error(`${out}: unexpected tensors written`);
  checkFinite(tensors.values(), out);
}
