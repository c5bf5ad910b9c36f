/**
 * Classical baselines for the Fashion-MNIST comparison, each a `Classifier`.
 *
 * ```ts
 * import { BASELINES, flatten, loadClassifier, stratifiedSample } from "./mod.ts";
 * import { loadFashionMnist } from "../data/mod.ts";
 * const { train, test } = await loadFashionMnist();
 * const entry = BASELINES["histogram-forest"];
 * const tr = stratifiedSample(train, entry.trainImages, 1);
 * const clf = entry.create();
 * await clf.fit(tr.x, tr.y, tr.n);
 * await clf.save("models/histogram-forest");
 * const te = flatten(test);
 * const pred = await (await loadClassifier("models/histogram-forest")).predict(te.x, te.n);
 * ```
 *
 * Defaults, accuracy on the 10,000 test images, seconds on a 2-core machine while a CNN training
 * run held both cores. Each baseline is single-threaded, so that costs little: on the idle
 * machine histogram-forest took 142 s (145 busy) and logistic-regression 123 s (110 busy).
 *
 * | name | engine | train images | train s | predict s | accuracy |
 * |---|---|---|---|---|---|
 * | logistic-regression | ml-logistic-regression, 100 steps | 10,000 | 110 | 0.7 | 0.814 |
 * | svm-rbf-ovr | ml-svm, C=10, gamma "scale" | 3,000 | 175 | 16 | 0.840 |
 * | random-forest | ml-random-forest, 30 trees × 5% pixels | 1,000 | 138 | 1.7 | 0.784 |
 * | svm-rbf | libsvm-js, C=10, gamma "scale" | 20,000 | 211–263 | 60 | 0.880 |
 * | histogram-forest | ours, 100 trees, √784 pixels/split | 60,000 | 145 | 0.6 | 0.879 |
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
