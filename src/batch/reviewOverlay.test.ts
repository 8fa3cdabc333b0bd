import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { BatchAnnotation } from '../../workers/batch/types';
import { annotationAt, reviewMasks } from './reviewOverlay';

// A 3×2 set block at x 4..6, y 2..3 of a 10×6 display frame, stored as the engine stores it: cropped to its box.
const cropped = {
  key: 'a',
  category: 'red',
  rejected: false,
  displayMask: { width: 10, height: 6, box: [4, 2, 7, 4], counts: [0, 6] },
} as unknown as BatchAnnotation;
const other = {
  ...cropped,
  key: 'b',
  category: 'blue',
  displayMask: { width: 10, height: 6, box: [0, 0, 2, 2], counts: [0, 4] },
} as unknown as BatchAnnotation;

test('review masks: live annotations in order, the selected one last and stronger, rejected ones and other sizes left out', () => {
  const plain = reviewMasks([cropped, other], ['red', 'blue'], 10, 6, null, null);
  assert.deepEqual(
    plain.map((m) => m.mask.box),
    [
      [4, 2, 7, 4],
      [0, 0, 2, 2],
    ],
  );
  assert.notDeepEqual(plain[0].style.fill, plain[1].style.fill, 'each phrase its own colour');
  const selected = reviewMasks([cropped, other], ['red', 'blue'], 10, 6, 'a', null);
  assert.equal(selected.at(-1)!.mask, cropped.displayMask);
  assert.ok(selected.at(-1)!.style.fillAlpha > plain[0].style.fillAlpha);
  assert.equal(reviewMasks([{ ...cropped, rejected: true }], ['red'], 10, 6, null, null).length, 0);
  assert.equal(reviewMasks([cropped], ['red'], 20, 12, null, null).length, 0);
  // The same mask has the same identity (its bitmaps are painted once); a fix preview is drawn on top in white.
  const withPreview = reviewMasks([cropped], ['red'], 10, 6, null, { ...cropped, key: 'fix' });
  assert.equal(withPreview[0].maskId, withPreview[1].maskId);
  assert.deepEqual(withPreview[1].style.fill, [255, 255, 255]);
});

test('review hit test: the cropped mask is found under its own pixels only', () => {
  assert.equal(annotationAt([cropped], 5, 3)?.key, 'a');
  assert.equal(annotationAt([cropped], 3, 3), null);
  assert.equal(annotationAt([{ ...cropped, rejected: true }], 5, 3), null);
});
