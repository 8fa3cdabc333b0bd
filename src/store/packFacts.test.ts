import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeRevision, sourceOf, statusText } from './packFacts';

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
