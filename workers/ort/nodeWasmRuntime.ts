/** onnxruntime-web's WASM provider running in Node: the browser's kernels, for benchmarks without a browser. */
import { createOrtRuntime, graphBytes } from './ortRuntime';
import type { GraphRuntime } from './graphRuntime';

export async function createNodeWasmRuntime(threads = 1): Promise<GraphRuntime> {
  const ort = await import('onnxruntime-web');
  ort.env.wasm.numThreads = threads;
  ort.env.logLevel = 'error';
  return createOrtRuntime(ort, {
    providers: ['wasm'],
    wasmThreads: threads,
    probeWebGpu: async () => ({ available: false, reason: 'Node: no WebGPU', shaderF16: false }),
    // onnxruntime-web in Node reads external data from buffers (a Blob it would read the same way).
    sessionFiles: async (spec) => ({
      model: await graphBytes(spec.model),
      externalData: await Promise.all(
        spec.externalData.map(async (e) => ({ path: e.path, data: await graphBytes(e.data) })),
      ),
    }),
  });
}
