import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  cocoCountsToString,
  cocoRleArea,
  cocoStringToCounts,
  decodeCocoRle,
  decodeRowMajorRle,
  encodeCocoRle,
  encodeCocoRleFromCrop,
  encodeColumnMajorRuns,
  encodeRowMajorRle,
} from './rle';

/** Row-major mask from rows of 0/1. */
const fromRows = (rows: number[][]): Uint8Array => new Uint8Array(rows.flat());

// Hand derivations follow pycocotools rleToString: for each count x (x −= counts[i−2] when i > 2):
//   repeat { c = x & 31; x >>= 5 (arithmetic); more = (c & 16) ? x != −1 : x != 0; if more c |= 32; emit c + 48 }.

test('COCO: 2×2 all ones → counts [0, 4] → "04"', () => {
  // 0: c = 0, x = 0, more = false → '0' (48). 4: c = 4 → '4'.
  const r = encodeCocoRle(new Uint8Array([1, 1, 1, 1]), 2, 2);
  assert.deepEqual(r, { size: [2, 2], counts: '04' });
});

test('COCO: 3×3 centre pixel → counts [4, 1, 4] → "414"', () => {
  // Column-major index of (x 1, y 1) = 1·3 + 1 = 4. The third count (i = 2) is not delta-coded.
  const m = fromRows([
    [0, 0, 0],
    [0, 1, 0],
    [0, 0, 0],
  ]);
  assert.deepEqual(encodeColumnMajorRuns(m, 3, 3), new Uint32Array([4, 1, 4]));
  assert.deepEqual(encodeCocoRle(m, 3, 3), { size: [3, 3], counts: '414' });
});

test('COCO: empty 4×4 → counts [16] → "`0"', () => {
  // 16: c = 16, x = 0; c & 16 set so more = (0 != −1) = true → c = 48 → '`' (96); then 0 → '0'.
  assert.deepEqual(encodeCocoRle(new Uint8Array(16), 4, 4), { size: [4, 4], counts: '`0' });
  // 10×10 empty: 100 = 3·32 + 4: c = 4, x = 3, more → 36 + 48 = 'T'; then 3 → '3'.
  assert.deepEqual(encodeCocoRle(new Uint8Array(100), 10, 10), { size: [10, 10], counts: 'T3' });
});

test('COCO: column-major order and negative deltas', () => {
  // w 3, h 2, rows [1 0 0] / [1 1 0]. Column-major: col0 (1, 1), col1 (0, 1), col2 (0, 0) → 1 1 0 1 0 0
  // → counts [0, 2, 1, 1, 2]. i3: 1 − 2 = −1 → c = 31, x = −1, (c & 16) and x == −1 → stop → 'O' (79).
  // i4: 2 − 1 = 1 → '1'. String "021O1".
  const m = fromRows([
    [1, 0, 0],
    [1, 1, 0],
  ]);
  assert.deepEqual(encodeColumnMajorRuns(m, 3, 2), new Uint32Array([0, 2, 1, 1, 2]));
  assert.deepEqual(encodeCocoRle(m, 3, 2), { size: [2, 3], counts: '021O1' });
  // Row-major runs of the same mask: 1 0 0 1 1 0 → [0, 1, 2, 2, 1].
  assert.deepEqual(encodeRowMajorRle(m, 3, 2), new Uint32Array([0, 1, 2, 2, 1]));
});

test('COCO string: multi-character values and a multi-character negative delta', () => {
  // Counts [0, 30, 5, 10]: 30 → c = 30 (bit 16 set, x = 0 ≠ −1 → more) → 62 + 48 = 'n', then '0';
  // i3: 10 − 30 = −20 → c = −20 & 31 = 12, x = −1, (12 & 16) = 0 so more = (x != 0) → 44 + 48 = '\\';
  // then c = 31, x = −1 → stop → 'O'.
  assert.equal(cocoCountsToString([0, 30, 5, 10]), '0n05\\O');
  assert.deepEqual(cocoStringToCounts('0n05\\O'), [0, 30, 5, 10]);
  // Counts [3, 2, 5, 1, 2] (1×13 row 000 11 00000 1 00): deltas −1 → 'O', 2 − 5 = −3 → c = 29 → 'M'.
  const row = new Uint8Array([0, 0, 0, 1, 1, 0, 0, 0, 0, 0, 1, 0, 0]);
  assert.deepEqual(encodeCocoRle(row, 13, 1), { size: [1, 13], counts: '325OM' });
  assert.deepEqual(Array.from(decodeCocoRle({ size: [1, 13], counts: '325OM' })), Array.from(row));
  // Large count: 8000·8000 = 64 000 000 round-trips.
  assert.deepEqual(cocoStringToCounts(cocoCountsToString([64000000])), [64000000]);
  assert.deepEqual(cocoStringToCounts(cocoCountsToString([0, 1, 64000000, 3, 5])), [0, 1, 64000000, 3, 5]);
});

test('COCO decode rejects malformed input', () => {
  assert.throws(() => decodeCocoRle({ size: [2, 2], counts: '03' }), RangeError); // covers 3 of 4
  assert.throws(() => cocoStringToCounts('0 '), RangeError); // space is below '0'
  assert.throws(() => cocoStringToCounts('`'), RangeError); // continuation without a next char
});

test('cocoRleArea sums the 1-runs', () => {
  assert.equal(cocoRleArea({ size: [2, 3], counts: '021O1' }), 3);
  assert.equal(cocoRleArea({ size: [4, 4], counts: '`0' }), 0);
  assert.equal(cocoRleArea({ size: [2, 2], counts: '04' }), 4);
});

test('row-major RLE: hand values and validation', () => {
  assert.deepEqual(encodeRowMajorRle(new Uint8Array([1, 1, 0, 1]), 2, 2), new Uint32Array([0, 2, 1, 1]));
  assert.deepEqual(encodeRowMajorRle(new Uint8Array(6), 3, 2), new Uint32Array([6]));
  assert.deepEqual(encodeRowMajorRle(new Uint8Array([0, 0, 255, 7]), 4, 1), new Uint32Array([2, 2]));
  assert.deepEqual(Array.from(decodeRowMajorRle([0, 2, 1, 1], 2, 2)), [1, 1, 0, 1]);
  assert.throws(() => decodeRowMajorRle([1, 2], 2, 2), RangeError);
  assert.throws(() => decodeRowMajorRle([3, 2], 2, 2), RangeError);
});

function randomMask(w: number, h: number, rand: () => number, density: number): Uint8Array {
  // Blobby masks (runs) rather than salt-and-pepper, plus some isolated pixels.
  const m = new Uint8Array(w * h);
  let on = rand() < density;
  for (let i = 0; i < m.length; i++) {
    if (rand() < 0.15) on = rand() < density;
    m[i] = on ? 1 : 0;
  }
  return m;
}

test('round trips on random masks; column-major runs equal the row-major runs of the transpose', () => {
  let seed = 42;
  const rand = (): number => {
    seed = (seed * 1664525 + 1013904223) % 4294967296;
    return seed / 4294967296;
  };
  const sizes: [number, number][] = [
    [1, 1],
    [7, 5],
    [16, 16],
    [33, 9],
    [3, 40],
    [64, 48],
  ];
  for (const [w, h] of sizes) {
    for (const density of [0, 0.3, 0.7, 1]) {
      const m = randomMask(w, h, rand, density);
      const rowRuns = encodeRowMajorRle(m, w, h);
      assert.deepEqual(decodeRowMajorRle(rowRuns, w, h), m);
      const coco = encodeCocoRle(m, w, h);
      assert.deepEqual(coco.size, [h, w]);
      assert.deepEqual(decodeCocoRle(coco), m);
      const area = m.reduce((a, v) => a + v, 0);
      assert.equal(cocoRleArea(coco), area);
      // Runs alternate and sum to w·h.
      assert.equal(
        rowRuns.reduce((a, v) => a + v, 0),
        w * h,
      );
      // Transpose (h × w image whose row y is column y of m).
      const t = new Uint8Array(w * h);
      for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) t[x * h + y] = m[y * w + x];
      assert.deepEqual(encodeColumnMajorRuns(m, w, h), encodeRowMajorRle(t, h, w));
      assert.deepEqual(cocoStringToCounts(coco.counts), Array.from(encodeColumnMajorRuns(m, w, h)));
    }
  }
});

test('COCO RLE from a crop equals the RLE of the full mask', () => {
  const w = 23;
  const h = 17;
  for (const box of [
    [3, 4, 11, 9],
    [0, 0, 23, 17],
    [22, 16, 23, 17],
    [0, 5, 1, 6],
  ] as [number, number, number, number][]) {
    const [x0, y0, x1, y1] = box;
    const full = new Uint8Array(w * h);
    const crop = new Uint8Array((x1 - x0) * (y1 - y0));
    for (let y = y0; y < y1; y++)
      for (let x = x0; x < x1; x++) {
        const bit = (x * 7 + y * 3) % 5 < 2 ? 1 : 0;
        full[y * w + x] = bit;
        crop[(y - y0) * (x1 - x0) + (x - x0)] = bit;
      }
    assert.deepEqual(encodeCocoRleFromCrop(crop, box, w, h), encodeCocoRle(full, w, h));
  }
  assert.deepEqual(
    encodeCocoRleFromCrop(new Uint8Array(0), [0, 0, 0, 0], w, h),
    encodeCocoRle(new Uint8Array(w * h), w, h),
  );
});
