export { type Idx, type Images, parseIdx, readIdxFile, readImages, readLabels } from "./idx.ts";
export { type CsvImages, parseFashionCsv } from "./csv.ts";
export {
  type DatasetFiles,
  defaultCacheDir,
  DOWNLOAD_URL,
  ENV_VAR,
  type Fetch,
  FILE_NAMES,
  type FileKey,
  type Located,
  locateFashionMnist,
  type LocateOptions,
  SHA256,
  sha256Hex,
  type Source,
  SYSTEM_DIR,
} from "./locate.ts";
export {
  CLASS_NAMES,
  type Dataset,
  type ImageFile,
  type Loaded,
  loadFashionMnist,
  loadImagesFile,
  type LoadOptions,
  stratifiedSplit,
  subset,
} from "./dataset.ts";
export { borderMean, invertImages, LIGHT_BORDER_MEAN, lightBackgrounds } from "./polarity.ts";
export { type Batch, Batcher, type BatcherOptions } from "./batches.ts";
