/** Precision, recall and F1 of one class (or an average), with the number of true examples. */
export interface Scores {
  precision: number;
  recall: number;
  f1: number;
  support: number;
}

/** scikit-learn's `classification_report` as data: one entry per class index, then averages. */
export interface ClassificationReport {
  classes: Scores[];
  accuracy: number;
  macro: Scores;
  weighted: Scores;
  /** Examples counted (the support of every average). */
  total: number;
}

/**
 * Counts per (true class, predicted class): `m[t][p]`. Labels must be integers in [0, classes).
 */
export function confusionMatrix(
  truth: ArrayLike<number>,
  pred: ArrayLike<number>,
  classes: number,
): number[][] {
  if (truth.length !== pred.length) {
    throw new RangeError(`${truth.length} true labels but ${pred.length} predictions`);
  }
  const m = Array.from({ length: classes }, () => new Array<number>(classes).fill(0));
  for (let i = 0; i < truth.length; i++) {
    const t = truth[i], p = pred[i];
    if (
      !(Number.isInteger(t) && Number.isInteger(p) && t >= 0 && t < classes && p >= 0 &&
        p < classes)
    ) {
      throw new RangeError(
        `label ${t} or prediction ${p} at ${i} is not a class in [0, ${classes})`,
      );
    }
    m[t][p]++;
  }
  return m;
}

// zero_division=0, as scikit-learn reports a class never predicted (or never present).
const ratio = (a: number, b: number) => b === 0 ? 0 : a / b;

/**
 * Per-class precision, recall, F1 and support, accuracy, and the macro (unweighted mean over all
 * `classes`, absent ones included) and support-weighted averages, as scikit-learn defines them.
 */
export function classificationReport(
  truth: ArrayLike<number>,
  pred: ArrayLike<number>,
  classes: number,
): ClassificationReport {
  const m = confusionMatrix(truth, pred, classes);
  const total = truth.length;
  const scores = m.map((row, c) => {
    const tp = row[c];
    const support = row.reduce((a, b) => a + b, 0);
    const predicted = m.reduce((a, r) => a + r[c], 0);
    const precision = ratio(tp, predicted);
    const recall = ratio(tp, support);
    return { precision, recall, f1: ratio(2 * precision * recall, precision + recall), support };
  });
  const average = (weight: (s: Scores) => number): Scores => {
    const sum = scores.reduce((a, s) => a + weight(s), 0);
    const mean = (k: "precision" | "recall" | "f1") =>
      ratio(scores.reduce((a, s) => a + weight(s) * s[k], 0), sum);
    return { precision: mean("precision"), recall: mean("recall"), f1: mean("f1"), support: total };
  };
  const correct = m.reduce((a, row, c) => a + row[c], 0);
  return {
    classes: scores,
    accuracy: ratio(correct, total),
    macro: average(() => 1),
    weighted: average((s) => s.support),
    total,
  };
}

/** The text table scikit-learn's `classification_report` prints, column for column. */
export function formatReport(
  report: ClassificationReport,
  classNames: readonly string[],
  digits = 2,
): string {
  const width = Math.max("weighted avg".length, digits, ...classNames.map((n) => n.length));
  const cell = (s: string) => " " + s.padStart(9);
  const num = (x: number) => cell(x.toFixed(digits));
  const row = (name: string, s: Scores) =>
    name.padStart(width) + " " + num(s.precision) + num(s.recall) + num(s.f1) +
    cell(String(s.support)) + "\n";
  const head = " ".repeat(width) + " " + ["precision", "recall", "f1-score", "support"].map(cell)
    .join("");
  return head + "\n\n" +
    report.classes.map((s, c) => row(classNames[c] ?? String(c), s)).join("") + "\n" +
    "accuracy".padStart(width) + " " + cell("") + cell("") + num(report.accuracy) +
    cell(String(report.total)) + "\n" +
    row("macro avg", report.macro) + row("weighted avg", report.weighted);
}
