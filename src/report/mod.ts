export { renderSvg, type TopLevelSpec, writeChart } from "./vega.ts";
export {
  accuracyByModel,
  accuracyVsTime,
  classDistribution,
  confusionMatrices,
  learningCurve,
  meanImages,
  perClassF1,
  pixelHistogram,
  type Split,
  trainingCurves,
} from "./charts.ts";
export { crc32, encodePng } from "./png.ts";
export {
  featureMaps,
  filterGrid,
  type GridOptions,
  inferenceGrid,
  misclassifiedGrid,
  weightMaps,
} from "./grids.ts";
export {
  escapeHtml,
  type Figure,
  indexHtml,
  type ModelResult,
  type Report,
  reportMarkdown,
  type Section,
  SECTION_TEXT,
} from "./html.ts";
