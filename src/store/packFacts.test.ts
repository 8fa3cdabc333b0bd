import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeRevision, sourceOf, statusText, variantFacts } from './packFacts';
import type { RuntimeInfo } from '../../workers/protocol';
import { CATALOGUE } from '../../workers/packs/catalogue';

test('revisions: a commit pins, a branch or a release tag does not', () => {
  const full =
    'https://huggingface.co/onnx-community/sam3-tracker-ONNX/resolve/429305c8a5b3de597243d919a07e4e6bdcd00ef7/onnx/x.onnx';
  assert.deepEqual(sourceOf(full), {
    repo: 'onnx-community/sam3-tracker-ONNX',
    host: 'huggingface',
    revision: '429305c8a5b3de597243d919a07e4e6bdcd00ef7',
    kind: 'commit',
    pinned: true,
  });
  assert.equal(sourceOf('https://huggingface.co/a/b/resolve/fe8f8e1/t.onnx')?.kind, 'short commit');
  const branch = sourceOf('https://huggingface.co/a/b/resolve/main/t.onnx')!;
  assert.equal(branch.pinned, false);
  assert.match(describeRevision(branch), /^a\/b @ main \(branch: unpinned/);
  const tag = sourceOf('https://github.com/jamjamjon/assets/releases/download/sam3/x.onnx')!;
  assert.deepEqual([tag.kind, tag.pinned], ['release tag', false]);
  assert.equal(sourceOf('https://example.org/x.onnx'), null);
});

test('download states: a file with nothing on record is never shown as verifying or plainly done', () => {
  assert.match(statusText('verifying', 'none'), /unverified/);
  assert.match(statusText('done', 'none'), /unverified/);
  assert.match(statusText('done', 'size'), /size checked, no SHA-256/);
  assert.equal(statusText('done', 'sha256'), 'done');
  assert.equal(statusText('progress', 'none'), 'progress');
});

test('catalogue: precision and GPU needs against this adapter, and a refusal before any download', () => {
  const q4f16 = CATALOGUE[0].manifest!;
  const gpu = (shaderF16: boolean): RuntimeInfo => ({
    webgpu: { available: true, reason: '', shaderF16, maxBufferSize: 2 ** 30, maxStorageBufferBindingSize: 2 ** 30 },
    wasm: { threads: 4, crossOriginIsolated: true },
  });
  const fits = variantFacts(q4f16, gpu(true));
  assert.equal(fits.precision, 'q4f16');
  assert.match(fits.needs, /needs shader-f16 · buffer needs not on record/);
  assert.equal(fits.runs, 'webgpu');
  assert.equal(fits.allowed, true);

  const lacks = variantFacts(q4f16, gpu(false));
  assert.equal(lacks.allowed, false);
  assert.match(lacks.fit, /this GPU cannot run it: it computes in float16 and the adapter lacks shader-f16/);
  assert.match(lacks.fit, /choose WASM \(open the app with \?ep=wasm\)/);
  assert.equal(variantFacts(q4f16, gpu(false), 'wasm').allowed, true);

  const noGpu = variantFacts(q4f16, { ...gpu(false), webgpu: { available: false, reason: 'none', shaderF16: false } });
  assert.equal(noGpu.runs, 'wasm');
  assert.equal(noGpu.allowed, true);
  assert.equal(variantFacts(q4f16, null).runs, 'unknown');
});
