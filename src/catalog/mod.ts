// Similar items: embeddings from a network's penultimate layer, nearest neighbours by cosine
// similarity, and their on-disk cache (deno task similar; docs/catalogue.md).
export { computeEmbeddings, embeddingSize } from "./embeddings.ts";
export {
  l2Normalize,
  nearestNeighbours,
  nearestNeighboursBatch,
  type Neighbour,
  type PrecisionAtK,
  precisionAtK,
} from "./neighbours.ts";
