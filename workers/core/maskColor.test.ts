import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { RgbaImage } from '../protocol/api';
import type { RleMask } from '../protocol/results';
import { meanUnderMask } from './maskColor';

/** A 20×10 image: left half red, right half blue. */
function halves(): RgbaImage {
  const data = new Uint8ClampedArray(20 * 10 * 4);
  for (let y = 0; y < 10; y++)
    for (let x = 0; x < 20; x++) data.set(x < 10 ? [220, 30, 30, 255] : [30, 60, 220, 255], (y * 20 + x) * 4);
  return { width: 20, height: 10, data };
}

/** A cropped mask over `box` of a width × height frame, set everywhere in the crop. */
const full = (width: number, height: number, box: [number, number, number, number]): RleMask => ({
  width,
  height,
  box,
  counts: Uint32Array.from([0, (box[2] - box[0]) * (box[3] - box[1])]),
});

test('the mean colour under a mask is the colour of the object it covers', () => {
  assert.deepEqual(meanUnderMask(halves(), full(20, 10, [2, 2, 8, 8])), [220, 30, 30]);
  assert.deepEqual(meanUnderMask(halves(), full(20, 10, [12, 1, 19, 9])), [30, 60, 220]);
  // Half over each: the mean of the two.
  assert.deepEqual(meanUnderMask(halves(), full(20, 10, [5, 0, 15, 10])), [125, 45, 125]);
});

test('a mask frame of another size than the pixels maps through the scale; an empty mask has no colour', () => {
  assert.deepEqual(meanUnderMask(halves(), full(10, 5, [6, 0, 10, 5])), [30, 60, 220]);
  assert.equal(
    meanUnderMask(halves(), { width: 20, height: 10, box: [0, 0, 0, 0], counts: Uint32Array.from([0]) }),
    null,
  );
  assert.equal(
    meanUnderMask(halves(), { width: 20, height: 10, box: [0, 0, 4, 4], counts: Uint32Array.from([16]) }),
    null,
  );
});
