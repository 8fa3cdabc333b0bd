/**
 * The engine's view of an ONNX runtime: graphs that take and return named values. Implemented once over
 * onnxruntime's common API (ortRuntime.ts) and bound to onnxruntime-web in the worker (webRuntime.ts) or to
 * onnxruntime-node in Node tests and benchmarks (nodeRuntime.ts). Nothing outside workers/ort imports onnxruntime.
 */

export type TensorType = 'float32' | 'float16' | 'int64' | 'int32' | 'bool' | 'uint8';

export type TensorArray = Float32Array | Uint16Array | BigInt64Array | Int32Array | Uint8Array;

/** A tensor in host memory. */
export interface HostTensor {
  type: TensorType;
  dims: number[];
  data: TensorArray;
}

/** A graph input or output: in host memory or resident on the GPU. */
export interface GraphValue {
  readonly type: TensorType;
  readonly dims: readonly number[];
  readonly location: 'cpu' | 'gpu';
  /** Copies the value to host memory (a GPU download when resident on the GPU). */
  read(): Promise<HostTensor>;
  /**
   * Planes `indices` of a float value laid out as planes of `planeSize` elements (masks [1,Q,H,W]: H·W), each as its
   * own float32 array; float16 data is widened for these planes only (core/float16 floatPlanes).
   */
  readPlanes(planeSize: number, indices: readonly number[]): Promise<Float32Array[]>;
  /** Frees GPU memory held by the value (no-op for host tensors). */
  dispose(): void;
}

export type Provider = 'webgpu' | 'wasm' | 'cpu';

/**
 * Bytes of a graph file where they live: in memory, or a Blob that onnxruntime reads itself (a Cache Storage
 * entry or a picked File in the browser). In Node a Blob may carry `diskPath` (see `onDisk`): when the model and
 * all its external data are files side by side, onnxruntime-node opens them from disk and no byte passes through JS.
 */
export type GraphBytes = Uint8Array | (Blob & { readonly diskPath?: string });

/** A Blob for a file on disk (Node), marked with its path. */
export function onDisk(blob: Blob, diskPath: string): Blob & { readonly diskPath: string } {
  return Object.assign(blob, { diskPath });
}

export interface GraphSpec {
  /** For messages and statistics: the graph's role ("vision", "text", "detector"). */
  name: string;
  model: GraphBytes;
  /** `path` = the location the graph's initializers name. */
  externalData: { path: string; data: GraphBytes }[];
  provider: Provider;
  /** Outputs to leave on the GPU (WebGPU only; '*' = all): encoder outputs that only feed other graphs. */
  keepOnDevice?: string[];
}

export interface Graph {
  readonly name: string;
  readonly provider: Provider;
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  /** Declared element type of each input ('float32', 'float16', …), where the runtime knows it. */
  readonly inputTypes?: Readonly<Record<string, string>>;
  /** Runs the graph; `fetches` limits the outputs computed and returned. */
  run(feeds: Record<string, GraphValue>, fetches?: readonly string[]): Promise<Record<string, GraphValue>>;
  release(): Promise<void>;
}

export interface WebGpuProbe {
  available: boolean;
  reason: string;
  adapter?: { vendor: string; architecture: string; isFallbackAdapter: boolean };
  shaderF16: boolean;
  maxBufferSize?: number;
  maxStorageBufferBindingSize?: number;
}

/** Why the GPU device went away, once it has (from `GPUDevice.lost`); null while it is fine. */
export type DeviceLossProbe = () => string | null;

/** An image to pre-process for the vision graphs (reference.md §3): RGBA pixels → float32 `[1, 3, size, size]`. */
export interface PreprocessRequest {
  image: { width: number; height: number; data: Uint8ClampedArray | Uint8Array };
  size: number;
  mean: [number, number, number];
  std: [number, number, number];
}

export interface GraphRuntime {
  /** Which providers this runtime can use. */
  readonly providers: readonly Provider[];
  readonly wasmThreads: number;
  probeWebGpu(): Promise<WebGpuProbe>;
  createGraph(spec: GraphSpec): Promise<Graph>;
  /** Wraps host data as a graph input. */
  tensor(t: HostTensor): GraphValue;
  /**
   * Copies host data to the GPU once, as a value WebGPU graphs read without another upload (absent where the
   * runtime has no GPU device to write to, e.g. the CPU runtimes). Dispose it when done.
   */
  upload?(t: HostTensor): Promise<GraphValue>;
  /**
   * Pre-processing on the GPU that runs the WebGPU graphs, with the same result as core/resize's `preprocessImage`
   * (core/gpuResize.ts): a float32 `[1, 3, size, size]` value resident on that GPU, for a WebGPU graph's input.
   * Only where the runtime shares a JS WebGPU device with onnxruntime (the browser), once a WebGPU graph exists.
   */
  preprocessOnGpu?(request: PreprocessRequest): Promise<GraphValue>;
}

/** Thrown when the GPU device is lost: the engine recreates its graphs on WASM. */
export class DeviceLostError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DeviceLostError';
  }
}
