import type { Binding } from "../gpu/gpu.ts";
import { gpu } from "./tensor.ts";

/** Byte offset of the step's integers in the buffer: WebGPU's minUniformBufferOffsetAlignment. */
const SEEDS_AT = 256;

/**
 * The values that change from one training step to the next, in one small uniform buffer that
 * the training loop writes once per step (one `queue.writeBuffer`), so that the step's commands
 * stay the same and a captured step (`Gpu.capture`) can be replayed: the optimizer's eight
 * hyper-parameters (learning rate, Adam's bias corrections, ... as `hyper4`, bytes 0-31) and,
 * from byte 256, four u32s read as `stepSeeds: vec4<u32>`: x the dropout seed of the step, y the
 * augmentation seed, z the loss log's slot, w unused. Kernels outside a planned step bind
 * `Gpu.zeroUniform` there instead, and their own parameters alone decide.
 */
export class StepValues {
  readonly buffer: GPUBuffer;
  private readonly data = new ArrayBuffer(SEEDS_AT + 16);
  /** The optimizer's hyper-parameters of the step (its `hyper4`). */
  readonly hyper = new Float32Array(this.data, 0, 8);
  private readonly seeds = new Uint32Array(this.data, SEEDS_AT, 4);
  private readonly bytes = new Uint8Array(this.data);
  /** `hyper` as a kernel binds it: a uniform array<vec4f, 2>. */
  readonly hyperBinding: Binding;
  /** The seeds and slot as a kernel binds them: a uniform vec4<u32>. */
  readonly seedsBinding: Binding;

  constructor() {
    this.buffer = gpu().device.createBuffer({
      size: this.data.byteLength,
      usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST,
    });
    this.hyperBinding = { buffer: this.buffer, offset: 0, size: 32 };
    this.seedsBinding = { buffer: this.buffer, offset: SEEDS_AT, size: 16 };
  }

  /** The step's seed of dropout masks (a layer adds its salt: `dropoutSeed`). */
  set dropoutSeed(seed: number) {
    this.seeds[0] = seed >>> 0;
  }
  /** The step's seed of the batch's augmentation. */
  set augmentSeed(seed: number) {
    this.seeds[1] = seed >>> 0;
  }
  /** The loss log's slot that the step writes its loss sum and hits to. */
  set logSlot(slot: number) {
    this.seeds[2] = slot >>> 0;
  }

  /** Queues the values for the next submitted step (queue order: before its commands run). */
  write() {
    gpu().upload(this.buffer, this.bytes);
  }

  destroy() {
    this.buffer.destroy();
  }
}

/**
 * The seed of a dropout layer's mask in a step seeded `stepSeed`: the same u32 arithmetic as the
 * dropout kernel's `p.seed + stepSeeds.x * 1000003u`, so that a step planned with `StepValues`
 * draws the masks a step given the number draws.
 */
export function dropoutSeed(stepSeed: number, salt: number): number {
  return (Math.imul(stepSeed >>> 0, 1000003) + salt) >>> 0;
}
