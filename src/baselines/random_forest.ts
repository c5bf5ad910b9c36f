import { RandomForestClassifier } from "ml-random-forest";
import { Baseline, type BaselineConfig, loadWith, readSaved, toRows } from "./common.ts";

export interface ForestParams extends Record<string, unknown> {
  nEstimators: number;
  /** Fraction of the 784 pixels each tree sees (drawn once per tree, not per split). */
  maxFeatures: number;
  maxDepth: number;
  minNumSamples: number;
  seed: number;
}

export const FOREST_DEFAULTS: ForestParams = {
  nEstimators: 30,
  maxFeatures: 0.05,
  maxDepth: 20,
  minNumSamples: 3,
  seed: 1,
};

interface Node {
  left?: Node;
  right?: Node;
}

function countNodes(node: Node | undefined): number {
  return node ? 1 + countNodes(node.left) + countNodes(node.right) : 0;
}

/**
 * Random forest from ml-random-forest (bagged ml-cart trees, Gini). Its split search tries every
 * distinct value of every feature with a fresh pass over the node's samples, so training grows
 * roughly with features × n² per tree; that is what bounds the default size.
 */
export class RandomForestBaseline extends Baseline<ForestParams> {
  readonly name = "random-forest";
  readonly engine = "ml-random-forest 2.1.0";
  readonly kind = "random-forest";
  private model: RandomForestClassifier | null = null;

  constructor(params: Partial<ForestParams> = {}) {
    super({ ...FOREST_DEFAULTS, ...params });
  }

  protected get trained() {
    return this.model !== null;
  }

  protected train(x: Float32Array, y: Uint8Array, n: number) {
    const p = this.params;
    const model = new RandomForestClassifier({
      nEstimators: p.nEstimators,
      maxFeatures: p.maxFeatures,
      // Sampling features with replacement would give a tree duplicate columns for nothing.
      replacement: false,
      seed: p.seed,
      useSampleBagging: true,
      treeOptions: { maxDepth: p.maxDepth, minNumSamples: p.minNumSamples },
      // Out-of-bag scoring can crash ("input must not be empty") and costs time; we test instead.
      noOOB: true,
      isClassifier: true,
    });
    model.train(toRows(x, n), Array.from(y));
    this.model = model;
  }

  protected classify(x: Float32Array, n: number): Uint8Array {
    return Uint8Array.from(this.model!.predict(toRows(x, n)));
  }

  /** Tree nodes (each a split or a leaf). */
  parameterCount(): number {
    return (this.model!.estimators ?? []).reduce(
      (t, e) => t + countNodes((e as unknown as { root: Node }).root),
      0,
    );
  }

  protected serialize() {
    return this.model!.toJSON();
  }

  static async load(dir: string): Promise<RandomForestBaseline> {
    const { config, model, path } = await readSaved(dir);
    return loadWith(path, () => {
      const c = new RandomForestBaseline(config.hyperParameters as ForestParams);
      // deno-lint-ignore no-explicit-any
      c.model = RandomForestClassifier.load(model as any);
      return c.restore(config as BaselineConfig);
    });
  }
}
