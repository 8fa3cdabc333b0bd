/**
 * onnxruntime-node for Node integration tests, benchmarks and the command-line tools: the CPU provider, or — for the
 * GPU benchmark — its native WebGPU EP (the same C++ kernels the browser's WebGPU build runs).
 *
 * Graph files: when a model and all its external data are files side by side on disk (Blobs marked with
 * `diskPath`), onnxruntime opens them itself and no weight byte passes through JavaScript; otherwise the bytes are
 * read from their Blobs and handed over (onnxruntime-node takes external data only as buffers).
 */
import { dirname, join } from 'node:path';
import { createOrtRuntime, graphBytes, type SessionFiles } from './ortRuntime';
import type { GraphBytes, GraphRuntime, GraphSpec, HostTensor } from './graphRuntime';

const diskPath = (b: GraphBytes): string | undefined =>
  b instanceof Uint8Array ? undefined : (b as { diskPath?: string }).diskPath;

export async function nodeSessionFiles(spec: GraphSpec): Promise<SessionFiles> {
  const modelPath = diskPath(spec.model);
  if (modelPath && spec.externalData.every((e) => diskPath(e.data) === join(dirname(modelPath), e.path))) {
    return { model: modelPath };
  }
  const externalData: { path: string; data: Uint8Array }[] = [];
  for (const e of spec.externalData) externalData.push({ path: e.path, data: await graphBytes(e.data) });
  return { model: await graphBytes(spec.model), externalData };
}

export interface NodeRuntimeOptions {
  /** Run graphs on onnxruntime-node's WebGPU EP (Dawn; Vulkan on Linux) instead of the CPU. */
  webgpu?: boolean;
  /** CPU threads per graph run (onnxruntime's default: one per core). */
  threads?: number;
  /**
   * Run the engine's CPU-side graphs on onnxruntime-node's CUDA EP (nodes it lacks fall back to the CPU EP); the
   * engine still sees provider 'cpu' (host tensors in and out). Needs the CUDA EP libraries (nodeDevices.ts).
   */
  cuda?: boolean;
  /**
   * false: onnxruntime's intra-op threads sleep between parallel sections instead of spinning, leaving the cores to
   * other threads of the process (the command line's image decoding).
   */
  spinning?: boolean;
}

export async function createNodeRuntime(opts: NodeRuntimeOptions = {}): Promise<GraphRuntime> {
  const ort = await import('onnxruntime-node');
  if (!opts.webgpu) {
    return createOrtRuntime(ort, {
      providers: ['cpu'],
      wasmThreads: 0,
      probeWebGpu: async () => ({ available: false, reason: 'Node: CPU provider', shaderF16: false }),
      sessionFiles: nodeSessionFiles,
      ...(opts.cuda ? { providerOptions: (p) => (p === 'cpu' ? ['cuda', 'cpu'] : undefined) } : {}),
      sessionOptions: {
        ...(opts.threads ? { intraOpNumThreads: opts.threads } : {}),
        ...(opts.spinning === false ? noSpinning : {}),
      },
    });
  }
  // Reading a GPU-resident tensor with getData() aborts onnxruntime-node 1.30's process; a one-node Identity session
  // (optimisation off, so it is kept) copies it to the host the supported way instead.
  const identity = new Map<string, Promise<import('onnxruntime-common').InferenceSession>>();
  const readGpu = async (tensor: import('onnxruntime-common').Tensor): Promise<HostTensor['data']> => {
    let session = identity.get(tensor.type);
    if (!session) {
      session = ort.InferenceSession.create(identityGraph(tensor.type), {
        executionProviders: ['webgpu'],
        graphOptimizationLevel: 'disabled',
      });
      identity.set(tensor.type, session);
    }
    const out = await (await session).run({ x: tensor });
    return (await out.y.getData()) as HostTensor['data'];
  };
  return createOrtRuntime(ort, {
    providers: ['webgpu', 'cpu'],
    wasmThreads: 0,
    probeWebGpu: async () => ({
      available: true,
      reason: 'onnxruntime-node WebGPU EP (Dawn)',
      adapter: { vendor: 'native', architecture: 'dawn', isFallbackAdapter: false },
      shaderF16: true,
    }),
    sessionFiles: nodeSessionFiles,
    readGpu,
  });
}

/** onnxruntime's session config keys (session.intra_op.allow_spinning, session.inter_op.allow_spinning). */
const noSpinning = { extra: { session: { intra_op: { allow_spinning: '0' }, inter_op: { allow_spinning: '0' } } } };

const ELEM_TYPE: Record<string, number> = { float32: 1, uint8: 2, int32: 6, int64: 7, bool: 9, float16: 10 };

/** ONNX bytes of `y = Identity(x)` for one element type, any shape (a hand-encoded ModelProto). */
export function identityGraph(type: string): Uint8Array {
  const bytes: number[] = [];
  const varint = (out: number[], v: number) => {
    while (v > 0x7f) {
      out.push((v & 0x7f) | 0x80);
      v >>>= 7;
    }
    out.push(v);
  };
  const field = (out: number[], no: number, payload: number[] | string) => {
    const body = typeof payload === 'string' ? [...new TextEncoder().encode(payload)] : payload;
    varint(out, (no << 3) | 2);
    varint(out, body.length);
    out.push(...body);
  };
  const int = (out: number[], no: number, v: number) => {
    varint(out, no << 3);
    varint(out, v);
  };
  const valueInfo = (name: string) => {
    const tensorType: number[] = [];
    int(tensorType, 1, ELEM_TYPE[type] ?? 1);
    const typeProto: number[] = [];
    field(typeProto, 1, tensorType);
    const vi: number[] = [];
    field(vi, 1, name);
    field(vi, 2, typeProto);
    return vi;
  };
  const node: number[] = [];
  field(node, 1, 'x');
  field(node, 2, 'y');
  field(node, 4, 'Identity');
  const graph: number[] = [];
  field(graph, 1, node);
  field(graph, 2, 'readback');
  field(graph, 11, valueInfo('x'));
  field(graph, 12, valueInfo('y'));
  const opset: number[] = [];
  int(opset, 2, 17);
  int(bytes, 1, 8); // ir_version
  field(bytes, 7, graph);
  field(bytes, 8, opset);
  return Uint8Array.from(bytes);
}
