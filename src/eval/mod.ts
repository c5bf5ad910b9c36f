export {
  type ClassificationReport,
  classificationReport,
  confusionMatrix,
  formatReport,
  type Scores,
} from "./metrics.ts";
