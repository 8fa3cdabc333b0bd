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

const cases: [string, Parameters<typeof chooseProvider>, 'webgpu' | 'wasm', RegExp][] = [
  ['hardware adapter, auto', [web, gpu, undefined, 'auto'], 'webgpu', /WebGPU/],
  ['no WebGPU in the browser', [wasmOnly, none, undefined, 'auto'], 'wasm', /unavailable: no WebGPU adapter/],
  ['the pack pins WASM for this graph', [web, gpu, 'wasm', 'auto'], 'wasm', /pack runs this graph on WASM/],
  ['software adapter: WASM is faster', [web, software, undefined, 'auto'], 'wasm', /software fallback/],
  ['user forces WebGPU on a software adapter', [web, software, undefined, 'webgpu'], 'webgpu', /chosen in settings/],
  ['user forces WASM', [web, gpu, 'webgpu', 'wasm'], 'wasm', /WASM chosen/],
  ['float16 graph without shader-f16', [web, noF16, undefined, 'auto', true], 'wasm', /shader-f16/],
  ['float16 graph with shader-f16', [web, gpu, undefined, 'auto', true], 'webgpu', /WebGPU/],
];

for (const [name, args, provider, reason] of cases) {
  test(name, () => {
    const d = chooseProvider(...args);
    assert.equal(d.provider, provider);
    assert.match(d.reason, reason);
  });
}
