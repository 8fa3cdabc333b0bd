import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { InstanceResult, RleMask, SegmentResult } from '../../workers/protocol';
import { decodeCrop, decodeRle, instanceAt, maskToRgba, rleContains, segmentsToRgba } from './maskBitmap';
import { rowSegments } from './rowSegments';
import { maskToRgbaByPixel } from '../../tests/helpers/maskReference';

// 4×3 mask:
// . X X .
// . X X .
// . . . .
const mask: RleMask = { width: 4, height: 3, counts: Uint32Array.from([1, 2, 2, 2, 5]) };

test('decodeRle reads row-major runs starting with a 0-run', () => {
  assert.deepEqual([...decodeRle(mask)], [0, 1, 1, 0, 0, 1, 1, 0, 0, 0, 0, 0]);
});

test('a leading 0-run of length 0 means the first pixel is set', () => {
  const m: RleMask = { width: 3, height: 1, counts: Uint32Array.from([0, 2, 1]) };
  assert.deepEqual([...decodeRle(m)], [1, 1, 0]);
});

test('runs past the end are clipped and short counts leave the rest empty', () => {
  assert.deepEqual([...decodeRle({ width: 2, height: 1, counts: Uint32Array.from([1, 9]) })], [0, 1]);
  assert.deepEqual([...decodeRle({ width: 3, height: 1, counts: Uint32Array.from([1]) })], [0, 0, 0]);
});

test('rleContains agrees with decodeRle everywhere', () => {
  const bits = decodeRle(mask);
  for (let y = 0; y < 3; y++) for (let x = 0; x < 4; x++) assert.equal(rleContains(mask, x, y), bits[y * 4 + x] === 1);
  assert.equal(rleContains(mask, -1, 0), false);
  assert.equal(rleContains(mask, 4, 0), false);
});

test('maskToRgba paints fill inside, outline on the boundary, nothing outside', () => {
  // 5×5 with a 3×3 block in the middle: only the centre pixel is interior.
  const block: RleMask = { width: 5, height: 5, counts: Uint32Array.from([6, 3, 2, 3, 2, 3, 6]) };
  const px = maskToRgba(block, {
    fill: [10, 20, 30],
    outline: [1, 2, 3],
    fillAlpha: 100,
    outlineAlpha: 200,
    outline1px: true,
  });
  const at = (x: number, y: number) => [...px.data.slice((y * 5 + x) * 4, (y * 5 + x) * 4 + 4)];
  assert.deepEqual(at(2, 2), [10, 20, 30, 100]);
  assert.deepEqual(at(1, 1), [1, 2, 3, 200]);
  assert.deepEqual(at(0, 0), [0, 0, 0, 0]);
});

test('a cropped mask decodes into its frame at its box; contains agrees', () => {
  // 6×4 frame, crop (2,1)–(5,3) holding . X X / X X .
  const m: RleMask = { width: 6, height: 4, box: [2, 1, 5, 3], counts: Uint32Array.from([1, 4, 1]) };
  assert.deepEqual([...decodeCrop(m)], [0, 1, 1, 1, 1, 0]);
  const frame = decodeRle(m);
  assert.deepEqual([...frame], [0, 0, 0, 0, 0, 0, /**/ 0, 0, 0, 1, 1, 0, /**/ 0, 0, 1, 1, 0, 0, /**/ 0, 0, 0, 0, 0, 0]);
  for (let y = 0; y < 4; y++) for (let x = 0; x < 6; x++) assert.equal(rleContains(m, x, y), frame[y * 6 + x] === 1);
  const px = maskToRgba(m, {
    fill: [9, 9, 9],
    outline: [1, 1, 1],
    fillAlpha: 100,
    outlineAlpha: 200,
    outline1px: true,
  });
  assert.equal(px.width, 3);
  assert.equal(px.height, 2);
});

test('instanceAt: the last instance drawn at a pixel wins; none outside every mask', () => {
  const inst = (id: number, box: [number, number, number, number]): InstanceResult => ({
    instanceId: id,
    conceptId: 'c',
    conceptIndex: 0,
    query: 0,
    score: 1,
    presence: 1,
    boxXyxyPx: box,
    areaPx: 1,
    mask: { width: 3, height: 1, box, counts: Uint32Array.from([0, (box[2] - box[0]) * (box[3] - box[1])]) },
    source: 'concept',
  });
  const result = { instances: [inst(1, [0, 0, 2, 1]), inst(2, [1, 0, 3, 1])] } as unknown as SegmentResult;
  assert.deepEqual(
    [0, 1, 2].map((x) => instanceAt(result, x + 0.5, 0.5)),
    [1, 2, 2],
  );
  assert.equal(instanceAt(result, 1, 3), 0);
});

test('maskToRgba (by runs) equals the per-pixel definition on random masks: blobs, noise, wrapping and empty runs', () => {
  let seed = 7;
  const rand = () => (seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32;
  const style = { fill: [10, 20, 30] as [number, number, number], outline: [1, 2, 3] as [number, number, number] };
  for (let trial = 0; trial < 300; trial++) {
    const w = 1 + Math.floor(rand() * 40);
    const h = 1 + Math.floor(rand() * 30);
    // Run lengths from tiny (noise, runs that wrap rows) to long (blobs); zero-length runs now and then.
    const counts: number[] = [];
    let total = 0;
    while (total < w * h) {
      const n = rand() < 0.05 ? 0 : 1 + Math.floor(rand() * (trial % 2 ? 3 : 2 * w));
      counts.push(n);
      total += n;
    }
    const box: [number, number, number, number] = [3, 2, 3 + w, 2 + h];
    const m: RleMask = { width: w + 6, height: h + 4, box, counts: Uint32Array.from(counts) };
    for (const outline1px of [true, false]) {
      const s = { ...style, fillAlpha: 100, outlineAlpha: 200, outline1px };
      const got = maskToRgba(m, s);
      assert.equal(got.width, w);
      assert.equal(got.height, h);
      const want = maskToRgbaByPixel(m, s);
      assert.deepEqual(got.data, want.data, `trial ${trial} (${w}×${h}, outline ${outline1px})`);
      // A larger region (the crop plus a margin): the same pixels, placed at the crop's offset, nothing around.
      const framed = segmentsToRgba(
        rowSegments(m.counts, m.width, box).runs,
        s,
        [box[0] - 2, box[1] - 1, box[2] + 3, box[3] + 2],
        box[3],
      );
      assert.equal(framed.width, w + 5);
      assert.equal(framed.height, h + 3);
      const placed = new Uint8ClampedArray(framed.data.length);
      for (let y = 0; y < h; y++)
        placed.set(want.data.subarray(y * w * 4, (y + 1) * w * 4), ((y + 1) * (w + 5) + 2) * 4);
      assert.deepEqual(framed.data, placed, `trial ${trial}, framed`);
    }
  }
});
