import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { maskArea, maskBoundingBox, upsampleMaskLogits } from './masks';
import { rasterizeMask, segmentsToCropBits, segmentsToCropRle, type MaskSegments } from './maskRaster';
import { decodeRowMajorRle } from './rle';

/** Deterministic pseudo-random numbers (mulberry32). */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Full-frame 0/1 image from segments. */
function paint(m: MaskSegments): Uint8Array {
  const out = new Uint8Array(m.width * m.height);
  for (let k = 0; k < m.count; k++) {
    const y = m.segments[k * 3];
    out.fill(1, y * m.width + m.segments[k * 3 + 1], y * m.width + m.segments[k * 3 + 2]);
  }
  return out;
}

/** Blobs of positive logits on a negative background, plus noise, exact zeros and exact-threshold samples. */
function blobs(mh: number, mw: number, seed: number, threshold: number): Float32Array {
  const r = rng(seed);
  const out = new Float32Array(mh * mw).fill(threshold - 4);
  const n = 1 + Math.floor(r() * 4);
  for (let b = 0; b < n; b++) {
    const cx = r() * mw;
    const cy = r() * mh;
    const rad = 1 + r() * Math.max(mh, mw) * 0.3;
    for (let y = 0; y < mh; y++)
      for (let x = 0; x < mw; x++) {
        const d = Math.hypot(x - cx, y - cy);
        out[y * mw + x] = Math.max(out[y * mw + x], threshold + (rad - d) * (0.5 + r()));
      }
  }
  for (let i = 0; i < out.length; i++) {
    const u = r();
    if (u < 0.03) out[i] = threshold;
    else if (u < 0.05) out[i] = threshold + (r() - 0.5) * 1e-6;
  }
  return out;
}

function assertSame(logits: Float32Array, mh: number, mw: number, outW: number, outH: number, t: number): void {
  const reference = upsampleMaskLogits(logits, 0, mh, mw, outW, outH, t);
  const m = rasterizeMask(logits, 0, mh, mw, outW, outH, t);
  const got = paint(m);
  for (let i = 0; i < reference.length; i++) {
    if (got[i] !== reference[i]) {
      assert.fail(`pixel (${i % outW}, ${Math.floor(i / outW)}) differs: ${got[i]} vs reference ${reference[i]}`);
    }
  }
  assert.equal(m.area, maskArea(reference));
  assert.deepEqual(m.box, maskBoundingBox(reference, outW, outH));
}

describe('rasterizeMask: the reference upsampling without the full image', () => {
  test('pixel for pixel equal to upsampleMaskLogits, logits and probabilities, up and down', () => {
    const sizes: [number, number, number, number][] = [
      [16, 16, 100, 60],
      [16, 12, 37, 211],
      [24, 24, 24, 24],
      [24, 24, 10, 7],
      [9, 13, 1, 1],
      [1, 1, 5, 3],
      [32, 32, 500, 333],
    ];
    let seed = 1;
    for (const [mh, mw, outW, outH] of sizes) {
      for (const t of [0, 0.5]) {
        for (let k = 0; k < 4; k++) assertSame(blobs(mh, mw, seed++, t), mh, mw, outW, outH, t);
      }
    }
  });

  test('all samples equal to the threshold, all zero, all positive, and a single set sample', () => {
    assertSame(new Float32Array(64).fill(0.5), 8, 8, 50, 40, 0.5);
    assertSame(new Float32Array(64), 8, 8, 50, 40, 0);
    assertSame(new Float32Array(64).fill(3), 8, 8, 50, 40, 0);
    const one = new Float32Array(64).fill(-1);
    one[27] = 2;
    assertSame(one, 8, 8, 64, 64, 0);
    assertSame(one, 8, 8, 3, 3, 0);
  });

  test('an empty mask has no segments and no box', () => {
    const m = rasterizeMask(new Float32Array(16).fill(-2), 0, 4, 4, 40, 40, 0);
    assert.equal(m.count, 0);
    assert.equal(m.area, 0);
    assert.equal(m.box, null);
  });

  test('crop RLE and crop bits describe the same pixels as the segments', () => {
    const logits = blobs(20, 20, 99, 0);
    const m = rasterizeMask(logits, 0, 20, 20, 123, 77, 0);
    assert.ok(m.box);
    const [x0, y0, x1, y1] = m.box;
    const rle = segmentsToCropRle(m, m.box);
    const bits = segmentsToCropBits(m, m.box);
    assert.deepEqual(decodeRowMajorRle(rle, x1 - x0, y1 - y0), bits);
    const full = paint(m);
    for (let y = 0; y < 77; y++)
      for (let x = 0; x < 123; x++) {
        const inside = x >= x0 && x < x1 && y >= y0 && y < y1;
        assert.equal(full[y * 123 + x], inside ? bits[(y - y0) * (x1 - x0) + (x - x0)] : 0);
      }
  });

  test('offsets into a batch of masks', () => {
    const a = blobs(10, 10, 5, 0);
    const b = blobs(10, 10, 6, 0);
    const batch = new Float32Array(200);
    batch.set(a, 0);
    batch.set(b, 100);
    const m = rasterizeMask(batch, 100, 10, 10, 33, 33, 0);
    assert.deepEqual(paint(m), upsampleMaskLogits(b, 0, 10, 10, 33, 33, 0));
  });
});
