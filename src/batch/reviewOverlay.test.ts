import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { BatchAnnotation } from '../../workers/batch/types';
import { blendRgb, deltaE } from '../colors';
import { annotationAt, reviewColors, reviewMasks } from './reviewOverlay';

// A 3×2 set block at x 4..6, y 2..3 of a 10×6 display frame, stored as the engine stores it: cropped to its box.
const cropped = {
  key: 'a',
  category: 'red',
  rejected: false,
  underRgb: [220, 30, 30],
  displayMask: { width: 10, height: 6, box: [4, 2, 7, 4], counts: [0, 6] },
} as unknown as BatchAnnotation;
const other = {
  ...cropped,
  key: 'b',
  category: 'blue',
  underRgb: [30, 60, 220],
  displayMask: { width: 10, height: 6, box: [0, 0, 2, 2], counts: [0, 4] },
} as unknown as BatchAnnotation;

test('review masks: live annotations in order, the selected one last and stronger, rejected ones and other sizes left out', () => {
  const colors = reviewColors([cropped, other]);
  const plain = reviewMasks([cropped, other], colors, 10, 6, null, null);
  assert.deepEqual(
    plain.map((m) => m.mask.box),
    [
      [4, 2, 7, 4],
      [0, 0, 2, 2],
    ],
  );
  assert.notDeepEqual(plain[0].style.fill, plain[1].style.fill, 'each annotation its own colour');
  const selected = reviewMasks([cropped, other], colors, 10, 6, 'a', null);
  assert.equal(selected.at(-1)!.mask, cropped.displayMask);
  assert.ok(selected.at(-1)!.style.fillAlpha > plain[0].style.fillAlpha);
  assert.equal(reviewMasks([{ ...cropped, rejected: true }], colors, 10, 6, null, null).length, 0);
  assert.equal(reviewMasks([cropped], colors, 20, 12, null, null).length, 0);
  // The same mask has the same identity (its bitmaps are painted once); a fix preview is drawn on top in white.
  const withPreview = reviewMasks([cropped], colors, 10, 6, null, { ...cropped, key: 'fix' });
  assert.equal(withPreview[0].maskId, withPreview[1].maskId);
  assert.deepEqual(withPreview[1].style.fill, [255, 255, 255]);
});

test('review hit test: the cropped mask is found under its own pixels only', () => {
  assert.equal(annotationAt([cropped], 5, 3)?.key, 'a');
  assert.equal(annotationAt([cropped], 3, 3), null);
  assert.equal(annotationAt([{ ...cropped, rejected: true }], 5, 3), null);
});

test("review colours: the still image's rule — visible against the pixels under the mask, outlined, stable when one is rejected", () => {
  const colors = reviewColors([cropped, other]);
  const [red, blue] = [colors.get('a')!, colors.get('b')!];
  const [m] = reviewMasks([cropped], colors, 10, 6, null, null);
  // A red object labelled "red" changes clearly under its mask (the old phrase tint moved it by ΔE ≈ 8).
  assert.ok(deltaE(blendRgb([220, 30, 30], red.fill, m.style.fillAlpha / 255), [220, 30, 30]) > 25);
  assert.ok(deltaE(blendRgb([30, 60, 220], blue.fill, m.style.fillAlpha / 255), [30, 60, 220]) > 25);
  // An opaque outline on the boundary, in a colour of its own (dark or light against the pixels under it).
  assert.equal(m.style.outline1px, true);
  assert.ok(m.style.outlineAlpha >= 200);
  assert.notDeepEqual(m.style.outline, m.style.fill);
  const afterReject = reviewColors([{ ...cropped, rejected: true }, other]);
  assert.deepEqual(afterReject.get('b'), blue, 'rejecting one does not recolour the others');
});
