import assert from "node:assert/strict";
import { classificationReport, confusionMatrix, formatReport } from "../../src/eval/metrics.ts";

// Class 3 is predicted once but never true; class 4 is true once but never predicted.
const truth = [0, 0, 0, 1, 1, 2, 2, 2, 4];
const pred = [0, 0, 1, 1, 0, 2, 2, 3, 1];

function close(actual: number, expected: number) {
  assert.ok(Math.abs(actual - expected) < 1e-12, `${actual} != ${expected}`);
}

Deno.test("confusionMatrix counts (true, predicted) pairs", () => {
  assert.deepEqual(confusionMatrix(truth, pred, 5), [
    [2, 1, 0, 0, 0],
    [1, 1, 0, 0, 0],
    [0, 0, 2, 1, 0],
    [0, 0, 0, 0, 0],
    [0, 1, 0, 0, 0],
  ]);
});

Deno.test("confusionMatrix rejects mismatched lengths and out-of-range labels", () => {
  assert.throws(() => confusionMatrix([0, 1], [0], 2), RangeError);
  assert.throws(() => confusionMatrix([0, 2], [0, 1], 2), RangeError);
  assert.throws(() => confusionMatrix([0, 1.5], [0, 1], 2), RangeError);
  assert.throws(() => confusionMatrix([0.5], [0.5], 2), RangeError);
});

Deno.test("classificationReport matches hand-computed scikit-learn values", () => {
  const r = classificationReport(truth, Uint8Array.from(pred), 5);
  const expected = [
    [2 / 3, 2 / 3, 2 / 3, 3],
    [1 / 3, 1 / 2, 0.4, 2],
    [1, 2 / 3, 0.8, 3],
    [0, 0, 0, 0], // never true: recall 0/0 -> 0, precision 0/1
    [0, 0, 0, 1], // never predicted: precision 0/0 -> 0
  ];
  r.classes.forEach((s, c) => {
    const [p, rec, f1, support] = expected[c];
    close(s.precision, p);
    close(s.recall, rec);
    close(s.f1, f1);
    assert.equal(s.support, support);
  });
  close(r.accuracy, 5 / 9);
  assert.equal(r.total, 9);
  close(r.macro.precision, 2 / 5);
  close(r.macro.recall, 11 / 30);
  close(r.macro.f1, 28 / 75);
  close(r.weighted.precision, 17 / 27);
  close(r.weighted.recall, 5 / 9);
  close(r.weighted.f1, 26 / 45);
  assert.equal(r.macro.support, 9);
});

Deno.test("classificationReport of a perfect prediction is all ones", () => {
  const r = classificationReport([0, 1, 1], [0, 1, 1], 2);
  assert.deepEqual(r.macro, { precision: 1, recall: 1, f1: 1, support: 3 });
  assert.equal(r.accuracy, 1);
});

Deno.test("formatReport lays out scikit-learn's table", () => {
  const text = formatReport(classificationReport(truth, pred, 5), [
    "zero",
    "one",
    "two",
    "three",
    "four",
  ]);
  assert.equal(
    text,
    [
      "              precision    recall  f1-score   support",
      "",
      "        zero       0.67      0.67      0.67         3",
      "         one       0.33      0.50      0.40         2",
      "         two       1.00      0.67      0.80         3",
      "       three       0.00      0.00      0.00         0",
      "        four       0.00      0.00      0.00         1",
      "",
      "    accuracy                           0.56         9",
      "   macro avg       0.40      0.37      0.37         9",
      "weighted avg       0.63      0.56      0.58         9",
      "",
    ].join("\n"),
  );
});

Deno.test("formatReport widens the name column for long class names", () => {
  const text = formatReport(classificationReport([0], [0], 1), ["a very long class name"], 3);
  assert.ok(text.startsWith(" ".repeat(24) + "precision"));
  assert.ok(text.includes("\na very long class name      1.000     1.000     1.000         1\n"));
});
