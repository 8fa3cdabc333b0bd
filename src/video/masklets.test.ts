import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildMasklets } from './masklets';
import type { CompactFrame } from './videoModel';

const mask = { width: 2, height: 2, counts: Uint32Array.from([0, 4]) };

function frame(i: number, objects: [number, string][]): CompactFrame {
  return {
    frameIndex: i,
    timestampMs: i * 100,
    width: 20,
    height: 10,
    displayWidth: 2,
    displayHeight: 2,
    detectorRan: true,
    objects: objects.map(([id, conceptId]) => ({
      id,
      conceptId,
      conceptIndex: 0,
      score: 0.912345,
      boxXyxyPx: [2, 3, 12, 8],
      areaPx: 50,
      mask,
      cocoRle: { size: [10, 20], counts: `rle${id}` },
    })),
  };
}

test('masklets: video info, categories per phrase, per frame per ID: xywh box, score, COCO RLE', () => {
  const m = buildMasklets(
    { name: 'clip.webm', width: 20, height: 10, frameCount: 3, fps: 10 },
    [
      frame(0, [[1, 'red']]),
      undefined,
      frame(2, [
        [1, 'red'],
        [2, 'blue'],
      ]),
    ],
    new Map([
      ['red', 'red'],
      ['blue', 'blue'],
    ]),
  );
  assert.deepEqual(m.video, { name: 'clip.webm', width: 20, height: 10, frames: 3, fps: 10 });
  assert.deepEqual(m.categories, [
    { id: 1, name: 'red' },
    { id: 2, name: 'blue' },
  ]);
  assert.deepEqual(
    m.frames.map((f) => [f.frameIndex, f.objects.map((o) => [o.id, o.categoryId])]),
    [
      [0, [[1, 1]]],
      [
        2,
        [
          [1, 1],
          [2, 2],
        ],
      ],
    ],
  );
  const o = m.frames[1].objects[1];
  assert.deepEqual(o.bbox, [2, 3, 10, 5]);
  assert.equal(o.score, 0.9123);
  assert.deepEqual(o.segmentation, { size: [10, 20], counts: 'rle2' });
  // Plain JSON round trip (no typed arrays inside).
  assert.deepEqual(JSON.parse(JSON.stringify(m)), m);
});

test('an unknown concept still gets a category, named by its ID', () => {
  const m = buildMasklets({ name: 'a', width: 1, height: 1, frameCount: 1, fps: 1 }, [frame(0, [[4, 'x']])], new Map());
  assert.deepEqual(m.categories, [{ id: 1, name: 'x' }]);
});
