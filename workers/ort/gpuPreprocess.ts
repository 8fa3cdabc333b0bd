/**
 * Pre-processing on the GPU that runs the WebGPU graphs: the image's RGBA bytes are copied to a GPU buffer
 * (`queue.writeBuffer`, a copy, no per-pixel JS), the two compute passes of core/gpuResize resize and normalise
 * them exactly as `preprocessImage` does, and the result stays in a STORAGE buffer that onnxruntime reads as the
 * vision graph's input (`Tensor.fromGpuBuffer`, wrapped by webRuntime.ts). It must run on onnxruntime's own
 * device (`ort.env.webgpu.device`): buffers do not cross devices.
 *
 * Buffer lifetimes. The weights, the source copy and the horizontal pass's buffer are read only by this module's
 * own submitted work, so they are reused or destroyed freely (WebGPU keeps a destroyed buffer alive until the work
 * already submitted with it has run). Output buffers are not: onnxruntime records its reads of an input into a
 * command encoder that it submits later (JSEP flushes every 16 dispatches, or when something is read back), and
 * destroying a buffer before that submission would invalidate onnxruntime's whole batch. So a released output
 * goes back to a pool, is destroyed only with the preprocessor, and is overwritten only by a later image's
 * pre-processing. The engine releases an image's pixels when it moves to another image; should onnxruntime not
 * have submitted the old image's vision run by then, that run reads the new pixels into features nobody reads.
 */
import {
  gpuPreprocessBytes,
  gpuPreprocessPlan,
  PREPROCESS_WGSL,
  PREPROCESS_WORKGROUP,
  type GpuPreprocessPlan,
} from '../core/gpuResize';
import type { RgbaImage } from '../core/resize';

// The WebGPU surface this module uses (the project does not depend on @webgpu/types).
export interface GpuBufferLike {
  readonly size: number;
  destroy(): void;
  mapAsync(mode: number): Promise<void>;
  getMappedRange(): ArrayBuffer;
  unmap(): void;
}
interface GpuPassLike {
  setPipeline(pipeline: unknown): void;
  setBindGroup(index: number, group: unknown): void;
  dispatchWorkgroups(x: number, y: number): void;
  end(): void;
}
interface GpuEncoderLike {
  beginComputePass(): GpuPassLike;
  copyBufferToBuffer(src: GpuBufferLike, srcOffset: number, dst: GpuBufferLike, dstOffset: number, size: number): void;
  finish(): unknown;
}
interface GpuPipelineLike {
  getBindGroupLayout(index: number): unknown;
}
export interface GpuDeviceLike {
  createBuffer(descriptor: { size: number; usage: number; label?: string }): GpuBufferLike;
  createShaderModule(descriptor: { code: string; label?: string }): unknown;
  createComputePipeline(descriptor: {
    layout: 'auto';
    compute: { module: unknown; entryPoint: string };
    label?: string;
  }): GpuPipelineLike;
  createBindGroup(descriptor: {
    layout: unknown;
    entries: { binding: number; resource: { buffer: GpuBufferLike } }[];
  }): unknown;
  createCommandEncoder(): GpuEncoderLike;
  pushErrorScope(filter: 'validation' | 'out-of-memory'): void;
  popErrorScope(): Promise<{ message: string } | null>;
  readonly queue: {
    writeBuffer(buffer: GpuBufferLike, offset: number, data: ArrayBufferView): void;
    submit(commands: unknown[]): void;
  };
}

// GPUBufferUsage and GPUMapMode flags (numeric: these globals exist only where WebGPU does).
const MAP_READ = 0x0001;
const COPY_SRC = 0x0004;
const COPY_DST = 0x0008;
const UNIFORM = 0x0040;
const STORAGE = 0x0080;

/** A pre-processed image on the GPU: float32 `[1, 3, size, size]`. */
export interface GpuPixels {
  buffer: GpuBufferLike;
  dims: [1, 3, number, number];
  /** Copies the values back to host memory (tests, the engine's check mode). */
  download(): Promise<Float32Array>;
  /** Hands the buffer back to the preprocessor's pool (see the module note). */
  release(): void;
}

interface PlanBuffers {
  key: string;
  plan: GpuPreprocessPlan;
  params: GpuBufferLike;
  horizontal: GpuBufferLike;
  vertical: GpuBufferLike;
  table: GpuBufferLike;
}

/** Free output buffers kept per byte size (the engine holds one pre-processed image at a time). */
const POOL_PER_SIZE = 2;

export class GpuPreprocessor {
  private pipelines: { horizontal: GpuPipelineLike; vertical: GpuPipelineLike } | null = null;
  private plan: PlanBuffers | null = null;
  private source: GpuBufferLike | null = null;
  private middle: GpuBufferLike | null = null;
  private readonly pool = new Map<number, GpuBufferLike[]>();
  private destroyed = false;

  constructor(readonly device: GpuDeviceLike) {}

  /** Resizes and normalises `image` to `[1, 3, size, size]` on the GPU (submitted; not waited for). */
  async run(
    image: RgbaImage,
    size: number,
    mean: [number, number, number],
    std: [number, number, number],
  ): Promise<GpuPixels> {
    if (this.destroyed) throw new Error('the GPU preprocessor was destroyed');
    const { width, height, data } = image;
    if (data.length !== width * height * 4) {
      throw new RangeError(`RGBA data has ${data.length} bytes; expected ${width * height * 4}`);
    }
    const device = this.device;
    device.pushErrorScope('out-of-memory');
    device.pushErrorScope('validation');
    let output: GpuBufferLike | null = null;
    let thrown: unknown = null;
    try {
      const pipelines = this.requirePipelines();
      const plan = this.requirePlan(width, height, size, mean, std);
      const bytes = gpuPreprocessBytes(plan.plan);
      this.source = this.scratch(this.source, bytes.source, 'preprocess source');
      this.middle = this.scratch(this.middle, bytes.middle, 'preprocess horizontal pass');
      output = this.takeOutput(bytes.output);
      device.queue.writeBuffer(this.source, 0, data);
      const groups = {
        horizontal: device.createBindGroup({
          layout: pipelines.horizontal.getBindGroupLayout(0),
          entries: [
            { binding: 0, resource: { buffer: plan.params } },
            { binding: 1, resource: { buffer: this.source } },
            { binding: 2, resource: { buffer: plan.horizontal } },
            { binding: 3, resource: { buffer: this.middle } },
          ],
        }),
        vertical: device.createBindGroup({
          layout: pipelines.vertical.getBindGroupLayout(0),
          entries: [
            { binding: 0, resource: { buffer: plan.params } },
            { binding: 3, resource: { buffer: this.middle } },
            { binding: 4, resource: { buffer: plan.vertical } },
            { binding: 5, resource: { buffer: plan.table } },
            { binding: 6, resource: { buffer: output } },
          ],
        }),
      };
      const groupsOf = (n: number) => Math.ceil(n / PREPROCESS_WORKGROUP);
      const encoder = device.createCommandEncoder();
      const h = encoder.beginComputePass();
      h.setPipeline(pipelines.horizontal);
      h.setBindGroup(0, groups.horizontal);
      h.dispatchWorkgroups(groupsOf(size), groupsOf(height));
      h.end();
      const v = encoder.beginComputePass();
      v.setPipeline(pipelines.vertical);
      v.setBindGroup(0, groups.vertical);
      v.dispatchWorkgroups(groupsOf(size), groupsOf(size));
      v.end();
      device.queue.submit([encoder.finish()]);
    } catch (err) {
      thrown = err;
    }
    const invalid = await device.popErrorScope();
    const oom = await device.popErrorScope();
    const failure = invalid ?? oom;
    if (thrown || failure) {
      if (output) this.giveBack(output);
      // Weights or scratch buffers may be the invalid ones: the next image starts from fresh buffers.
      this.dropScratch();
      throw thrown ?? new Error(`GPU pre-processing failed: ${failure!.message}`);
    }
    const buffer = output!;
    let released = false;
    return {
      buffer,
      dims: [1, 3, size, size],
      download: () => this.download(buffer, 3 * size * size),
      release: () => {
        if (released) return;
        released = true;
        this.giveBack(buffer);
      },
    };
  }

  /** Frees every buffer (the device is going away, or the runtime with it). */
  destroy(): void {
    this.destroyed = true;
    this.dropScratch();
    for (const list of this.pool.values()) list.forEach((b) => b.destroy());
    this.pool.clear();
  }

  private dropScratch(): void {
    for (const b of [this.source, this.middle, ...(this.plan ? planBuffers(this.plan) : [])]) b?.destroy();
    this.plan = null;
    this.source = this.middle = null;
  }

  private requirePipelines() {
    if (!this.pipelines) {
      const module = this.device.createShaderModule({ code: PREPROCESS_WGSL, label: 'preprocess' });
      const pipeline = (entryPoint: string) =>
        this.device.createComputePipeline({ layout: 'auto', compute: { module, entryPoint }, label: entryPoint });
      this.pipelines = { horizontal: pipeline('horizontal'), vertical: pipeline('vertical') };
    }
    return this.pipelines;
  }

  /** The weights for this source size (kept while images of one size follow each other: video frames). */
  private requirePlan(
    width: number,
    height: number,
    size: number,
    mean: readonly number[],
    std: readonly number[],
  ): PlanBuffers {
    const key = `${width}x${height}>${size}|${mean.join(',')}|${std.join(',')}`;
    if (this.plan?.key === key) return this.plan;
    if (this.plan) planBuffers(this.plan).forEach((b) => b.destroy());
    const plan = gpuPreprocessPlan(width, height, size, mean, std);
    const upload = (data: Uint32Array | Float32Array, usage: number, label: string) => {
      const buffer = this.device.createBuffer({ size: align4(data.byteLength), usage: usage | COPY_DST, label });
      this.device.queue.writeBuffer(buffer, 0, data);
      return buffer;
    };
    this.plan = {
      key,
      plan,
      params: upload(plan.params, UNIFORM, 'preprocess params'),
      horizontal: upload(plan.horizontal.words, STORAGE, 'preprocess horizontal weights'),
      vertical: upload(plan.vertical.words, STORAGE, 'preprocess vertical weights'),
      table: upload(plan.table, STORAGE, 'preprocess normalisation table'),
    };
    return this.plan;
  }

  /** A scratch buffer of at least `bytes`, reused unless far too large (a big photo, then video frames). */
  private scratch(current: GpuBufferLike | null, bytes: number, label: string): GpuBufferLike {
    if (current && current.size >= bytes && current.size <= 2 * bytes) return current;
    current?.destroy();
    return this.device.createBuffer({ size: align4(bytes), usage: STORAGE | COPY_DST, label });
  }

  private takeOutput(bytes: number): GpuBufferLike {
    const free = this.pool.get(bytes)?.pop();
    return free ?? this.device.createBuffer({ size: bytes, usage: STORAGE | COPY_SRC | COPY_DST, label: 'pixels' });
  }

  private giveBack(buffer: GpuBufferLike): void {
    if (this.destroyed) return void buffer.destroy();
    const list = this.pool.get(buffer.size) ?? [];
    // Beyond the pool's bound a buffer is destroyed: the engine never holds that many, so no read is pending.
    if (list.length >= POOL_PER_SIZE) return void buffer.destroy();
    list.push(buffer);
    this.pool.set(buffer.size, list);
  }

  private async download(buffer: GpuBufferLike, count: number): Promise<Float32Array> {
    const staging = this.device.createBuffer({ size: count * 4, usage: MAP_READ | COPY_DST, label: 'pixels read' });
    const encoder = this.device.createCommandEncoder();
    encoder.copyBufferToBuffer(buffer, 0, staging, 0, count * 4);
    this.device.queue.submit([encoder.finish()]);
    await staging.mapAsync(MAP_READ);
    const values = new Float32Array(staging.getMappedRange().slice(0));
    staging.unmap();
    staging.destroy();
    return values;
  }
}

function planBuffers(p: PlanBuffers): GpuBufferLike[] {
  return [p.params, p.horizontal, p.vertical, p.table];
}

function align4(bytes: number): number {
  return Math.max(4, Math.ceil(bytes / 4) * 4);
}
