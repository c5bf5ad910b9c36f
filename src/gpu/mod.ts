export { type Binding, f32bits, Gpu } from "./gpu.ts";
export { type AdapterReport, requestDevice } from "./device.ts";
