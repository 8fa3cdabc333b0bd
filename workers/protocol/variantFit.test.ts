import { test } from 'node:test';
import assert from 'node:assert/strict';
import { downloadVerdict, packFit, wasmHeapEstimate, type AdapterFacts } from './variantFit';
import type { PackManifest, PackVariant } from './manifest';
import { sampleManifest } from '../../tests/helpers/manifestTestData';

const GB = 2 ** 30;
function pack(variant: PackVariant | undefined, graphBytes = 0.5 * GB, inputSize = 1008): PackManifest {
  const m = structuredClone(sampleManifest()) as PackManifest;
  m.graphs.vision.file.size = graphBytes;
  m.inputSize = inputSize;
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
const q = (precision: 'q4f16' | 'q8f16'): PackVariant => ({ ...fp16(), precision });
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
  const f = packFit(pack(fp16(), 1.8 * GB), noF16);
  assert.equal(f.runs, 'no');
  assert.match(f.message, /needs about 5.6 GB of WebAssembly memory; a browser tab gets at most 4.3 GB/);
  assert.equal(packFit(pack(undefined, 2.1 * GB), none).runs, 'no');
  assert.match(packFit(pack(undefined, 2.1 * GB), none).message, /over the browser's 2 GB limit for one buffer/);
});

// The full-size variants' weights (tools/export/build_variants.py on the 1008² export, all graphs).
const FULL = { 'fp32-fused': 3.477e9, fp16: 1.74e9, q8f16: 1.024e9, q4f16: 0.617e9 };

test('on WASM the heap a first request needs decides: weights as they sit in the heap plus activations', () => {
  // Calibration: q4f16 at 1008² peaked at 2.31 GB of WebAssembly heap with 0.62 GB of weights.
  assert.ok(Math.abs(wasmHeapEstimate(pack(q('q4f16'), FULL.q4f16)).total - 2.31e9) < 0.01e9);
  // fp32-fused: its 3.48 GB of weights alone leave no room for a first request's activations.
  const fp32Full = downloadVerdict(pack(fp32(), FULL['fp32-fused']), none, 'wasm');
  assert.equal(fp32Full.allowed, false);
  assert.equal(fp32Full.runs, 'no');
  assert.match(fp32Full.message, /WASM was chosen, and on WASM it needs about 5.2 GB of WebAssembly memory/);
  assert.match(fp32Full.message, /a browser tab gets at most 4.3 GB \(wasm32's 4 GiB\)\. Choose a smaller variant/);
  // fp16 is widened to float32 by the CPU kernels: twice its file size in the heap.
  assert.equal(wasmHeapEstimate(pack(fp16(), FULL.fp16)).weights, 2 * (FULL.fp16 + 300));
  assert.equal(downloadVerdict(pack(fp16(), FULL.fp16), none, 'wasm').allowed, false);
  for (const v of ['q8f16', 'q4f16'] as const) {
    const verdict = downloadVerdict(pack(q(v), FULL[v]), none, 'wasm');
    assert.equal(verdict.allowed, true, v);
    assert.equal(verdict.runs, 'wasm', v);
  }
});

test("the activation allowance follows the input's area", () => {
  // 2.8 GB of float32 weights (in two files under the 2 GB buffer limit): too much beside 1008²'s activations, room enough at 504² (a quarter of them).
  const twoFiles = (inputSize: number) => {
    const m = pack(fp32(), 1.4e9, inputSize);
    m.graphs.text.file.size = 1.4e9;
    return m;
  };
  assert.equal(packFit(twoFiles(1008), none).runs, 'no');
  assert.equal(packFit(twoFiles(504), none).runs, 'wasm');
  const small = wasmHeapEstimate(pack(fp32(), 0, 448));
  assert.ok(Math.abs(small.activations - 1.69e9 * (448 / 1008) ** 2) < 1, "the demo pack's 448² input");
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
  assert.equal(downloadVerdict(pack(fp16(), 1.8 * GB), none).allowed, false);
});
