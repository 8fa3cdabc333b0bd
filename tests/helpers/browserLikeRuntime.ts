/**
 * onnxruntime-node posing as a browser's runtime with a WebGPU adapter: the engine sees the providers and adapter
 * facts it would see in a browser (and chooses WebGPU), while every graph really runs on onnxruntime-node's CPU.
 * Tests change what they need: the adapter's facts, what a run does, an upload hook, GPU pre-processing.
 */
import { createNodeRuntime } from '../../workers/ort/nodeRuntime';
import type { Graph, GraphRuntime, GraphSpec, WebGpuProbe } from '../../workers/ort/graphRuntime';

export const HARDWARE_ADAPTER: WebGpuProbe = {
  available: true,
  reason: 'hardware adapter',
  adapter: { vendor: 'test', architecture: 'test', isFallbackAdapter: false },
  shaderF16: true,
};

export interface BrowserLikeOptions {
  probe?: Partial<WebGpuProbe>;
  /** Wraps each created graph (e.g. to fail a run); gets the spec the engine asked for. */
  wrapGraph?: (graph: Graph, spec: GraphSpec) => Graph;
  upload?: GraphRuntime['upload'];
  preprocessOnGpu?: GraphRuntime['preprocessOnGpu'];
}

export async function browserLikeRuntime(options: BrowserLikeOptions = {}): Promise<GraphRuntime> {
  const node = await createNodeRuntime();
  const probe = { ...HARDWARE_ADAPTER, ...options.probe };
  return {
    providers: ['webgpu', 'wasm'],
    wasmThreads: 1,
    tensor: node.tensor,
    probeWebGpu: async () => probe,
    ...(options.upload ? { upload: options.upload } : {}),
    ...(options.preprocessOnGpu ? { preprocessOnGpu: options.preprocessOnGpu } : {}),
    async createGraph(spec) {
      const graph = await node.createGraph({ ...spec, provider: 'cpu' });
      // The graph reports the provider the engine chose (what the model panel would show).
      const posed: Graph = {
        name: graph.name,
        inputNames: graph.inputNames,
        outputNames: graph.outputNames,
        provider: spec.provider,
        run: (feeds, fetches) => graph.run(feeds, fetches),
        release: () => graph.release(),
      };
      return options.wrapGraph ? options.wrapGraph(posed, spec) : posed;
    },
  };
}
