/** onnxruntime-node for Node integration tests and benchmarks (CPU provider only). */
import { createOrtRuntime } from './ortRuntime';
import type { GraphRuntime } from './graphRuntime';

export async function createNodeRuntime(): Promise<GraphRuntime> {
  const ort = await import('onnxruntime-node');
  return createOrtRuntime(ort, {
    providers: ['cpu'],
    wasmThreads: 0,
    probeWebGpu: async () => ({ available: false, reason: 'Node: CPU provider', shaderF16: false }),
  });
}
