export { renderSvg, type TopLevelSpec, writeChart } from "./vega.ts";
export {
  accuracyByModel,
  accuracyDomain,
  accuracyVsTime,
  classDistribution,
  CONFUSION_COLOURS,
  CONFUSION_DIAGONAL,
  CONFUSION_MIDPOINT,
  confusionMatrix,
  confusionScaleTop,
  learningCurve,
  meanImages,
  perClassF1,
  pixelHistogram,
  type Split,
  trainingCurves,
} from "./charts.ts";
export { crc32, encodePng } from "./png.ts";
export {
  MODEL_STYLES,
  modelScales,
  type ModelStyle,
  modelStyle,
  modelStyles,
  PALETTE,
  SHAPES,
} from "./palette.ts";
export { placeLabels } from "./labels.ts";
export { FONT_FAMILY, svgToRgb, textWidth } from "./svg_png.ts";
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
