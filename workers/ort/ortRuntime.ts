/**
 * GraphRuntime over onnxruntime's common API. The same code serves onnxruntime-web (worker) and
 * onnxruntime-node (tests, benchmarks): they differ only in the module passed in and the providers offered.
 */
import type * as OrtCommon from 'onnxruntime-common';
import { float16ToFloat32, float32ToFloat16 } from '../core/float16';
import {
  DeviceLostError,
  type Graph,
  type GraphRuntime,
  type GraphSpec,
  type GraphValue,
  type HostTensor,
  type Provider,
  type TensorType,
  type WebGpuProbe,
} from './graphRuntime';

type Ort = Pick<typeof OrtCommon, 'InferenceSession' | 'Tensor'>;
type OrtTensor = OrtCommon.Tensor;

const DEVICE_LOST = /device (was )?(lost|destroyed)|GPUDevice|external Instance reference no longer exists/i;

class OrtValue implements GraphValue {
  constructor(readonly tensor: OrtTensor) {}
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
    const data = (await this.tensor.getData()) as HostTensor['data'];
    if (this.type === 'float16') {
      const bits = data instanceof Uint16Array ? data : new Uint16Array(data.buffer, data.byteOffset, data.length);
      return { type: 'float32', dims: [...this.dims], data: float16ToFloat32(bits) };
    }
    return { type: this.type, dims: [...this.dims], data };
  }
  dispose(): void {
    if (this.tensor.location === 'gpu-buffer') this.tensor.dispose();
  }
}

export interface OrtRuntimeOptions {
  providers: Provider[];
  wasmThreads: number;
  probeWebGpu: () => Promise<WebGpuProbe>;
}

export function createOrtRuntime(ort: Ort, options: OrtRuntimeOptions): GraphRuntime {
  const toOrt = (t: HostTensor): OrtTensor =>
    new ort.Tensor(t.type, t.data as Float32Array, t.dims) as unknown as OrtTensor;

  return {
    providers: options.providers,
    wasmThreads: options.wasmThreads,
    probeWebGpu: options.probeWebGpu,
    tensor: (t) => new OrtValue(toOrt(t)),
    async createGraph(spec: GraphSpec): Promise<Graph> {
      const sessionOptions: OrtCommon.InferenceSession.SessionOptions = {
        executionProviders:
          spec.provider === 'webgpu' ? [{ name: 'webgpu', preferredLayout: 'NCHW' } as never] : [spec.provider],
        graphOptimizationLevel: 'all',
      };
      if (spec.externalData.length > 0) {
        (sessionOptions as { externalData?: unknown }).externalData = spec.externalData.map((e) => ({
          path: e.path,
          data: e.data,
        }));
      }
      if (spec.provider === 'webgpu' && spec.keepOnDevice?.length) {
        sessionOptions.preferredOutputLocation = spec.keepOnDevice.includes('*')
          ? 'gpu-buffer'
          : Object.fromEntries(spec.keepOnDevice.map((n) => [n, 'gpu-buffer' as const]));
      }
      const session = await ort.InferenceSession.create(spec.model, sessionOptions);
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
        async run(feeds, fetches) {
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
            for (const [name, t] of Object.entries(out)) result[name] = new OrtValue(t as OrtTensor);
            return result;
          } catch (err) {
            const message = err instanceof Error ? err.message : String(err);
            if (spec.provider === 'webgpu' && DEVICE_LOST.test(message)) throw new DeviceLostError(message);
            throw err;
          }
        },
        release: () => session.release(),
      };
    },
  };
}
