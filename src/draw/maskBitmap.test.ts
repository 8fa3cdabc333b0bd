import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { InstanceResult, RleMask, SegmentResult } from '../../workers/protocol';
import { decodeCrop, decodeRle, instanceAt, maskIdentity, rleContains } from './maskBitmap';

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

test('a cropped mask decodes into its frame at its box; contains agrees', () => {
  // 6×4 frame, crop (2,1)–(5,3) holding . X X / X X .
  const m: RleMask = { width: 6, height: 4, box: [2, 1, 5, 3], counts: Uint32Array.from([1, 4, 1]) };
  assert.deepEqual([...decodeCrop(m)], [0, 1, 1, 1, 1, 0]);
  const frame = decodeRle(m);
  assert.deepEqual([...frame], [0, 0, 0, 0, 0, 0, /**/ 0, 0, 0, 1, 1, 0, /**/ 0, 0, 1, 1, 0, 0, /**/ 0, 0, 0, 0, 0, 0]);
  for (let y = 0; y < 4; y++) for (let x = 0; x < 6; x++) assert.equal(rleContains(m, x, y), frame[y * 6 + x] === 1);
});

test('maskIdentity: equal masks share an identity; another crop, frame or run gives another', () => {
  const m: RleMask = { width: 6, height: 4, box: [2, 1, 5, 3], counts: Uint32Array.from([1, 4, 1]) };
  assert.equal(maskIdentity(m), maskIdentity({ ...m, counts: Uint32Array.from([1, 4, 1]) }));
  const others: RleMask[] = [
    { ...m, box: [1, 1, 4, 3] },
    { ...m, width: 7 },
    { ...m, counts: Uint32Array.from([2, 3, 1]) },
  ];
  for (const o of others) assert.notEqual(maskIdentity(o), maskIdentity(m));
  assert.match(maskIdentity(m, 'review'), /^review:/);
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
