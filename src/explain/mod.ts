/**
 * Explaining one prediction, for the command line (`predict --explain`) and the page: occlusion
 * saliency over the 28×28 input and carried back onto the picture, and readable layer names.
 * Nothing here touches the GPU or the file system: the caller gives the probabilities.
 */
export {
  mapToPicture,
  overlay,
  type ProbabilityFn,
  type Saliency,
  saliencyMap,
} from "./saliency.ts";
export { type LayerTitle, layerTitles } from "./layers.ts";
