import { type AdapterReport, requestDevice } from "./device.ts";
import { type AdapterProfile, profileFor } from "./profile.ts";
import { f32bits, type Kernel, packParams } from "./kernel.ts";

export { f32bits };

/** Storage buffers' usage flags; read when used, as a page without WebGPU has no GPUBufferUsage. */
const storage = () => GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST;
/** Caches are dropped past these sizes (only between submits, when nothing pending uses them). */
const MAX_UNIFORMS = 4096;
const MAX_BIND_GROUPS = 16384;

/** A buffer binding: a whole buffer, or a byte range of one (a view, see `Tensor.binding`). */
export type BufferBinding = GPUBuffer | { buffer: GPUBuffer; offset: number; size: number };

/** A binding: a whole buffer, a byte range of one, or a texture (see `Gpu.texture`). */
export type Binding = BufferBinding | GPUTexture;

/** The buffer of a buffer binding and where its range starts, in bytes. */
function bufferAt(b: BufferBinding): [GPUBuffer, number] {
  return "offset" in b ? [b.buffer, b.offset] : [b, 0];
}

/** What `Gpu.inputTextures` gives a kernel dispatch. */
export interface TextureInputs {
  /** The kernel's TEXTURES override: 1 when the inputs were copied into textures. */
  TEXTURES: 0 | 1;
  /** One texture binding per input: its copy, or the 1×1 dummy. */
  bindings: GPUTexture[];
  /** Hands the copies back to the pool once their readers are recorded. */
  release(): void;
}

/** `Gpu.texture` wraps flat arrays at this many texels (vec4s) per row; WGSL must agree. */
import { TEXTURE_WIDTH, TEXTURE_WIDTH_LOG2 } from "./texel.ts";
export { TEXTURE_WIDTH, TEXTURE_WIDTH_LOG2 };

/** The formats of the flat textures: f32 values, or 32-bit words (int8 packed four to a word). */
export type FlatTextureFormat = "rgba32float" | "rgba32uint";

/** Bytes of a flat texture's row (`Gpu.texture`): 64 KiB. */
const ROW_BYTES = TEXTURE_WIDTH * 16;

/**
 * The size a buffer of `bytes` is given: a multiple of 16 (kernels read vec4s), and above one
 * texture row a multiple of whole rows, so that `Gpu.texture` copies it in one command, not two
 * (a copy must find whole rows in its source). At most 64 KiB more, and only for big buffers.
 */
export function paddedBytes(bytes: number): number {
  if (bytes > ROW_BYTES) return Math.ceil(bytes / ROW_BYTES) * ROW_BYTES;
  return Math.max(16, Math.ceil(bytes / 16) * 16);
}

/** The pipeline cache's key of a kernel entry with override constants. */
function pipelineKey(kernel: Kernel, entry: string, constants: Record<string, number>): string {
  return `${kernel.label}:${entry}:${JSON.stringify(constants)}`;
}

/** Files `item` under `key` in a size-keyed pool (buffers by size, textures by rows). */
export function putBack<T>(pool: Map<number, T[]>, key: number, item: T) {
  let free = pool.get(key);
  if (!free) pool.set(key, free = []);
  free.push(item);
}

/**
 * The one owner of the GPUDevice. Everything that reaches the GPU goes through here:
 * kernels are compiled once into a pipeline cache, buffers are pooled by size, uniform buffers and
 * bind groups are cached by content, and all dispatches of a step share one command encoder and
 * one compute pass until `submit()`. A training step therefore costs one submit and no waits.
 */
export class Gpu {
  private pipelines = new Map<string, GPUComputePipeline>();
  private kernelModules = new WeakMap<Kernel, GPUShaderModule>();
  /** The uniform words of the dispatch being recorded (reused: `uniform` copies what it keeps). */
  private words: number[] = [];
  private pool = new Map<number, GPUBuffer[]>();
  private texturePools: Record<FlatTextureFormat, Map<number, GPUTexture[]>> = {
    rgba32float: new Map(),
    rgba32uint: new Map(),
  };
  private uniformCopies = new Map<number, GPUBuffer[]>();
  private views = new WeakMap<GPUTexture, GPUTextureView>();
  private uniforms = new Map<string, GPUBuffer>();
  private bindGroups = new Map<string, GPUBindGroup>();
  private ids = new WeakMap<object, number>();
  private nextId = 1;
  private encoder: GPUCommandEncoder | null = null;
  private computePass: GPUComputePassEncoder | null = null;
  private error: string | null = null;
  /** While `precompile` records: the pipelines its dispatches would create, by cache key. */
  private wanted:
    | Map<string, { kernel: Kernel; entry: string; constants: Record<string, number> }>
    | null = null;
  /** The commands of the step being captured (`capture`), or null. */
  private capturing: PlanCommand[] | null = null;
  /** Buffers the pool made: scratch, so a captured step may not upload into them. */
  private pooled = new WeakSet<GPUBuffer>();
  /**
   * What this Gpu has done since creation, in plain integer increments (read by the step profiler,
   * src/profile/, benchmarks and tests). Commands: `dispatches`, `textureCopies` (`texture()`
   * calls), `bufferCopies` (`copy`, `uniformCopy`, `read`), `clears`; `submits`; `waits` (`read`
   * and `sync`: the CPU waits for the GPU). GPU objects created: `buffers` (storage buffers and
   * `read`'s staging buffers), `textures`, `uniformBuffers` (params and `uniformCopy`),
   * `bindGroups`, `pipelines`. `uploads`: `upload` calls (queue writes). `allocations`: the pools'
   * misses (storage buffers, textures, uniform copies).
   */
  readonly counts = {
    dispatches: 0,
    textureCopies: 0,
    bufferCopies: 0,
    clears: 0,
    submits: 0,
    waits: 0,
    buffers: 0,
    textures: 0,
    uniformBuffers: 0,
    bindGroups: 0,
    pipelines: 0,
    uploads: 0,
    allocations: 0,
    /** Steps replayed from a `GpuPlan` (their commands are counted as recorded ones). */
    replays: 0,
  };
  readonly dummy: GPUBuffer;
  /** A 1×1 texture for texture bindings an entry declares but a dispatch doesn't use. */
  readonly dummyTexture: GPUTexture;
  /**
   * 16 bytes of zeros as a uniform buffer: the step values (`StepValues`) a kernel reads when it
   * runs outside a planned training step, so that its own parameters alone decide.
   */
  readonly zeroUniform: GPUBuffer;
  /**
   * Which strategy each op runs here and its tuning constants (src/gpu/profile.ts). Tests replace
   * it to run every profile's paths on the software adapter.
   */
  profile: AdapterProfile;

  private constructor(readonly device: GPUDevice, readonly adapter: AdapterReport) {
    device.addEventListener("uncapturederror", (e) => {
      const message = (e as GPUUncapturedErrorEvent).error.message;
      this.error ??= message;
    });
    this.dummy = device.createBuffer({ size: 16, usage: storage() });
    this.counts.buffers++;
    this.dummyTexture = device.createTexture({
      size: [1, 1],
      format: "rgba32float",
      usage: GPUTextureUsage.TEXTURE_BINDING,
    });
    this.counts.textures++;
    this.zeroUniform = device.createBuffer({ size: 16, usage: GPUBufferUsage.UNIFORM });
    this.counts.uniformBuffers++;
    this.profile = profileFor(adapter);
  }

  static async create(): Promise<Gpu> {
    const { device, report } = await requestDevice();
    return new Gpu(device, report);
  }

  /**
   * The compute pipeline for `entry` of a declared kernel (src/gpu/kernel.ts), with override
   * constants; its module (header + body) is compiled once per kernel.
   */
  kernelPipeline(kernel: Kernel, entry: string, constants: Record<string, number> = {}) {
    const key = pipelineKey(kernel, entry, constants);
    let p = this.pipelines.get(key);
    if (p) return p;
    p = this.device.createComputePipeline(this.pipelineDescriptor(kernel, entry, constants));
    this.pipelines.set(key, p);
    this.counts.pipelines++;
    this.check(`compiling ${kernel.label} entry ${entry}`);
    return p;
  }

  /**
   * Records one dispatch of `entry` of a declared kernel: its parameters and bindings by name
   * (`{ x, out }`, `params: { n, row }`), override `constants`, and the workgroup grid. Every
   * binding the entry uses must be given; others in `bindings` are left out (one record can
   * serve several entries). Throws naming the kernel, entry and binding that is missing.
   */
  run<B extends string, P extends string, E extends string>(
    kernel: Kernel<B, P, E>,
    entry: E,
    args: {
      constants?: Record<string, number>;
      params?: Readonly<Record<P, number>>;
      bindings: Readonly<Partial<Record<B, Binding | null>>>;
    },
    workgroups: [number, number?, number?],
  ) {
    if (this.wanted) {
      const constants = args.constants ?? {};
      const key = pipelineKey(kernel, entry, constants);
      if (!this.pipelines.has(key)) this.wanted.set(key, { kernel, entry, constants });
      return;
    }
    const pipeline = this.kernelPipeline(kernel, entry, args.constants);
    const entries: GPUBindGroupEntry[] = [];
    let key = `${this.id(pipeline)}`;
    if (kernel.readsParams[entry]) {
      const u = this.uniform(
        packParams(kernel, args.params ?? ({} as Record<P, number>), this.words),
      );
      entries.push({ binding: 0, resource: { buffer: u } });
      key += `|u${this.id(u)}`;
    }
    for (const [name, n] of kernel.used[entry]) {
      const b = args.bindings[name];
      if (!b) throw new Error(`${kernel.label}.${entry}: binding ${name} not given`);
      if (b instanceof GPUBuffer) {
        entries.push({ binding: n, resource: { buffer: b } });
        key += `|${n}:${this.id(b)}`;
      } else if (b instanceof GPUTexture) {
        let view = this.views.get(b);
        if (!view) this.views.set(b, view = b.createView());
        entries.push({ binding: n, resource: view });
        key += `|${n}:t${this.id(b)}`;
      } else {
        entries.push({ binding: n, resource: b });
        key += `|${n}:${this.id(b.buffer)}@${b.offset}+${b.size}`;
      }
    }
    let group = this.bindGroups.get(key);
    if (!group) {
      group = this.device.createBindGroup({ layout: pipeline.getBindGroupLayout(0), entries });
      this.bindGroups.set(key, group);
      this.counts.bindGroups++;
    }
    const pass = this.pass();
    pass.setPipeline(pipeline);
    pass.setBindGroup(0, group);
    const [x, y = 1, z = 1] = workgroups;
    if (x > 0 && y > 0 && z > 0) {
      pass.dispatchWorkgroups(x, y, z);
      this.capturing?.push({ kind: DISPATCH, pipeline, group, x, y, z });
    }
    this.counts.dispatches++;
  }

  private pipelineDescriptor(
    kernel: Kernel,
    entry: string,
    constants: Record<string, number>,
  ): GPUComputePipelineDescriptor {
    let module = this.kernelModules.get(kernel);
    if (!module) {
      module = this.device.createShaderModule({ label: kernel.label, code: kernel.code() });
      this.kernelModules.set(kernel, module);
    }
    return {
      label: `${kernel.label}.${entry}`,
      layout: "auto",
      compute: { module, entryPoint: entry, constants },
    };
  }

  /**
   * Compiles, all at once, the pipelines that `record` would create and the cache lacks, so that
   * running it afterwards finds them ready. `record` (commands only: no submit, read or wait) runs
   * once with its dispatches left out (not counted); its other commands are counted but dropped
   * unsubmitted (work recorded before is submitted first), and its uploads (queue writes) do
   * happen. Each missing pipeline is then made with `createComputePipelineAsync`, all requested
   * at once: an implementation may compile them off the thread that records, side by side
   * (Chromium's Dawn uses its worker pool), where `createComputePipeline` builds each one as the
   * pass first reaches it. Resolves to how many were compiled; rejects naming the kernel entry
   * whose pipeline failed.
   */
  async precompile(record: () => void): Promise<number> {
    if (this.capturing || this.wanted) {
      throw new Error("precompile: inside a capture or precompile");
    }
    this.submit();
    const wanted = this.wanted = new Map();
    try {
      record();
    } finally {
      this.wanted = null;
      // The dry run's copies and clears: never submitted.
      this.computePass?.end();
      this.computePass = null;
      this.encoder = null;
    }
    await Promise.all([...wanted].map(async ([key, { kernel, entry, constants }]) => {
      let p: GPUComputePipeline;
      try {
        p = await this.device.createComputePipelineAsync(
          this.pipelineDescriptor(kernel, entry, constants),
        );
      } catch (e) {
        throw new Error(`compiling ${kernel.label} entry ${entry}: ${(e as Error).message}`);
      }
      if (!this.pipelines.has(key)) {
        this.pipelines.set(key, p);
        this.counts.pipelines++;
      }
    }));
    return wanted.size;
  }

  /** The keys (`kernel:entry:constants`) of every pipeline created so far. */
  pipelineKeys(): string[] {
    return [...this.pipelines.keys()];
  }

  /**
   * A storage buffer of at least `bytes` (`paddedBytes`), reused from the pool when one of that
   * size is free.
   */
  alloc(bytes: number): GPUBuffer {
    const size = paddedBytes(bytes);
    const free = this.take(this.pool.get(size));
    if (free) return free;
    this.counts.allocations++;
    this.counts.buffers++;
    const buffer = this.device.createBuffer({ size, usage: storage() });
    this.pooled.add(buffer);
    return buffer;
  }

  /**
   * The free item created first, taken out of `free` (undefined when empty). Taking the oldest,
   * not the last one handed back, makes each allocation of a step get the same buffer or texture
   * as in the step before whatever order they came back in, so every bind group of a step is
   * created once and then found in the cache.
   */
  private take<T extends object>(free: T[] | undefined): T | undefined {
    if (!free?.length) return undefined;
    let best = 0;
    for (let i = 1; i < free.length; i++) {
      if (this.id(free[i]) < this.id(free[best])) best = i;
    }
    const item = free[best];
    free[best] = free[free.length - 1];
    free.pop();
    return item;
  }

  /**
   * Returns a buffer to the pool. WebGPU orders all commands of a queue, so a buffer freed while
   * commands that read it are still being recorded can be handed to a later command safely.
   */
  release(buffer: GPUBuffer) {
    putBack(this.pool, buffer.size, buffer);
  }

  /** Whether `floats` floats fit one `texture()` (its rows are capped by the adapter). */
  fitsTexture(floats: number): boolean {
    const rows = Math.ceil(floats / 4 / TEXTURE_WIDTH);
    return floats % 4 === 0 && rows <= this.device.limits.maxTextureDimension2D;
  }

  /**
   * `floats` floats of `buffer` from float `offset` (a multiple of 4) copied (in queue order, like
   * a dispatch) into a pooled rgba32float texture, as a flat array of vec4s wrapped at 2^TEXTURE_WIDTH_LOG2 texels per row.
   * With `format` rgba32uint the same bytes are read as u32 words (`floats` counts 32-bit words).
   * On the software adapter a kernel's texel fetch is a vectorised gather, far cheaper than a
   * storage load (src/gpu/profile.ts `textureInputs`). Hand it back with `releaseTexture` once its reader is recorded.
   */
  texture(
    buffer: GPUBuffer,
    floats: number,
    offset = 0,
    format: FlatTextureFormat = "rgba32float",
  ): GPUTexture {
    if (!this.fitsTexture(floats)) throw new Error(`texture: ${floats} floats don't fit`);
    const texels = floats / 4;
    const texture = this.flatTexture(Math.max(1, Math.ceil(texels / TEXTURE_WIDTH)), format);
    const encoder = this.encoderOutsidePass();
    const bytesPerRow = TEXTURE_WIDTH * 16;
    const rows = Math.ceil(texels / TEXTURE_WIDTH);
    if (rows > 1 && offset * 4 + rows * bytesPerRow <= buffer.size) {
      // The buffer holds whole rows (`paddedBytes`): one copy, its last row's tail unread.
      const source = { buffer, bytesPerRow, offset: offset * 4 };
      const size = [TEXTURE_WIDTH, rows];
      encoder.copyBufferToTexture(source, { texture }, size);
      this.capturing?.push({ kind: TEXTURE_COPY, source, destination: { texture }, size });
      this.counts.textureCopies++;
      return texture;
    }
    const fullRows = Math.floor(texels / TEXTURE_WIDTH);
    const rest = texels - fullRows * TEXTURE_WIDTH;
    if (fullRows > 0) {
      const source = { buffer, bytesPerRow, offset: offset * 4 };
      const size = [TEXTURE_WIDTH, fullRows];
      encoder.copyBufferToTexture(source, { texture }, size);
      this.capturing?.push({ kind: TEXTURE_COPY, source, destination: { texture }, size });
    }
    if (rest > 0) {
      const source = { buffer, bytesPerRow, offset: offset * 4 + fullRows * bytesPerRow };
      const destination = { texture, origin: [0, fullRows] };
      encoder.copyBufferToTexture(source, destination, [rest, 1]);
      this.capturing?.push({ kind: TEXTURE_COPY, source, destination, size: [rest, 1] });
    }
    this.counts.textureCopies++;
    return texture;
  }

  /**
   * A pooled texture of TEXTURE_WIDTH × `rows` texels of `format`, for `texture()` copies or, for
   * rgba32uint, a kernel's storage-texture output. Hand it back with `releaseTexture`.
   */
  flatTexture(rows: number, format: FlatTextureFormat = "rgba32float"): GPUTexture {
    const texture = this.take(this.texturePools[format].get(rows));
    if (texture) return texture;
    this.counts.allocations++;
    this.counts.textures++;
    return this.device.createTexture({
      size: [TEXTURE_WIDTH, rows],
      format,
      usage: GPUTextureUsage.TEXTURE_BINDING | GPUTextureUsage.COPY_DST |
        (format === "rgba32uint" ? GPUTextureUsage.STORAGE_BINDING : 0),
    });
  }

  /** Records a buffer-to-buffer copy in queue order (between dispatches). */
  copy(src: GPUBuffer, dst: GPUBuffer, bytes: number, dstOffset = 0, srcOffset = 0) {
    this.encoderOutsidePass().copyBufferToBuffer(src, srcOffset, dst, dstOffset, bytes);
    this.capturing?.push({ kind: BUFFER_COPY, src, srcOffset, dst, dstOffset, bytes });
    this.counts.bufferCopies++;
  }

  /** Records zero-filling `bytes` of `buffer` from `offset` (multiples of 4), in queue order. */
  clear(buffer: GPUBuffer, offset = 0, bytes = buffer.size - offset) {
    this.encoderOutsidePass().clearBuffer(buffer, offset, bytes);
    this.capturing?.push({ kind: CLEAR, buffer, offset, bytes });
    this.counts.clears++;
  }

  /** The step's encoder with no compute pass open: copies can't be recorded inside one. */
  private encoderOutsidePass(): GPUCommandEncoder {
    this.computePass?.end();
    this.computePass = null;
    return this.encoder ??= this.device.createCommandEncoder();
  }

  /**
   * The inputs of a memory-bound kernel as textures: `texture()` of each buffer's (or range's)
   * first `floats` floats when the profile's `textureInputs` is on, `wanted` and they fit; else none, and the kernel (its
   * TEXTURES override 0) reads the buffers. Null inputs and skipped copies bind the 1×1 dummy.
   */
  inputTextures(buffers: (BufferBinding | null)[], floats: number, wanted = true): TextureInputs {
    const on = wanted && this.profile.textureInputs && this.fitsTexture(floats);
    const copies = buffers.map((b) => {
      if (!on || !b) return null;
      const [buffer, offset] = bufferAt(b);
      return this.texture(buffer, floats, offset / 4);
    });
    return {
      TEXTURES: on ? 1 : 0,
      bindings: copies.map((t) => t ?? this.dummyTexture),
      release: () => copies.forEach((t) => t && this.releaseTexture(t)),
    };
  }

  /**
   * The first `bytes` of `source` (a buffer, or a view's range) copied (in queue order, like a dispatch) into a pooled uniform
   * buffer of `size` bytes, for a small array that every invocation of a kernel reads at the same
   * indices (a convolution's weights): GPUs serve uniforms from a constant cache; on the software
   * adapter a storage load is a per-lane loop, a uniform one a gather at worst. Hand it back with
   * `releaseUniformCopy` once its reader is recorded.
   */
  uniformCopy(source: BufferBinding, bytes: number, size: number): GPUBuffer {
    const [buffer, offset] = bufferAt(source);
    let u = this.take(this.uniformCopies.get(size));
    if (!u) {
      this.counts.allocations++;
      this.counts.uniformBuffers++;
      u = this.device.createBuffer({
        size,
        usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST,
      });
    }
    this.copy(buffer, u, Math.ceil(bytes / 4) * 4, 0, offset);
    return u;
  }

  /** Returns a `uniformCopy` buffer to the pool (safe at once, for the same reason as `release`). */
  releaseUniformCopy(buffer: GPUBuffer) {
    putBack(this.uniformCopies, buffer.size, buffer);
  }

  /** Returns a texture to the pool (safe at once, for the same reason as `release`). */
  releaseTexture(texture: GPUTexture) {
    putBack(this.texturePools[texture.format as FlatTextureFormat], texture.height, texture);
  }

  /** A buffer holding `data`, written now (queue order: before the commands recorded since). */
  upload(buffer: GPUBuffer, data: ArrayBufferView<ArrayBuffer>, offset = 0) {
    if (this.capturing && this.pooled.has(buffer)) {
      // A replay would not repeat the write, and the pool may hand the buffer to other work
      // between two steps: the step's own data must come from buffers written before it.
      throw new Error("capture: a captured step uploaded into a pooled buffer");
    }
    this.device.queue.writeBuffer(buffer, offset, data.buffer, data.byteOffset, data.byteLength);
    this.counts.uploads++;
  }

  /** A uniform buffer with these u32 words, created once per distinct content. */
  uniform(words: ArrayLike<number>): GPUBuffer {
    const key = Array.prototype.join.call(words, ",");
    let u = this.uniforms.get(key);
    if (!u) {
      const n = Math.max(4, Math.ceil(words.length / 4) * 4);
      u = this.device.createBuffer({
        size: n * 4,
        usage: GPUBufferUsage.UNIFORM,
        mappedAtCreation: true,
      });
      new Uint32Array(u.getMappedRange()).set(Array.from(words));
      u.unmap();
      this.uniforms.set(key, u);
      this.counts.uniformBuffers++;
    }
    return u;
  }

  private id(o: object): number {
    let id = this.ids.get(o);
    if (id === undefined) this.ids.set(o, id = this.nextId++);
    return id;
  }

  private pass(): GPUComputePassEncoder {
    if (!this.computePass) {
      this.encoder ??= this.device.createCommandEncoder();
      this.computePass = this.encoder.beginComputePass();
    }
    return this.computePass;
  }

  /** Ends the current pass and submits everything recorded since the last submit. */
  submit(extra?: (encoder: GPUCommandEncoder) => void) {
    if (!this.encoder && !extra) return;
    const encoder = this.encoder ?? this.device.createCommandEncoder();
    this.computePass?.end();
    extra?.(encoder);
    this.device.queue.submit([encoder.finish()]);
    this.counts.submits++;
    this.encoder = null;
    this.computePass = null;
    if (this.uniforms.size > MAX_UNIFORMS) this.uniforms.clear();
    if (this.bindGroups.size > MAX_BIND_GROUPS) this.bindGroups.clear();
  }

  /** Copies `bytes` of `buffer` back to the CPU. Submits pending work and waits for it. */
  async read(buffer: GPUBuffer, bytes = buffer.size, offset = 0): Promise<ArrayBuffer> {
    if (this.capturing) throw new Error("capture: a captured step may not read back");
    const size = Math.ceil(bytes / 4) * 4;
    const staging = this.device.createBuffer({
      size,
      usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST,
    });
    this.counts.buffers++;
    this.counts.bufferCopies++;
    this.counts.waits++;
    this.submit((e) => e.copyBufferToBuffer(buffer, offset, staging, 0, size));
    await staging.mapAsync(GPUMapMode.READ);
    const out = staging.getMappedRange().slice(0, bytes);
    staging.unmap();
    staging.destroy();
    this.check("running kernels");
    return out;
  }

  /** Waits until the GPU has finished everything submitted so far. */
  async sync() {
    if (this.capturing) throw new Error("capture: a captured step may not wait");
    this.submit();
    this.counts.waits++;
    await this.device.queue.onSubmittedWorkDone();
    this.check("running kernels");
  }

  /** Throws the first validation error the device reported, so a broken kernel fails loudly. */
  check(what: string) {
    if (this.error) {
      const e = this.error;
      this.error = null;
      throw new Error(`WebGPU error while ${what}: ${e}`);
    }
  }

  /**
   * Runs `record` (which records one step's commands and nothing else: no submit, read or wait),
   * then submits it, and returns the step as a plan: every dispatch with its pipeline, bind
   * group and grid, every copy and clear, in order. `GpuPlan.replay` encodes the same commands
   * again without any of the JavaScript that chose them (op code, tape, cache lookups), the way a
   * CUDA graph replays a captured stream. Queue writes (`upload`) are not part of a plan: a step
   * reads its changing data from buffers its caller writes before each replay, and an upload
   * into a pooled buffer during the capture throws. Commands recorded before the capture are
   * submitted first.
   */
  capture(record: () => void): GpuPlan {
    if (this.capturing) throw new Error("capture: already capturing");
    this.submit();
    const commands: PlanCommand[] = [];
    const before = { ...this.counts };
    this.capturing = commands;
    try {
      record();
    } finally {
      this.capturing = null;
    }
    this.submit();
    const counted = {
      dispatches: this.counts.dispatches - before.dispatches,
      textureCopies: this.counts.textureCopies - before.textureCopies,
      bufferCopies: this.counts.bufferCopies - before.bufferCopies,
      clears: this.counts.clears - before.clears,
    };
    return new GpuPlan(this, commands, counted);
  }

  /** Encodes a plan's commands into one encoder and submits them (see `GpuPlan.replay`). */
  replayPlan(commands: readonly PlanCommand[], counted: PlanCounts) {
    if (this.capturing) throw new Error("capture: a plan replayed inside a capture");
    this.submit();
    const encoder = this.device.createCommandEncoder();
    let pass: GPUComputePassEncoder | null = null;
    let pipeline: GPUComputePipeline | null = null;
    for (const c of commands) {
      if (c.kind === DISPATCH) {
        if (!pass) {
          pass = encoder.beginComputePass();
          pipeline = null;
        }
        if (c.pipeline !== pipeline) pass.setPipeline(pipeline = c.pipeline);
        pass.setBindGroup(0, c.group);
        pass.dispatchWorkgroups(c.x, c.y, c.z);
        continue;
      }
      if (pass) {
        pass.end();
        pass = null;
      }
      if (c.kind === TEXTURE_COPY) encoder.copyBufferToTexture(c.source, c.destination, c.size);
      else if (c.kind === BUFFER_COPY) {
        encoder.copyBufferToBuffer(c.src, c.srcOffset, c.dst, c.dstOffset, c.bytes);
      } else encoder.clearBuffer(c.buffer, c.offset, c.bytes);
    }
    pass?.end();
    this.device.queue.submit([encoder.finish()]);
    this.counts.submits++;
    this.counts.replays++;
    this.counts.dispatches += counted.dispatches;
    this.counts.textureCopies += counted.textureCopies;
    this.counts.bufferCopies += counted.bufferCopies;
    this.counts.clears += counted.clears;
  }

  destroy() {
    this.device.destroy();
  }
}

const DISPATCH = 0;
const TEXTURE_COPY = 1;
const BUFFER_COPY = 2;
const CLEAR = 3;

/** One command of a captured step (`Gpu.capture`), with the GPU objects it was recorded with. */
export type PlanCommand =
  | {
    kind: typeof DISPATCH;
    pipeline: GPUComputePipeline;
    group: GPUBindGroup;
    x: number;
    y: number;
    z: number;
  }
  | {
    kind: typeof TEXTURE_COPY;
    source: GPUTexelCopyBufferInfo;
    destination: GPUTexelCopyTextureInfo;
    size: number[];
  }
  | {
    kind: typeof BUFFER_COPY;
    src: GPUBuffer;
    srcOffset: number;
    dst: GPUBuffer;
    dstOffset: number;
    bytes: number;
  }
  | { kind: typeof CLEAR; buffer: GPUBuffer; offset: number; bytes: number };

/** What a plan's replay adds to `Gpu.counts` (the commands the capture counted). */
export interface PlanCounts {
  dispatches: number;
  textureCopies: number;
  bufferCopies: number;
  clears: number;
}

/**
 * A captured step (`Gpu.capture`): its commands, replayed with `replay()` in one submit. The
 * buffers, textures and bind groups it names stay as they were captured: the pools may lend
 * them to other work between replays (queue order keeps that safe), but nothing may destroy
 * them while the plan is in use, and what a step reads that changes (the batch, the step values)
 * must be written into the same buffers before each replay.
 */
export class GpuPlan {
  constructor(
    private readonly gpu: Gpu,
    readonly commands: readonly PlanCommand[],
    /** The capture's commands by kind, as `Gpu.counts` counted them. */
    readonly counts: PlanCounts,
  ) {}

  /** Encodes the step's commands again and submits them: no cache lookup, no creation. */
  replay() {
    this.gpu.replayPlan(this.commands, this.counts);
  }
}
