import { join } from "node:path";
import { showValue, UserError } from "../util/errors.ts";
import type { Classifier } from "./classifier.ts";
import { type BaselineKind, readJson } from "./common.ts";
import { HistogramForestBaseline } from "./histogram_forest.ts";
import { LogisticRegressionBaseline } from "./logistic_regression.ts";
import { RandomForestBaseline } from "./random_forest.ts";
import { LibsvmBaseline } from "./svm_libsvm.ts";
import { SvmOvrBaseline } from "./svm_ovr.ts";

export interface BaselineEntry {
  /** A fresh classifier, default hyper-parameters overridden by `params`. */
  create(params?: Record<string, unknown>): Classifier;
  /** Training images for the default run, sized to train in about two minutes on 2 cores. */
  trainImages: number;
}

/** Keyed by each classifier's `name`. */
export const BASELINES: Record<string, BaselineEntry> = {
  "logistic-regression": {
    create: (p) => new LogisticRegressionBaseline(p),
    trainImages: 10_000,
  },
  "svm-rbf-ovr": {
    create: (p) => new SvmOvrBaseline(p),
    trainImages: 3_000,
  },
  "random-forest": {
    create: (p) => new RandomForestBaseline(p),
    trainImages: 1_000,
  },
  "svm-rbf": {
    create: (p) => new LibsvmBaseline(p),
    // The largest size libsvm trains in about five minutes here; prediction runs on the GPU.
    trainImages: 30_000,
  },
  "histogram-forest": {
    create: (p) => new HistogramForestBaseline(p),
    trainImages: 60_000,
  },
};

const BY_KIND: Record<BaselineKind, (dir: string) => Promise<Classifier>> = {
  "logistic-regression": LogisticRegressionBaseline.load,
  "svm-ovr": SvmOvrBaseline.load,
  "random-forest": RandomForestBaseline.load,
  "svm-libsvm": LibsvmBaseline.load,
  "histogram-forest": HistogramForestBaseline.load,
};

/** Loads a saved baseline, whichever it is, from `dir/config.json`'s `kind`. */
export async function loadClassifier(dir: string): Promise<Classifier> {
  const path = join(dir, "config.json");
  const { kind } = await readJson(path);
  // Own keys only: a config saying "constructor" must not find Object's.
  const load = typeof kind === "string" && Object.hasOwn(BY_KIND, kind)
    ? BY_KIND[kind as BaselineKind]
    : undefined;
  if (!load) {
    throw new UserError(
      `${path}: unknown model kind ${showValue(kind)}; expected one of ${
        Object.keys(BY_KIND).join(", ")
      }`,
    );
  }
  return load(dir);
}
