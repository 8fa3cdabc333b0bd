/**
 * GraphRuntime over onnxruntime's common API. The same code serves onnxruntime-web (worker), onnxruntime-node
 * (tests, benchmarks) and onnxruntime-node's WebGPU EP (the GPU benchmark): they differ only in the module passed
 * in, the providers offered, how graph files reach the session, and how a GPU-resident value is read back.
 */
import type * as OrtCommon from 'onnxruntime-common';
import { float16ToFloat32, float32ToFloat16, floatPlanes } from '../core/float16';
import {
  DeviceLostError,
  type DeviceLossProbe,
  type Graph,
  type GraphBytes,
  type GraphRuntime,
  type GraphSpec,
  type GraphValue,
  type HostTensor,
  type PreprocessRequest,
  type Provider,
  type TensorType,
  type WebGpuProbe,
} from './graphRuntime';

type Ort = Pick<typeof OrtCommon, 'InferenceSession' | 'Tensor'>;
type OrtTensor = OrtCommon.Tensor;
type SessionOptions = OrtCommon.InferenceSession.SessionOptions;

/** What `InferenceSession.create` takes for one graph: its bytes or a path, and its external data. */
export interface SessionFiles {
  model: Uint8Array | string;
  externalData?: { path: string; data: Uint8Array | Blob }[];
}

export interface OrtRuntimeOptions {
  providers: Provider[];
  wasmThreads: number;
  probeWebGpu: () => Promise<WebGpuProbe>;
  /** Turns a spec's graph files into what this onnxruntime accepts (web: Blobs as they are; Node: paths or bytes). */
  sessionFiles: (spec: GraphSpec) => Promise<SessionFiles>;
  /** Session options for every graph (e.g. onnxruntime-node's thread-pool settings). */
  sessionOptions?: Partial<SessionOptions>;
  /** Extra session options for a provider (e.g. the WebGPU layout). */
  providerOptions?: (provider: Provider) => SessionOptions['executionProviders'];
  /** Called after a WebGPU session exists (the device is up): the web runtime subscribes to `GPUDevice.lost`. */
  onWebGpuSession?: () => Promise<void>;
  /** Why the GPU device was lost, once it was. */
  deviceLost?: DeviceLossProbe;
  /** Reads a GPU-resident tensor back (default: `tensor.getData()`). */
  readGpu?: (tensor: OrtTensor) => Promise<HostTensor['data']>;
  /** Whether outputs may stay on the GPU at all (default true). */
  gpuOutputs?: boolean;
  /** Copies host data into a GPU buffer on onnxruntime's device (web: `Tensor.fromGpuBuffer`). */
  upload?: (t: HostTensor) => Promise<OrtTensor>;
  /** Pre-processing on onnxruntime's GPU (web runtime): a float32 `[1,3,S,S]` GPU tensor (GraphRuntime.preprocessOnGpu). */
  gpuPreprocess?: (request: PreprocessRequest) => Promise<OrtTensor>;
}

class OrtValue implements GraphValue {
  /** Whether the tensor was made on the GPU: onnxruntime's getData() turns it into a host tensor but keeps its GPU buffer. */
  private readonly onGpu: boolean;
  constructor(
    readonly tensor: OrtTensor,
    private readonly readGpu?: (tensor: OrtTensor) => Promise<HostTensor['data']>,
  ) {
    this.onGpu = tensor.location === 'gpu-buffer';
  }
  get type(): TensorType {
    return this.tensor.type as TensorType;
  }
  get dims(): readonly number[] {
    return this.tensor.dims;
  }
  get location(): 'cpu' | 'gpu' {
    return this.tensor.location === 'gpu-buffer' ? 'gpu' : 'cpu';
  }
  /** Host copy; float16 data is widened to float32 so the engine's post-processing sees one float type. */
  async read(): Promise<HostTensor> {
    const data = await this.hostData();
    if (this.type === 'float16')
      return { type: 'float32', dims: [...this.dims], data: float16ToFloat32(halfBits(data)) };
    return { type: this.type, dims: [...this.dims], data };
  }
  async readPlanes(planeSize: number, indices: readonly number[]): Promise<Float32Array[]> {
    if (this.type !== 'float16' && this.type !== 'float32') throw new Error(`readPlanes of a ${this.type} tensor`);
    const data = await this.hostData();
    return floatPlanes(this.type === 'float16' ? halfBits(data) : (data as Float32Array), planeSize, indices);
  }
  private async hostData(): Promise<HostTensor['data']> {
    const gpu = this.tensor.location === 'gpu-buffer';
    return (gpu && this.readGpu ? await this.readGpu(this.tensor) : await this.tensor.getData()) as HostTensor['data'];
  }
  dispose(): void {
    if (this.onGpu) this.tensor.dispose();
  }
}

/** float16 data as its bits (onnxruntime hands it over as Uint16Array, or as Float16Array where that exists). */
function halfBits(data: HostTensor['data']): Uint16Array {
  return data instanceof Uint16Array ? data : new Uint16Array(data.buffer, data.byteOffset, data.length);
}

/** Bytes of a graph file (read from its Blob when it is one). */
export async function graphBytes(bytes: GraphBytes): Promise<Uint8Array> {
  return bytes instanceof Uint8Array ? bytes : new Uint8Array(await bytes.arrayBuffer());
}

/** Lets a failed run's `GPUDevice.lost` callback land before the failure is classified. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

export function createOrtRuntime(ort: Ort, options: OrtRuntimeOptions): GraphRuntime {
  const toOrt = (t: HostTensor): OrtTensor =>
    new ort.Tensor(t.type, t.data as Float32Array, t.dims) as unknown as OrtTensor;
  const wrap = (t: OrtTensor) => new OrtValue(t, options.readGpu);
  const lostError = (reason: string) => new DeviceLostError(reason);

  return {
    providers: options.providers,
    wasmThreads: options.wasmThreads,
    probeWebGpu: options.probeWebGpu,
    tensor: (t) => wrap(toOrt(t)),
    ...(options.upload ? { upload: async (t: HostTensor) => wrap(await options.upload!(t)) } : {}),
    ...(options.gpuPreprocess
      ? { preprocessOnGpu: async (r: PreprocessRequest) => wrap(await options.gpuPreprocess!(r)) }
      : {}),
    async createGraph(spec: GraphSpec): Promise<Graph> {
      const sessionOptions: SessionOptions = {
        ...options.sessionOptions,
        executionProviders: options.providerOptions?.(spec.provider) ?? [spec.provider],
        graphOptimizationLevel: 'all',
        // CPU kernels (onnxruntime-node, WASM threads): waiting threads sleep instead of spinning. A spinning pool
        // takes the cores the JavaScript thread and the page need (measured on 2 cores: the demo pack's vision graph
        // 42 → 22 ms in Node), and graph runs here are seconds apart, not a tight loop.
        extra: { session: { 'intra_op.allow_spinning': '0', 'inter_op.allow_spinning': '0' } },
      };
      const files = await options.sessionFiles(spec);
      if (files.externalData?.length) {
        (sessionOptions as { externalData?: unknown }).externalData = files.externalData;
      }
      if (spec.provider === 'webgpu' && spec.keepOnDevice?.length && options.gpuOutputs !== false) {
        sessionOptions.preferredOutputLocation = spec.keepOnDevice.includes('*')
          ? 'gpu-buffer'
          : Object.fromEntries(spec.keepOnDevice.map((n) => [n, 'gpu-buffer' as const]));
      }
      const session =
        typeof files.model === 'string'
          ? await ort.InferenceSession.create(files.model, sessionOptions)
          : await ort.InferenceSession.create(files.model, sessionOptions);
      if (spec.provider === 'webgpu') await options.onWebGpuSession?.();
      // Declared float type of each input: float16 graphs (q4f16/fp16 exports) get their float inputs narrowed.
      const declared = new Map<string, string>();
      for (const m of (session as { inputMetadata?: readonly { name: string; isTensor: boolean; type?: string }[] })
        .inputMetadata ?? []) {
        if (m.isTensor && m.type) declared.set(m.name, m.type);
      }
      return {
        name: spec.name,
        provider: spec.provider,
        inputNames: session.inputNames,
        outputNames: session.outputNames,
        inputTypes: Object.fromEntries(declared),
        async run(feeds, fetches) {
          const lost = spec.provider === 'webgpu' ? options.deviceLost?.() : null;
          if (lost) throw lostError(lost);
          const ortFeeds: Record<string, OrtTensor> = {};
          for (const [name, value] of Object.entries(feeds)) {
            const want = declared.get(name);
            const isFloat = value.type === 'float32' || value.type === 'float16';
            if (isFloat && (want === 'float16' || want === 'float32') && want !== value.type) {
              // float32 ↔ float16 at the boundary between graphs of different precision (a copy through the host).
              const host = await value.read(); // float32
              ortFeeds[name] =
                want === 'float16'
                  ? toOrt({ type: 'float16', dims: host.dims, data: float32ToFloat16(host.data as Float32Array) })
                  : toOrt(host);
            } else {
              ortFeeds[name] = value instanceof OrtValue ? value.tensor : toOrt(await value.read());
            }
          }
          try {
            const out = fetches ? await session.run(ortFeeds, fetches as string[]) : await session.run(ortFeeds);
            const result: Record<string, GraphValue> = {};
            for (const [name, t] of Object.entries(out)) result[name] = wrap(t as OrtTensor);
            return result;
          } catch (err) {
            if (spec.provider === 'webgpu' && options.deviceLost) {
              await settle();
              const reason = options.deviceLost();
              if (reason) throw lostError(reason);
            }
            throw err;
          }
        },
        release: () => session.release(),
      };
    },
  };
}
