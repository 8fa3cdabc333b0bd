import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FrameStore, STORE_BUDGET_BYTES } from './frameStore';
import { cocoCountsToString, cocoStringToCounts, packCounts, rowMajorToCocoCounts, unpackCounts } from './rleCodec';
import type { CompactFrame } from '../videoModel';
import { ellipseCounts } from '../../../tests/helpers/syntheticMasks';

function bitmapOf(counts: ArrayLike<number>, n: number): Uint8Array {
  const m = new Uint8Array(n);
  let p = 0;
  for (let i = 0; i < counts.length; i++) {
    if (i % 2 === 1) m.fill(1, p, p + counts[i]);
    p += counts[i];
  }
  return m;
}

test('packed counts round-trip, including large and shrinking runs', () => {
  for (const counts of [[0], [5, 3, 1_000_000, 2], [0, 2_073_600], [3, 1, 0, 7, 200, 1, 1]]) {
    assert.deepEqual([...unpackCounts(packCounts(counts))], counts);
  }
  const ellipse = ellipseCounts(1920, 1080, 900, 500, 150, 100);
  const packed = packCounts(ellipse);
  assert.deepEqual([...unpackCounts(packed)], ellipse);
  assert.ok(packed.length < ellipse.length * 1.5, `${packed.length} bytes for ${ellipse.length} counts`);
});

test('row-major → column-major (pycocotools order) equals transposing the bitmap', () => {
  const w = 23;
  const h = 17;
  const counts = ellipseCounts(w, h, 11, 8, 7, 5);
  const bits = bitmapOf(counts, w * h);
  const expected: number[] = [];
  let value = 0;
  let length = 0;
  for (let x = 0; x < w; x++)
    for (let y = 0; y < h; y++) {
      if (bits[y * w + x] !== value) {
        expected.push(length);
        value = bits[y * w + x];
        length = 0;
      }
      length++;
    }
  expected.push(length);
  const coco = rowMajorToCocoCounts(counts, w, h);
  assert.deepEqual(coco, expected);
  assert.deepEqual(cocoStringToCounts(cocoCountsToString(coco)), coco);
  assert.deepEqual(rowMajorToCocoCounts([w * h], w, h), [w * h], 'empty mask');
});

function frameWith(i: number, objects: { id: number; counts: number[] }[], w = 40, h = 30): CompactFrame {
  return {
    frameIndex: i,
    timestampMs: i * 33.3,
    width: w,
    height: h,
    displayWidth: w,
    displayHeight: h,
    detectorRan: true,
    objects: objects.map((o) => ({
      id: o.id,
      conceptId: 'red',
      conceptIndex: 0,
      score: 0.8,
      boxXyxyPx: [1, 2, 3, 4],
      areaPx: 10,
      mask: { width: w, height: h, counts: Uint32Array.from(o.counts) },
    })),
  };
}

test("an edit replaces only the edited objects' masks on a frame, and putting the previous ones back restores it", () => {
  const store = new FrameStore(3);
  const red = ellipseCounts(40, 30, 10, 10, 6, 4);
  const blue = ellipseCounts(40, 30, 30, 20, 5, 5);
  const moved = ellipseCounts(40, 30, 25, 18, 5, 5);
  store.set(
    frameWith(1, [
      { id: 1, counts: red },
      { id: 2, counts: blue },
    ]),
  );
  const edit = frameWith(1, [
    { id: 2, counts: moved },
    { id: 3, counts: blue },
  ]);
  // Object 2 re-run with a new mask, new object 3 born; object 1 untouched.
  const previous = store.replaceObjects(edit, [2, 3], edit.objects);
  assert.deepEqual(
    previous.map((o) => o.id),
    [2],
  );
  assert.deepEqual(store.idsOn(1), [1, 2, 3]);
  const f = store.get(1)!;
  assert.deepEqual([...f.objects[0].mask.counts], red);
  assert.deepEqual([...f.objects[1].mask.counts], moved);
  // An edit result without an updated object: that object has no mask there any more.
  store.replaceObjects(edit, [1], []);
  assert.deepEqual(store.idsOn(1), [2, 3]);
  // A frame not stored yet takes the result's frame fields.
  store.replaceObjects(frameWith(2, []), [3], frameWith(2, [{ id: 3, counts: blue }]).objects);
  assert.deepEqual(store.idsOn(2), [3]);
  // Undo: the previous objects of the edited IDs go back.
  store.replaceObjects(edit, [2, 3], previous);
  assert.deepEqual(store.idsOn(1), [2]);
  assert.deepEqual([...store.get(1)!.objects[0].mask.counts], blue);
  assert.deepEqual(
    [...store.headers()].map((h) => [h.frameIndex, h.objects.map((o) => o.id)]),
    [
      [1, [2]],
      [2, [3]],
    ],
  );
});

test('the store gives frames back as they went in; re-run clears the tail', () => {
  const store = new FrameStore(5);
  for (let i = 0; i < 5; i++)
    store.set(
      frameWith(i, [
        { id: 1, counts: ellipseCounts(40, 30, 10 + i, 10, 6, 4) },
        { id: 2, counts: ellipseCounts(40, 30, 30, 20, 5, 5) },
      ]),
    );
  assert.equal(store.size, 5);
  const f3 = store.get(3)!;
  assert.deepEqual([...f3.objects[0].mask.counts], ellipseCounts(40, 30, 13, 10, 6, 4));
  assert.deepEqual(f3.objects[1].boxXyxyPx, [1, 2, 3, 4]);
  store.clearFrom(2);
  assert.equal(store.size, 2);
  assert.equal(store.get(2), undefined);
  assert.deepEqual(
    [...store.each()].map((f) => f.frameIndex),
    [0, 1],
  );
});

test(`budget: 10 minutes of 1080p at 30 fps with 10 moving objects stays under ${STORE_BUDGET_BYTES / 2 ** 20} MB`, () => {
  const frames = 10 * 60 * 30;
  const store = new FrameStore(frames);
  const w = 1920;
  const h = 1080;
  // Ten objects of about 1/40 of the frame each (≈ 300×180 px ellipses), moving.
  for (let i = 0; i < frames; i++) {
    const objects = Array.from({ length: 10 }, (_, k) => ({
      id: k + 1,
      counts: ellipseCounts(w, h, 160 + ((k * 170 + i * 2) % 1600), 120 + (k % 4) * 250, 150, 90),
    }));
    const f = frameWith(i, objects, w, h);
    store.set(f);
  }
  const bytes = store.bytes();
  console.log(`store: ${frames} frames × 10 objects at 1920×1080 = ${(bytes / 2 ** 20).toFixed(1)} MB (estimate)`);
  assert.ok(bytes < STORE_BUDGET_BYTES, `${bytes} bytes`);
});
