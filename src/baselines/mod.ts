/**
 * Classical baselines for the Fashion-MNIST comparison, each a `Classifier`.
 * @module
 */
export type { Classifier } from "./classifier.ts";
export { type BaselineConfig, type Flat, flatten, scaleGamma, stratifiedSample } from "./common.ts";
export {
  LOGISTIC_DEFAULTS,
  type LogisticParams,
  LogisticRegressionBaseline,
} from "./logistic_regression.ts";
export { SVM_OVR_DEFAULTS, SvmOvrBaseline, type SvmOvrParams } from "./svm_ovr.ts";
export { FOREST_DEFAULTS, type ForestParams, RandomForestBaseline } from "./random_forest.ts";
export { LIBSVM_DEFAULTS, LibsvmBaseline, type LibsvmParams } from "./svm_libsvm.ts";
export {
  HIST_FOREST_DEFAULTS,
  type HistForestParams,
  HistogramForestBaseline,
} from "./histogram_forest.ts";
export { type BaselineEntry, BASELINES, loadClassifier } from "./registry.ts";
