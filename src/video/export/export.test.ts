import { test } from 'node:test';
import assert from 'node:assert/strict';
import { exportCandidates } from './annotatedVideo';
import { buildYtvisResults } from './ytvis';
import { cocoStringToCounts } from '../results/rleCodec';
import type { CompactFrame } from '../videoModel';

test('annotated video: the input codec family in its container where it fits, else WebM/VP9', () => {
  assert.deepEqual(exportCandidates('avc', 'mp4'), [
    { container: 'mp4', codec: 'avc' },
    { container: 'webm', codec: 'vp9' },
  ]);
  assert.deepEqual(exportCandidates('avc', 'mov')[0], { container: 'mov', codec: 'avc' });
  assert.deepEqual(exportCandidates('avc', 'webm')[0], { container: 'mp4', codec: 'avc' });
  assert.deepEqual(exportCandidates('vp8', 'webm'), [
    { container: 'webm', codec: 'vp8' },
    { container: 'webm', codec: 'vp9' },
  ]);
  assert.deepEqual(exportCandidates('vp9', 'mkv')[0], { container: 'mkv', codec: 'vp9' });
  assert.deepEqual(exportCandidates('hevc', 'mp4'), [
    { container: 'mp4', codec: 'hevc' },
    { container: 'webm', codec: 'vp9' },
  ]);
  assert.deepEqual(exportCandidates('prores', 'mov'), [{ container: 'webm', codec: 'vp9' }]);
});

test('YouTube-VIS results: one entry per track, one slot per frame (RLE or null), categories by phrase or new name', () => {
  const w = 4;
  const h = 3;
  const frame = (i: number, ids: number[]): CompactFrame => ({
    frameIndex: i,
    timestampMs: i * 100,
    width: w,
    height: h,
    displayWidth: w,
    displayHeight: h,
    detectorRan: true,
    objects: ids.map((id) => ({
      id,
      conceptId: id === 9 ? 'object:9' : 'c1',
      conceptIndex: 0,
      score: id / 10,
      boxXyxyPx: [0, 0, 1, 1],
      areaPx: 1,
      mask: { width: w, height: h, counts: Uint32Array.from([0, 1, 11]) },
    })),
  });
  const out = buildYtvisResults(
    { name: 'v.mp4', width: w, height: h, frameCount: 3 },
    [frame(0, [1]), undefined, frame(2, [1, 2, 9])],
    new Map([['c1', 'red']]),
    { 2: 'cherry' },
  );
  assert.deepEqual(
    out.map((t) => [t.id, t.category_id, t.category_name, t.segmentations.map((s) => s !== null)]),
    [
      [1, 1, 'red', [true, false, true]],
      [2, 2, 'cherry', [false, false, true]],
      [9, 3, 'object', [false, false, true]],
    ],
  );
  assert.equal(out[0].score, 0.1);
  // Pixel (0,0) set: column-major runs start with an empty 0-run, then 1.
  assert.deepEqual(cocoStringToCounts(out[0].segmentations[0]!.counts), [0, 1, 11]);
  assert.deepEqual(out[0].segmentations[0]!.size, [h, w]);
  assert.equal(JSON.stringify(out).includes('scoreSum'), false);
});
