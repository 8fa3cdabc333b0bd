/**
 * onnxruntime-web bound to the engine worker: WebGPU first, WASM (threads set explicitly) as fallback. External
 * data goes to onnxruntime as the Blobs the loader found (Cache Storage entries, picked files): onnxruntime reads
 * them itself. A lost GPU is known from `GPUDevice.lost`, not guessed from an error's wording. Images are
 * pre-processed on onnxruntime's own GPU device once a WebGPU graph exists (gpuPreprocess.ts).
 */
import type * as OrtCommon from 'onnxruntime-common';
import { createOrtRuntime, graphBytes } from './ortRuntime';
import { DeviceLostError, type GraphRuntime, type Provider, type WebGpuProbe } from './graphRuntime';
import { GpuPreprocessor, type GpuDeviceLike as PreprocessDevice, type GpuPixels } from './gpuPreprocess';

interface GpuBufferLike {
  destroy(): void;
}

interface GpuDeviceLike {
  lost: Promise<{ reason?: string; message: string }>;
  createBuffer(descriptor: { size: number; usage: number }): GpuBufferLike;
  queue: {
    writeBuffer(buffer: GpuBufferLike, offset: number, data: ArrayBufferLike, dataOffset: number, size: number): void;
  };
}

interface GpuAdapterLike {
  info?: { vendor?: string; architecture?: string; isFallbackAdapter?: boolean };
  isFallbackAdapter?: boolean;
  features: { has(name: string): boolean };
  limits: { maxBufferSize: number; maxStorageBufferBindingSize: number };
}

async function probeWebGpu(disabled: boolean): Promise<WebGpuProbe> {
  if (disabled) return { available: false, reason: 'WebGPU disabled in settings', shaderF16: false };
  const gpu = (navigator as { gpu?: { requestAdapter(o?: object): Promise<GpuAdapterLike | null> } }).gpu;
  if (!gpu)
    return { available: false, reason: 'this browser has no WebGPU (navigator.gpu is missing)', shaderF16: false };
  let adapter: GpuAdapterLike | null;
  try {
    adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  } catch (err) {
    return { available: false, reason: `requestAdapter failed: ${String(err)}`, shaderF16: false };
  }
  if (!adapter) return { available: false, reason: 'no WebGPU adapter (GPU blocked or unavailable)', shaderF16: false };
  const isFallbackAdapter = Boolean(adapter.info?.isFallbackAdapter ?? adapter.isFallbackAdapter);
  return {
    available: true,
    reason: isFallbackAdapter ? 'software adapter (slow; small graphs only)' : 'hardware adapter',
    adapter: {
      vendor: adapter.info?.vendor ?? '',
      architecture: adapter.info?.architecture ?? '',
      isFallbackAdapter,
    },
    shaderF16: adapter.features.has('shader-f16'),
    maxBufferSize: adapter.limits.maxBufferSize,
    maxStorageBufferBindingSize: adapter.limits.maxStorageBufferBindingSize,
  };
}

export async function createWebRuntime(opts: { disableWebGpu?: boolean; numThreads?: number }): Promise<GraphRuntime> {
  const ort = await import('onnxruntime-web');
  const isolated = (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === true;
  const cores = navigator.hardwareConcurrency || 2;
  // ORT's default is min(4, ceil(cores/2)); we set it explicitly, leaving one core to the page (its main thread must
  // stay responsive while graphs run: on 2 cores, two graph threads left the page only what they did not use).
  // Threads need cross-origin isolation.
  const threads = isolated ? Math.max(1, Math.min(4, opts.numThreads ?? cores - 1)) : 1;
  ort.env.wasm.numThreads = threads;
  ort.env.logLevel = 'error';
  const probe = await probeWebGpu(Boolean(opts.disableWebGpu));
  const providers: Provider[] = probe.available ? ['webgpu', 'wasm'] : ['wasm'];
  let lostReason: string | null = null;
  let watching = false;
  let preprocessor: GpuPreprocessor | null = null;
  /** Read-backs of the GPU tensors made here: they leave the tensor on the GPU (getData() would not). */
  const downloads = new WeakMap<OrtCommon.Tensor, () => Promise<Float32Array>>();
  return createOrtRuntime(ort, {
    providers,
    wasmThreads: threads,
    probeWebGpu: async () => probe,
    sessionFiles: async (spec) => ({ model: await graphBytes(spec.model), externalData: spec.externalData }),
    providerOptions: (provider) =>
      provider === 'webgpu' ? [{ name: 'webgpu', preferredLayout: 'NCHW' } as never] : [provider],
    async onWebGpuSession() {
      if (watching) return;
      watching = true;
      const device = (await ort.env.webgpu.device) as unknown as GpuDeviceLike;
      void device.lost.then((info) => {
        lostReason = info.message || `the device was lost (${info.reason ?? 'unknown reason'})`;
      });
    },
    deviceLost: () => lostReason,
    // Host data a WebGPU graph reads many times (a video frame's features, one run per tracked object) is written to
    // a GPU buffer once; onnxruntime then reads it in place. Only once a WebGPU session made the device.
    upload: async (t) => {
      const device = (await ort.env.webgpu.device) as unknown as GpuDeviceLike;
      const bytes = t.data.byteLength;
      // STORAGE | COPY_SRC | COPY_DST (GPUBufferUsage), 16-byte aligned as onnxruntime requires.
      const buffer = device.createBuffer({ size: Math.ceil(bytes / 16) * 16, usage: 0x80 | 0x04 | 0x08 });
      device.queue.writeBuffer(buffer, 0, t.data.buffer, t.data.byteOffset, bytes);
      return ort.Tensor.fromGpuBuffer(buffer as never, {
        dataType: t.type as 'float32',
        dims: t.dims,
        dispose: () => buffer.destroy(),
      }) as unknown as OrtCommon.Tensor;
    },
    readGpu: (tensor) => downloads.get(tensor)?.() ?? (tensor.getData() as Promise<Float32Array>),
    gpuPreprocess: probe.available
      ? async ({ image, size, mean, std }) => {
          if (lostReason) throw new DeviceLostError(lostReason);
          if (!watching) throw new Error('GPU pre-processing needs a WebGPU graph first (it runs on its device).');
          const device = (await ort.env.webgpu.device) as unknown as PreprocessDevice;
          if (preprocessor?.device !== device) {
            preprocessor?.destroy();
            preprocessor = new GpuPreprocessor(device);
          }
          let pixels: GpuPixels;
          try {
            pixels = await preprocessor.run(image, size, mean, std);
          } catch (err) {
            // A device lost mid-way fails the passes with some other error first: let `lost` land, then say so.
            await new Promise((resolve) => setTimeout(resolve, 0));
            if (lostReason) throw new DeviceLostError(lostReason);
            throw err;
          }
          const tensor = ort.Tensor.fromGpuBuffer(pixels.buffer as never, {
            dataType: 'float32',
            dims: pixels.dims,
            dispose: pixels.release,
          }) as unknown as OrtCommon.Tensor;
          downloads.set(tensor, pixels.download);
          return tensor;
        }
      : undefined,
  });
}
