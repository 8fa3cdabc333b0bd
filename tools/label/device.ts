/**
 * `--device auto|cpu|webgpu|cuda` for `npm run label`: which onnxruntime-node execution provider runs the graphs.
 * `auto` takes the first that works of CUDA, WebGPU, CPU — WebGPU only where the machine has a GPU device node
 * (/dev/nvidia*, /dev/dri/renderD*), so a software Vulkan driver (SwiftShader, lavapipe; far slower than the CPU
 * EP) is never chosen by itself. A device named explicitly must work, or the command stops and says why.
 */
import { existsSync, readdirSync } from 'node:fs';
import type { GraphRuntime } from '../../workers/ort/graphRuntime';
import { createNodeRuntime } from '../../workers/ort/nodeRuntime';
import { probeNodeDevice, type DeviceProbe, type NodeDevice } from '../../workers/ort/nodeDevices';

export type DeviceChoice = 'auto' | NodeDevice;

export const DEVICE_CHOICES: readonly DeviceChoice[] = ['auto', 'cpu', 'webgpu', 'cuda'];

export interface ChosenDevice {
  device: NodeDevice;
  reason: string;
  /** Devices tried before it, and why each was passed over. */
  skipped: DeviceProbe[];
}

/** Whether the machine shows a GPU to processes: an NVIDIA device or a DRM render node. */
export function hasGpuDeviceNode(): boolean {
  if (existsSync('/dev/nvidia0')) return true;
  try {
    return readdirSync('/dev/dri').some((n) => n.startsWith('renderD'));
  } catch {
    return false;
  }
}

export async function chooseDevice(
  choice: DeviceChoice,
  probe: (d: NodeDevice) => Promise<DeviceProbe> = probeNodeDevice,
  hasGpu: () => boolean = hasGpuDeviceNode,
): Promise<ChosenDevice> {
  if (choice !== 'auto') {
    const p = await probe(choice);
    if (!p.available) throw new Error(`--device ${choice} is not available here: ${p.reason}`);
    return { device: choice, reason: p.reason, skipped: [] };
  }
  const skipped: DeviceProbe[] = [];
  for (const device of ['cuda', 'webgpu'] as const) {
    const p =
      device === 'webgpu' && !hasGpu()
        ? { device, available: false, reason: 'no GPU device node (/dev/nvidia*, /dev/dri/renderD*)' }
        : await probe(device);
    if (p.available) return { device, reason: p.reason, skipped };
    skipped.push(p);
  }
  const cpu = await probe('cpu');
  return { device: 'cpu', reason: cpu.reason, skipped };
}

/**
 * The engine's graph runtime on a device. onnxruntime's intra-op threads do not spin between parallel sections:
 * spinning kept a core busy that the decoding thread needs (bench:label measures both).
 */
export function deviceRuntime(device: NodeDevice): () => Promise<GraphRuntime> {
  return () => createNodeRuntime({ webgpu: device === 'webgpu', cuda: device === 'cuda', spinning: false });
}
