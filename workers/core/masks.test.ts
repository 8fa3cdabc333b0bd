import { test } from 'node:test';
import assert from 'node:assert/strict';
import { maskArea, maskBoundingBox, maskIou, upsampleMaskLogits, resizeBilinear } from './masks';

const rows = (m: Uint8Array, w: number): number[][] => {
  const out: number[][] = [];
  for (let i = 0; i < m.length; i += w) out.push(Array.from(m.subarray(i, i + w)));
  return out;
};

test('2×2 → 4×4 by hand (logit threshold 0 and probability threshold 0.5)', () => {
  // Source [[-2, 2], [3, -3]]. Sample coordinates for 2 → 4: −0.25 (clamped to 0), 0.25, 0.75, 1.25 (→ last).
  // Horizontal: row0 → [−2, −1, 1, 2], row1 → [3, 1.5, −1.5, −3].
  // Output rows: y0 = row0; y1 = 0.75·row0 + 0.25·row1 = [−0.75, −0.375, 0.375, 0.75];
  //              y2 = 0.25·row0 + 0.75·row1 = [1.75, 0.875, −0.875, −1.75]; y3 = row1.
  const logits = new Float32Array([-2, 2, 3, -3]);
  assert.deepEqual(rows(upsampleMaskLogits(logits, 0, 2, 2, 4, 4, 0), 4), [
    [0, 0, 1, 1],
    [0, 0, 1, 1],
    [1, 1, 0, 0],
    [1, 1, 0, 0],
  ]);
  assert.deepEqual(rows(upsampleMaskLogits(logits, 0, 2, 2, 4, 4, 0.5), 4), [
    [0, 0, 1, 1],
    [0, 0, 0, 1],
    [1, 1, 0, 0],
    [1, 1, 0, 0],
  ]);
});

test('offset selects the mask; non-square output; strict threshold', () => {
  // Buffer holds two 1×2 masks: [9, 9] then [−1, 1]. Second mask to 4×1: [−1, −0.5, 0.5, 1].
  const logits = new Float32Array([9, 9, -1, 1]);
  assert.deepEqual(Array.from(upsampleMaskLogits(logits, 2, 1, 2, 4, 1, 0)), [0, 0, 1, 1]);
  // Exactly at the threshold is not set: 1×1 mask of value 0 → all 0 at threshold 0.
  assert.deepEqual(Array.from(upsampleMaskLogits(new Float32Array([0]), 0, 1, 1, 3, 2, 0)), [0, 0, 0, 0, 0, 0]);
  assert.throws(() => upsampleMaskLogits(logits, 3, 1, 2, 4, 1, 0), RangeError);
});

test('downsampling 4 → 2 averages pairs (coordinates 0.5 and 2.5)', () => {
  // Row [−3, 1, 2, −5] → [(−3 + 1)/2, (2 − 5)/2] = [−1, −1.5]; with threshold −1.2: [1, 0].
  const logits = new Float32Array([-3, 1, 2, -5]);
  assert.deepEqual(Array.from(upsampleMaskLogits(logits, 0, 1, 4, 2, 1, -1.2)), [1, 0]);
});

/** Per-pixel reference straight from the PyTorch formula, in double precision. */
function referenceValue(src: Float32Array, mh: number, mw: number, outW: number, outH: number, x: number, y: number) {
  const coord = (i: number, inSize: number, outSize: number): [number, number, number] => {
    let s = (i + 0.5) * (inSize / outSize) - 0.5;
    if (s < 0) s = 0;
    const i0 = Math.floor(s);
    const i1 = i0 + 1 < inSize ? i0 + 1 : i0;
    return [i0, i1, s - i0];
  };
  const [x0, x1, fx] = coord(x, mw, outW);
  const [y0, y1, fy] = coord(y, mh, outH);
  const v = (yy: number, xx: number): number => src[yy * mw + xx];
  return (1 - fy) * ((1 - fx) * v(y0, x0) + fx * v(y0, x1)) + fy * ((1 - fx) * v(y1, x0) + fx * v(y1, x1));
}

test('matches a per-pixel reference on random masks (up, down, odd sizes, offset)', () => {
  let seed = 987654321;
  const rand = (): number => {
    seed = (seed * 1664525 + 1013904223) % 4294967296;
    return seed / 4294967296;
  };
  const cases: [number, number, number, number, number][] = [
    // mh, mw, outW, outH, threshold
    [12, 12, 50, 37, 0],
    [7, 9, 9, 7, 0],
    [16, 10, 5, 3, 0.5],
    [5, 5, 64, 64, 0.5],
    [3, 11, 100, 2, 0],
  ];
  for (const [mh, mw, outW, outH, threshold] of cases) {
    const pad = 5;
    const buf = new Float32Array(pad + mh * mw);
    for (let i = 0; i < buf.length; i++) buf[i] = threshold + (rand() - 0.5) * 8;
    const got = upsampleMaskLogits(buf, pad, mh, mw, outW, outH, threshold);
    const src = buf.subarray(pad);
    let compared = 0;
    let set = 0;
    for (let y = 0; y < outH; y++) {
      for (let x = 0; x < outW; x++) {
        const v = referenceValue(src, mh, mw, outW, outH, x, y);
        if (Math.abs(v - threshold) < 1e-5) continue;
        assert.equal(got[y * outW + x], v > threshold ? 1 : 0, `case ${mh}×${mw}→${outW}×${outH} at (${x}, ${y})`);
        compared++;
        set += v > threshold ? 1 : 0;
      }
    }
    assert.ok(compared > 0.99 * outW * outH);
    assert.ok(set > 0 && set < compared, 'the random mask is neither empty nor full');
  }
});

test('288 → 1500×1000 upsample completes quickly', () => {
  const logits = new Float32Array(288 * 288).map((_, i) => Math.sin(i / 97));
  const t = performance.now();
  const m = upsampleMaskLogits(logits, 0, 288, 288, 1500, 1000, 0);
  assert.equal(m.length, 1500 * 1000);
  assert.ok(performance.now() - t < 2000);
});

test('maskArea counts non-zero pixels', () => {
  assert.equal(maskArea(new Uint8Array([0, 1, 1, 0, 255, 0])), 3);
  assert.equal(maskArea(new Uint8Array(10)), 0);
});

test('maskBoundingBox uses exclusive right/bottom edges', () => {
  // 5×4 mask with pixels at (1, 1), (3, 2) → x 1..3, y 1..2 → [1, 1, 4, 3].
  const m = new Uint8Array(5 * 4);
  m[1 * 5 + 1] = 1;
  m[2 * 5 + 3] = 1;
  assert.deepEqual(maskBoundingBox(m, 5, 4), [1, 1, 4, 3]);
  const single = new Uint8Array(6 * 7);
  single[5 * 6 + 3] = 1;
  assert.deepEqual(maskBoundingBox(single, 6, 7), [3, 5, 4, 6]);
  assert.deepEqual(maskBoundingBox(new Uint8Array(4).fill(1), 2, 2), [0, 0, 2, 2]);
  assert.equal(maskBoundingBox(new Uint8Array(9), 3, 3), null);
});

test('maskIou', () => {
  const a = new Uint8Array([1, 1, 0, 0]);
  const b = new Uint8Array([0, 1, 1, 0]);
  assert.equal(maskIou(a, b), 1 / 3);
  assert.equal(maskIou(a, a), 1);
  assert.equal(maskIou(new Uint8Array(4), new Uint8Array(4)), 0);
  assert.throws(() => maskIou(a, new Uint8Array(3)), RangeError);
});

test('resizeBilinear keeps the values that upsampleMaskLogits thresholds', () => {
  const src = Float32Array.from({ length: 6 * 5 }, (_, i) => Math.sin(i * 1.7) * 3);
  const f = resizeBilinear(src, 6, 5, 13, 11);
  const b = upsampleMaskLogits(src, 0, 6, 5, 13, 11, 0.25);
  assert.equal(f.length, 13 * 11);
  for (let i = 0; i < f.length; i++) assert.equal(f[i] > 0.25 ? 1 : 0, b[i]);
  // 2×1 → 4×1 half-pixel: [a, a + (b−a)/4, a + 3(b−a)/4, b]
  assert.deepEqual(Array.from(resizeBilinear(Float32Array.of(0, 8), 1, 2, 4, 1)), [0, 2, 6, 8]);
});
