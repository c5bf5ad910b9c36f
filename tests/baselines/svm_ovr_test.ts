import { SvmOvrBaseline } from "../../src/baselines/svm_ovr.ts";
import { corruptModelFails, fitSaveLoad, present } from "./_helpers.ts";

Deno.test({
  name: "svm_ovr: fits 300 real images, well above chance; save → load predicts the same",
  ignore: !present,
  fn: async () => {
    const dir = await fitSaveLoad(new SvmOvrBaseline(), 0.65);
    await corruptModelFails(dir);
  },
});
