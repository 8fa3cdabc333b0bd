import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { BatchAnnotation } from '../../workers/batch/types';
import { annotationAt, overlayPixels } from './reviewCanvas';

// A 3×2 set block at x 4..6, y 2..3 of a 10×6 display frame, stored as the engine stores it: cropped to its box.
const cropped = {
  key: 'a',
  category: 'red',
  rejected: false,
  displayMask: { width: 10, height: 6, box: [4, 2, 7, 4], counts: [0, 6] },
} as unknown as BatchAnnotation;
const alphaAt = (px: Uint8ClampedArray, x: number, y: number) => px[(y * 10 + x) * 4 + 3];

test('review overlay: a cropped mask is tinted at its place in the frame, and nowhere else', () => {
  const px = overlayPixels([cropped], ['red'], 10, 6, null, null);
  let tinted = 0;
  for (let y = 0; y < 6; y++) for (let x = 0; x < 10; x++) if (alphaAt(px, x, y) > 0) tinted++;
  assert.equal(tinted, 6);
  assert.ok(alphaAt(px, 4, 2) > 0 && alphaAt(px, 6, 3) > 0);
  assert.equal(alphaAt(px, 0, 0), 0);
  assert.equal(alphaAt(px, 7, 2), 0);
  // Selected: drawn stronger.
  assert.ok(alphaAt(overlayPixels([cropped], ['red'], 10, 6, 'a', null), 5, 2) > alphaAt(px, 5, 2));
});

test('review hit test: the cropped mask is found under its own pixels only', () => {
  assert.equal(annotationAt([cropped], 5, 3)?.key, 'a');
  assert.equal(annotationAt([cropped], 3, 3), null);
  assert.equal(annotationAt([{ ...cropped, rejected: true }], 5, 3), null);
});
