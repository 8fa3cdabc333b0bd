/**
 * Which of onnxruntime-node's execution providers work on this machine, for the command line's `--device`: the
 * CPU EP (always), the WebGPU EP (Dawn on Vulkan/Metal/D3D12; bundled in the Linux, macOS and Windows binaries, it
 * needs a GPU driver), and the CUDA EP (Linux x64 only, in libraries that onnxruntime-node's installer downloads
 * beside its binding, and CUDA 12 + cuDNN 9 on the machine). Each probe builds a one-node graph on the provider and
 * runs it, so "available" means a session really ran there; the reason says why not otherwise.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { identityGraph } from './nodeRuntime';

export type NodeDevice = 'cpu' | 'webgpu' | 'cuda';

export interface DeviceProbe {
  device: NodeDevice;
  available: boolean;
  /** What runs the graphs, or why the device cannot. */
  reason: string;
}

/** Where onnxruntime-node keeps its native libraries for this platform. */
function ortBinaryDir(): string | null {
  try {
    const main = createRequire(import.meta.url).resolve('onnxruntime-node');
    return join(dirname(main), '..', 'bin', 'napi-v6', process.platform, process.arch);
  } catch {
    return null;
  }
}

export async function probeNodeDevice(device: NodeDevice): Promise<DeviceProbe> {
  if (device === 'cpu') return { device, available: true, reason: 'onnxruntime-node CPU execution provider' };
  const ort = await import('onnxruntime-node');
  const supported = ort.listSupportedBackends().find((b) => b.name === device);
  if (!supported) return { device, available: false, reason: `onnxruntime-node has no ${device} backend here` };
  if (device === 'cuda') {
    const lib = join(ortBinaryDir() ?? '', 'libonnxruntime_providers_cuda.so');
    if (!existsSync(lib)) {
      return {
        device,
        available: false,
        reason:
          'onnxruntime-node’s CUDA libraries are not installed (npm installs them on Linux x64 unless ' +
          'ONNXRUNTIME_NODE_INSTALL=skip; reinstall with ONNXRUNTIME_NODE_INSTALL=cuda12)',
      };
    }
  }
  try {
    const session = await ort.InferenceSession.create(identityGraph('float32'), {
      executionProviders: [device],
      graphOptimizationLevel: 'disabled',
    });
    const x = new ort.Tensor('float32', Float32Array.from([1, 2, 3]), [3]);
    const out = await session.run({ x });
    const y = (await out.y.getData()) as Float32Array;
    await session.release();
    if (y[2] !== 3) return { device, available: false, reason: `a test graph on ${device} gave a wrong result` };
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    return {
      device,
      available: false,
      reason: message
        .split('\n')[0]
        .replace(/^.*\] /, '')
        .slice(0, 300),
    };
  }
  return {
    device,
    available: true,
    reason:
      device === 'cuda'
        ? 'onnxruntime-node CUDA execution provider (CPU for nodes it lacks)'
        : 'onnxruntime-node WebGPU execution provider (Dawn)',
  };
}
