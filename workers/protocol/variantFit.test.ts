import { test } from 'node:test';
import assert from 'node:assert/strict';
import { downloadVerdict, packFit, type AdapterFacts } from './variantFit';
import type { PackManifest, PackVariant } from './manifest';
import { sampleManifest } from '../../tests/helpers/manifestTestData';

const GB = 2 ** 30;
function pack(variant: PackVariant | undefined, graphBytes = 0.5 * GB): PackManifest {
  const m = structuredClone(sampleManifest()) as PackManifest;
  m.graphs.vision.file.size = graphBytes;
  if (variant) m.variant = variant;
  return m;
}
const fp16 = (bind = 200e6): PackVariant => ({
  precision: 'fp16',
  transforms: ['fold-shapes', 'fused-attention', 'fp16'],
  requires: { shaderF16: true, maxBufferSize: bind, maxStorageBufferBindingSize: bind },
});
const fp32 = (bind = 400e6): PackVariant => ({
  ...fp16(bind),
  precision: 'fp32',
  requires: { ...fp16(bind).requires, shaderF16: false },
});
const laptop: AdapterFacts = { available: true, shaderF16: true, maxBufferSize: GB, maxStorageBufferBindingSize: GB };
const noF16: AdapterFacts = { ...laptop, shaderF16: false };
const small: AdapterFacts = { ...laptop, maxBufferSize: 256e6, maxStorageBufferBindingSize: 128e6 };
const none: AdapterFacts = { available: false, shaderF16: false };

test('a variant the adapter meets runs on WebGPU', () => {
  assert.equal(packFit(pack(fp16()), laptop).runs, 'webgpu');
  assert.equal(packFit(pack(fp32()), noF16).runs, 'webgpu');
});

test('what the GPU lacks is named, and the person is pointed to another variant or WASM', () => {
  const f = packFit(pack(fp16()), noF16);
  assert.equal(f.runs, 'wasm');
  assert.match(f.message, /cannot run it: it computes in float16 and the adapter lacks shader-f16/);
  assert.match(f.message, /float32 variant runs on more GPUs/);
  assert.match(packFit(pack(fp32(200e6)), small).message, /binds 200 MB at once and the adapter allows 128 MB/);
  assert.match(packFit(pack(fp32(600e6)), small).message, /needs a 600 MB buffer and the adapter allows 256 MB/);
});

test('too big for WebGPU here and for WASM memory: refused', () => {
  const f = packFit(pack(fp16(), 3.6 * GB), noF16);
  assert.equal(f.runs, 'no');
  assert.match(f.message, /do not fit WebAssembly's 4 GB memory/);
  assert.equal(packFit(pack(undefined, 2.1 * GB), none).runs, 'no');
  assert.match(packFit(pack(undefined, 2.1 * GB), none).message, /over the browser's 2 GB limit for one buffer/);
});

test('WASM chosen: a pack within its memory runs there', () => {
  assert.equal(packFit(pack(fp16()), laptop, 'wasm').runs, 'wasm');
  assert.equal(packFit(pack(undefined), none).runs, 'wasm');
});

test('a download starts only for a pack this device runs, or one WASM was chosen for', () => {
  assert.equal(downloadVerdict(pack(fp16()), laptop).allowed, true);
  const refused = downloadVerdict(pack(fp16()), noF16);
  assert.equal(refused.allowed, false);
  assert.match(refused.message, /lacks shader-f16.*choose WASM/);
  assert.equal(downloadVerdict(pack(fp16()), noF16, 'wasm').allowed, true);
  // No WebGPU at all: a pack within WASM's memory runs there, slowly; one too big for it is refused.
  assert.equal(downloadVerdict(pack(fp16()), none).allowed, true);
  assert.equal(downloadVerdict(pack(fp16(), 3.6 * GB), none).allowed, false);
});
