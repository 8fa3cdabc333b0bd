/**
 * `--device`: auto takes CUDA, then WebGPU on a machine with a GPU, then the CPU, and says why it passed each over;
 * a device named explicitly must work or the run stops with the reason. The real probes on this machine: the CPU EP
 * runs, and without onnxruntime-node's CUDA libraries the CUDA probe says how to install them.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { chooseDevice } from './device';
import { probeNodeDevice, type DeviceProbe, type NodeDevice } from '../../workers/ort/nodeDevices';

const fake =
  (available: Partial<Record<NodeDevice, boolean>>) =>
  async (device: NodeDevice): Promise<DeviceProbe> => ({
    device,
    available: device === 'cpu' || !!available[device],
    reason: available[device] ? `${device} ran` : `no ${device}`,
  });

test('auto prefers CUDA, then WebGPU where a GPU exists, then the CPU', async () => {
  assert.equal((await chooseDevice('auto', fake({ cuda: true, webgpu: true }), () => true)).device, 'cuda');
  assert.equal((await chooseDevice('auto', fake({ webgpu: true }), () => true)).device, 'webgpu');
  const cpu = await chooseDevice('auto', fake({ webgpu: true }), () => false);
  assert.equal(cpu.device, 'cpu');
  assert.deepEqual(
    cpu.skipped.map((s) => [s.device, s.reason]),
    [
      ['cuda', 'no cuda'],
      ['webgpu', 'no GPU device node (/dev/nvidia*, /dev/dri/renderD*)'],
    ],
  );
});

test('an explicit device that does not work stops the run with its reason', async () => {
  await assert.rejects(chooseDevice('webgpu', fake({})), /--device webgpu is not available here: no webgpu/);
  assert.equal((await chooseDevice('cpu', fake({}))).device, 'cpu');
});

test('the real probes: the CPU EP runs; CUDA without its libraries says how to get them', async () => {
  assert.equal((await probeNodeDevice('cpu')).available, true);
  const lib = join(import.meta.dirname, '../../node_modules/onnxruntime-node/bin/napi-v6/linux/x64');
  if (process.platform === 'linux' && !existsSync(join(lib, 'libonnxruntime_providers_cuda.so'))) {
    const cuda = await probeNodeDevice('cuda');
    assert.equal(cuda.available, false);
    assert.match(cuda.reason, /ONNXRUNTIME_NODE_INSTALL=cuda12/);
  }
});
