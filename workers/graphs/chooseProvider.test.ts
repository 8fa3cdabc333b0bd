/** Execution-provider choice per graph: a table of situations and the provider + reason the model panel shows. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chooseProvider } from './openPackGraphs';
import type { WebGpuProbe } from '../ort/graphRuntime';

const web = { providers: ['webgpu', 'wasm'] as const };
const wasmOnly = { providers: ['wasm'] as const };
const gpu: WebGpuProbe = {
  available: true,
  reason: 'hardware adapter',
  adapter: { vendor: 'nvidia', architecture: 'ampere', isFallbackAdapter: false },
  shaderF16: true,
};
const noF16: WebGpuProbe = { ...gpu, shaderF16: false };
const software: WebGpuProbe = { ...gpu, adapter: { ...gpu.adapter!, isFallbackAdapter: true } };
const none: WebGpuProbe = { available: false, reason: 'no WebGPU adapter', shaderF16: false };
const small: WebGpuProbe = { ...gpu, maxBufferSize: 256 << 20, maxStorageBufferBindingSize: 256 << 20 };
const narrow: WebGpuProbe = { ...gpu, maxBufferSize: 4 * 2 ** 30, maxStorageBufferBindingSize: 128 << 20 };
const nodeGpu = { providers: ['webgpu', 'cpu'] as const };
const cpuOnly = { providers: ['cpu'] as const };
const f16 = { float16: true, largestTensorBytes: 0 };
const big = { float16: false, largestTensorBytes: 1720 << 20 };
const fits = { float16: false, largestTensorBytes: 200 << 20 };

const cases: [string, Parameters<typeof chooseProvider>, 'webgpu' | 'wasm' | 'cpu', RegExp][] = [
  ['hardware adapter, auto', [web, gpu, undefined, 'auto'], 'webgpu', /WebGPU/],
  ['no WebGPU in the browser', [wasmOnly, none, undefined, 'auto'], 'wasm', /unavailable: no WebGPU adapter/],
  ['the pack pins WASM for this graph', [web, gpu, 'wasm', 'auto'], 'wasm', /pack runs this graph on WASM/],
  ['software adapter: WASM is faster', [web, software, undefined, 'auto'], 'wasm', /software fallback/],
  ['user forces WebGPU on a software adapter', [web, software, undefined, 'webgpu'], 'webgpu', /chosen in settings/],
  ['user forces WASM', [web, gpu, 'webgpu', 'wasm'], 'wasm', /WASM chosen/],
  ['float16 compute without shader-f16', [web, noF16, undefined, 'auto', f16], 'wasm', /float16 and needs shader-f16/],
  ['float16 compute with shader-f16', [web, gpu, undefined, 'auto', f16], 'webgpu', /WebGPU/],
  ['a tensor over maxBufferSize', [web, small, undefined, 'auto', big], 'wasm', /exceeds the adapter's maxBufferSize/],
  ['a tensor over the binding size', [web, narrow, undefined, 'auto', big], 'wasm', /maxStorageBufferBindingSize/],
  ['a tensor within both limits', [web, small, undefined, 'auto', fits], 'webgpu', /WebGPU/],
  ['Node: WebGPU EP with the CPU beside it', [nodeGpu, gpu, undefined, 'auto'], 'webgpu', /WebGPU/],
  ['Node: float16 without shader-f16 goes to the CPU', [nodeGpu, noF16, undefined, 'auto', f16], 'cpu', /shader-f16/],
  ['Node: the CPU provider alone', [cpuOnly, none, undefined, 'auto'], 'cpu', /only provider/],
];

for (const [name, args, provider, reason] of cases) {
  test(name, () => {
    const d = chooseProvider(...args);
    assert.equal(d.provider, provider);
    assert.match(d.reason, reason);
  });
}
