// What the ops hand the autotuner (src/gpu/tune.ts): a run of one op on scratch tensors, recorded
// outside whatever step is being recorded.
import { endStep, engine } from "../autograd/tensor.ts";

/**
 * Runs `fn` as a step of its own: a fresh tape and arena (restored afterwards), gradients on, and
 * `endStep` at the end (submits and frees its tensors). The tuner calls it between steps only;
 * the saved tape and arena keep anything a caller had recorded.
 */
export function isolatedStep(fn: () => void): void {
  const { tape, arena, gradEnabled } = engine;
  engine.tape = [];
  engine.arena = [];
  engine.gradEnabled = true;
  try {
    fn();
  } finally {
    endStep();
    engine.tape = tape;
    engine.arena = arena;
    engine.gradEnabled = gradEnabled;
  }
}
