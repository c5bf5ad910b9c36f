import { LogisticRegressionBaseline } from "../../src/baselines/logistic_regression.ts";
import { corruptModelFails, fitSaveLoad, present } from "./_helpers.ts";

Deno.test({
  name:
    "logistic_regression: fits 300 real images, well above chance; save → load predicts the same",
  ignore: !present,
  fn: async () => {
    const dir = await fitSaveLoad(new LogisticRegressionBaseline({ numSteps: 30 }), 0.65);
    await corruptModelFails(dir);
  },
});
