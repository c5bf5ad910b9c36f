import { RandomForestBaseline } from "../../src/baselines/random_forest.ts";
import { corruptModelFails, fitSaveLoad, present } from "./_helpers.ts";

Deno.test({
  name: "random_forest: fits 300 real images, well above chance; save → load predicts the same",
  ignore: !present,
  fn: async () => {
    const dir = await fitSaveLoad(
      new RandomForestBaseline({ nEstimators: 5, maxFeatures: 0.05 }),
      0.55,
    );
    await corruptModelFails(dir);
  },
});
