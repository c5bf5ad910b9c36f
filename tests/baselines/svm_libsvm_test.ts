import { LibsvmBaseline } from "../../src/baselines/svm_libsvm.ts";
import { corruptModelFails, fitSaveLoad, present } from "./_helpers.ts";

Deno.test({
  name: "svm_libsvm: fits 300 real images, well above chance; save → load predicts the same",
  ignore: !present,
  fn: async () => {
    const dir = await fitSaveLoad(new LibsvmBaseline(), 0.65);
    await corruptModelFails(dir);
  },
});
