import { test } from 'node:test';
import assert from 'node:assert/strict';
import { boxIou, clipXyxy, cxcywhToXyxy, packExemplarBoxes, xyxyNormToPx, xyxyPxToCxcywhNorm } from './boxes';

test('xyxyPxToCxcywhNorm: centre and size over W, H', () => {
  // Box (100, 50)–(300, 250) in 400×500: centre (200, 150) → (0.5, 0.3); size 200×200 → (0.5, 0.4).
  assert.deepEqual(xyxyPxToCxcywhNorm([100, 50, 300, 250], 400, 500), [0.5, 0.3, 0.5, 0.4]);
});

test('xyxyPxToCxcywhNorm orders corners and clips to the image', () => {
  // Corners swapped and extending past the 200×100 image: becomes (0, 20)–(200, 100) → centre (100, 60), 200×80.
  assert.deepEqual(xyxyPxToCxcywhNorm([250, 100, -10, 20], 200, 100), [0.5, 0.6, 1, 0.8]);
});

test('cxcywhToXyxy', () => {
  assert.deepEqual(cxcywhToXyxy([0.5, 0.25, 0.5, 0.5]), [0.25, 0, 0.75, 0.5]);
});

test('xyxyNormToPx scales by (W, H) and clips', () => {
  assert.deepEqual(xyxyNormToPx([0.25, 0.5, 0.75, 1], 640, 480), [160, 240, 480, 480]);
  assert.deepEqual(xyxyNormToPx([-0.1, -0.5, 1.25, 0.5], 100, 10), [0, 0, 100, 5]);
});

test('clipXyxy', () => {
  assert.deepEqual(clipXyxy([-5, 3, 120, 60], 100, 50), [0, 3, 100, 50]);
});

test('boxIou', () => {
  // [0,0,2,2] vs [1,1,3,3]: intersection 1, union 4 + 4 − 1 = 7.
  assert.equal(boxIou([0, 0, 2, 2], [1, 1, 3, 3]), 1 / 7);
  assert.equal(boxIou([0, 0, 2, 2], [0, 0, 2, 2]), 1);
  assert.equal(boxIou([0, 0, 1, 1], [1, 0, 2, 1]), 0); // touching edges
  assert.equal(boxIou([0, 0, 4, 4], [1, 1, 2, 2]), 1 / 16); // contained
  assert.equal(boxIou([0, 0, 0, 0], [0, 0, 0, 0]), 0); // empty union
});

test('packExemplarBoxes: [1, N, 4] cxcywh normalized with labels 1 / 0', () => {
  const r = packExemplarBoxes(
    [
      { xyxyPx: [0, 0, 100, 50], positive: true },
      { xyxyPx: [50, 25, 150, 75], positive: false },
    ],
    200,
    100,
    -10,
  );
  assert.equal(r.count, 2);
  // Box 1: centre (50, 25) → (0.25, 0.25), size (100, 50) → (0.5, 0.5).
  // Box 2: centre (100, 50) → (0.5, 0.5), size (100, 50) → (0.5, 0.5).
  assert.deepEqual(Array.from(r.boxes), [0.25, 0.25, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5]);
  assert.deepEqual(Array.from(r.labels), [1n, 0n]);
});

test('packExemplarBoxes with no boxes: one zero slot labelled padLabel', () => {
  const r = packExemplarBoxes([], 640, 480, -10);
  assert.equal(r.count, 1);
  assert.deepEqual(Array.from(r.boxes), [0, 0, 0, 0]);
  assert.deepEqual(Array.from(r.labels), [-10n]);
});
