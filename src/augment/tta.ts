import type { Tensor } from "../autograd/tensor.ts";
import type { Sequential } from "../nn/model.ts";
import { flipHorizontal, logMeanSoftmax } from "./augment.ts";

/**
 * Test-time augmentation with the horizontal flip: predicts x [B, H, W, C] and its mirror image
 * and averages the two softmax distributions. Returns log of that average, [B, classes], which
 * stands in for logits anywhere (argmax gives the TTA prediction; softmax cross-entropy on it is
 * the TTA log loss), so evaluation code needs no second path: `tta ? predictWithFlipTta(model, x)
 * : model.predict(x)`.
 *
 * Why probabilities and not logits: logits of two views are not on a common scale (a view the
 * network is unsure of can have large logits of both signs), so their mean can be dominated by
 * one view; probabilities are bounded, and their mean is the mixture of the two predictions,
 * the usual TTA ensemble. Models trained with the hinge loss give scores, not log-probabilities;
 * softmax is still a monotone map of each row, so the average remains a sensible vote.
 *
 * Only worth it for models that saw flipped images in training (`--augment flip`): Fashion-MNIST
 * classes are left-right symmetric in meaning, but a network that never saw mirrored shoes may
 * misread them.
 */
export function predictWithFlipTta(model: Sequential, x: Tensor): Tensor {
  return logMeanSoftmax(model.predict(x), model.predict(flipHorizontal(x)));
}
