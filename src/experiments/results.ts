// The shapes of results/experiments/*.json, written by `deno task experiments` and read by the
// report's Experiments section (src/report/experiments.ts).
import type { Family } from "../report/runs.ts";
import type { TranslationRow } from "./translation.ts";

/** Where and when a result was measured, and with which settings (every figure names these). */
export interface Provenance {
  createdAt: string;
  /** The WebGPU adapter that ran the networks (its description, as WebGPU gives it, and backend). */
  adapter: { description: string; backend?: string } | null;
  deno: string;
  /** The experiment's own settings (seed, shifts, patch...). */
  settings: Record<string, unknown>;
}

/** A comparison model an experiment did not include, and why. */
export interface LeftOut {
  model: string;
  reason: string;
}

export interface PermutationModel {
  model: string;
  family: Family;
  /** Training images of both runs (the comparison run's, repeated on permuted pixels). */
  trainImages: number;
  /** The recipe of both runs, in few words. */
  recipe: string;
  /** Test accuracy of the comparison model on the original test images. */
  original: number;
  /** Test accuracy of the model retrained on permuted images, on the permuted test images. */
  permuted: number;
  /** The comparison model (not retrained) on the permuted test images: what the permutation destroys. */
  originalOnPermuted: number;
  /** Wall seconds of the permuted training, as recorded (on a machine possibly shared). */
  permutedTrainSeconds: number | null;
  /** Folder of the model trained on permuted pixels. */
  permutedDir: string;
}

export interface PermutationResult extends Provenance {
  kind: "permutation";
  /** Seed of the one pixel permutation used for every image. */
  seed: number;
  models: PermutationModel[];
  leftOut: LeftOut[];
}

export interface TranslationModel {
  model: string;
  family: Family;
  /** The training-time augmentation of the model ("none", "flip=0.5,shift=2", ...). */
  augment: string;
  /** Set when it is not a full run of its family (as the comparison labels it). */
  note: string | null;
  /** Wall seconds of its training, for the model this experiment trained (else absent). */
  trainSeconds?: number;
  /** Identifies the saved model measured (`modelFingerprint`): a rerun reuses rows that match. */
  fingerprint?: string;
}

export interface TranslationResult extends Provenance {
  kind: "translation";
  maxShift: number;
  models: TranslationModel[];
  rows: TranslationRow[];
  leftOut: LeftOut[];
}

export interface OcclusionImage {
  /** Index in the 10,000 test images. */
  index: number;
  label: number;
  className: string;
  predicted: number;
  /** The CNN's probability of the true class on the whole image. */
  probability: number;
  /** 784 values, row-major: mean drop of the true class's probability under the patches. */
  map: number[];
  /** Largest |value| of `map`. */
  maxDrop: number;
}

export interface OcclusionResult extends Provenance {
  kind: "occlusion";
  /** The network whose evidence is mapped, and the linear model whose weights stand beside it. */
  model: string;
  linear: string;
  images: OcclusionImage[];
}
