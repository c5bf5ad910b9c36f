import assert from "node:assert/strict";
import { largestPerExample, planArchitecture } from "../../src/nn/model.ts";
import { architecture } from "../../src/nn/zoo.ts";

Deno.test("largestPerExample: a conv's patch matrix or an activation, residual branches included", () => {
  // cnn: conv2's patches 14·14 × 3·3·32 = 56,448 floats outweigh every activation (25,088).
  assert.equal(largestPerExample(planArchitecture(architecture("cnn")).layers), 14 * 14 * 288);
  // cnn-deep: its second conv reads 28×28×16: patches of 28·28 × 3·3·16 = 112,896 floats.
  assert.equal(largestPerExample(planArchitecture(architecture("cnn-deep")).layers), 784 * 144);
  // A flattened-pixel model: the 784-pixel input.
  assert.equal(largestPerExample(planArchitecture(architecture("softmax")).layers), 784);
  // resnet's largest patch matrix sits inside a residual block's body.
  const resnet = planArchitecture(architecture("resnet")).layers;
  const top = resnet.filter((l) => !l.children);
  assert.ok(largestPerExample(resnet) >= largestPerExample(top));
});
