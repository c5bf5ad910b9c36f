// Size caps of a model folder's files, shared by the Deno loaders (src/io/model_folder.ts) and the
// page, which checks a picked File's size before reading it.
import { MAX_SAFETENSORS_HEADER_BYTES } from "./safetensors.ts";
import { ARCHITECTURE_LIMITS } from "../nn/check.ts";

/** Size caps of the files of a model folder, in bytes. */
export const MODEL_FILE_LIMITS = {
  /** config.json (a zoo network's is under 10 KiB). */
  config: 4 * 2 ** 20,
  /** A weights file: the parameter limit of src/nn/check.ts as F32, plus its header. */
  weights: ARCHITECTURE_LIMITS.parameters * 4 + MAX_SAFETENSORS_HEADER_BYTES + 8,
  /** A baseline's model file (an RBF SVM on 30,000 images is tens of MB of text). */
  baseline: 512 * 2 ** 20,
};
