import { test } from 'node:test';
import assert from 'node:assert/strict';
import { antialiasedBilinearWeights, preprocessImage, resizeRgbAntialiased, type RgbaImage } from './resize';
import { normalizeToChw, roundToUint8Levels } from '../../tests/helpers/preprocessReference';

/** Builds an RGBA image from per-pixel [r, g, b] triples (alpha 255). */
function rgba(width: number, height: number, pixels: [number, number, number][]): RgbaImage {
  const data = new Uint8ClampedArray(width * height * 4);
  pixels.forEach(([r, g, b], i) => data.set([r, g, b, 255], i * 4));
  return { width, height, data };
}

function assertClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tol = 1e-4): void {
  assert.equal(actual.length, expected.length);
  for (let i = 0; i < expected.length; i++) {
    assert.ok(Math.abs(actual[i] - expected[i]) <= tol, `index ${i}: ${actual[i]} vs ${expected[i]}`);
  }
}

test('2×2 → 1×1 is the plain average of the four pixels', () => {
  const img = rgba(2, 2, [
    [10, 0, 255],
    [20, 100, 255],
    [30, 50, 0],
    [41, 7, 1],
  ]);
  // (10+20+30+41)/4 = 25.25, (0+100+50+7)/4 = 39.25, (255+255+0+1)/4 = 127.75
  assertClose(resizeRgbAntialiased(img, 1, 1), [25.25, 39.25, 127.75]);
});

test('4×1 → 2×1 uses the widened triangle: weights 3/7,3/7,1/7 and 1/7,3/7,3/7 at the borders', () => {
  // Output 0: centre 1, support 2: inputs 0..3 at distances (j + 0.5 − 1)/2 = −0.25, 0.25, 0.75, 1.25
  // → triangle 0.75, 0.75, 0.25, 0 → /1.75. Output 1 mirrors it. Grey values 0, 70, 140, 210:
  // out0 = (0·3 + 70·3 + 140)/7 = 50, out1 = (70 + 140·3 + 210·3)/7 = 160.
  const img = rgba(4, 1, [
    [0, 0, 0],
    [70, 70, 70],
    [140, 140, 140],
    [210, 210, 210],
  ]);
  assertClose(resizeRgbAntialiased(img, 2, 1), [50, 50, 50, 160, 160, 160]);
});

test('interior weights of a 2× downscale are 1/8, 3/8, 3/8, 1/8 (PIL bilinear)', () => {
  const w = antialiasedBilinearWeights(8, 4);
  // Output 1: centre 3, support 2, window [round(1), round(5)) = [1, 5): distances (j + 0.5 − 3)/2 =
  // −0.75, −0.25, 0.25, 0.75 → triangle 0.25, 0.75, 0.75, 0.25 → /2.
  assert.equal(w.start[1], 1);
  assert.equal(w.count[1], 4);
  assertClose(Array.from(w.weights.subarray(w.taps, w.taps + 4)), [0.125, 0.375, 0.375, 0.125], 1e-12);
});

test('identity when sizes match', () => {
  const pixels: [number, number, number][] = [];
  for (let i = 0; i < 12; i++) pixels.push([i * 20, 255 - i * 7, (i * 37) % 256]);
  const img = rgba(4, 3, pixels);
  assertClose(resizeRgbAntialiased(img, 4, 3), pixels.flat(), 1e-9);
});

test('upscale 2 → 4 is bilinear with half-pixel centres and edge clamping', () => {
  // Output x ∈ {0,1,2,3} samples source coordinate (x + 0.5)/2 − 0.5 = −0.25, 0.25, 0.75, 1.25
  // → clamp → 0, 0.25, 0.75, 1 → values 0, 25, 75, 100 for a [0, 100] row.
  const img = rgba(2, 1, [
    [0, 200, 8],
    [100, 0, 8],
  ]);
  assertClose(resizeRgbAntialiased(img, 4, 1), [0, 200, 8, 25, 150, 8, 75, 50, 8, 100, 0, 8]);
  // Same vertically: a 1×2 column [0; 100] → 1×4.
  const col = rgba(1, 2, [
    [0, 0, 0],
    [100, 100, 100],
  ]);
  assertClose(
    Array.from(resizeRgbAntialiased(col, 1, 4)).filter((_, i) => i % 3 === 0),
    [0, 25, 75, 100],
  );
});

/**
 * Straightforward non-separable reference: every output pixel sums triangle((j + 0.5 − centre)/max(scale, 1))
 * weights over every source pixel and divides by the total weight.
 */
function referenceResize(img: RgbaImage, outW: number, outH: number): number[] {
  const weight1d = (inSize: number, outSize: number, i: number, j: number): number => {
    const scale = inSize / outSize;
    const fs = Math.max(scale, 1);
    const centre = (i + 0.5) * scale;
    if (j < 0 || j >= inSize) return 0;
    const d = Math.abs((j + 0.5 - centre) / fs);
    return d < 1 ? 1 - d : 0;
  };
  const out: number[] = [];
  for (let y = 0; y < outH; y++) {
    for (let x = 0; x < outW; x++) {
      const acc = [0, 0, 0];
      let norm = 0;
      for (let sy = 0; sy < img.height; sy++) {
        for (let sx = 0; sx < img.width; sx++) {
          const w = weight1d(img.width, outW, x, sx) * weight1d(img.height, outH, y, sy);
          norm += w;
          for (let c = 0; c < 3; c++) acc[c] += w * img.data[(sy * img.width + sx) * 4 + c];
        }
      }
      out.push(acc[0] / norm, acc[1] / norm, acc[2] / norm);
    }
  }
  return out;
}

test('matches a brute-force reference on random images (down, up, mixed, odd ratios)', () => {
  let seed = 12345;
  const rand = (): number => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };
  const cases: [number, number, number, number][] = [
    [17, 13, 5, 4],
    [9, 11, 20, 3],
    [6, 6, 14, 14],
    [31, 7, 7, 31],
    [10, 10, 3, 7],
    [64, 40, 4, 3],
  ];
  for (const [w, h, ow, oh] of cases) {
    const pixels: [number, number, number][] = [];
    const byte = (): number => Math.floor(rand() * 256);
    for (let i = 0; i < w * h; i++) pixels.push([byte(), byte(), byte()]);
    const img = rgba(w, h, pixels);
    assertClose(resizeRgbAntialiased(img, ow, oh), referenceResize(img, ow, oh), 1e-3);
  }
});

test('alpha is ignored', () => {
  const img: RgbaImage = { width: 1, height: 1, data: new Uint8Array([1, 2, 3, 0]) };
  assertClose(resizeRgbAntialiased(img, 1, 1), [1, 2, 3]);
});

test('normalizeToChw maps 0 / 127.5 / 255 to −1 / 0 / 1 and transposes HWC → CHW', () => {
  // Two pixels: (0, 127.5, 255) and (255, 0, 127.5).
  const hwc = new Float32Array([0, 127.5, 255, 255, 0, 127.5]);
  const chw = normalizeToChw(hwc, 2, 1, [0.5, 0.5, 0.5], [0.5, 0.5, 0.5]);
  assert.deepEqual(Array.from(chw), [-1, 1, 0, -1, 1, 0]);
});

test('normalizeToChw applies per-channel mean and std', () => {
  // (51/255 − 0.1)/0.2 = (0.2 − 0.1)/0.2 = 0.5; (102/255 − 0.2)/0.5 = 0.4; (204/255 − 0.3)/0.25 = 2
  const chw = normalizeToChw(new Float32Array([51, 102, 204]), 1, 1, [0.1, 0.2, 0.3], [0.2, 0.5, 0.25]);
  assertClose(chw, [0.5, 0.4, 2], 1e-6);
});

test('preprocessImage stretches to size×size and normalizes (NCHW)', () => {
  // 2×1 image [0, 255] grey stretched to 2×2: columns keep their values, rows duplicate → planes [−1, 1, −1, 1].
  const img = rgba(2, 1, [
    [0, 0, 0],
    [255, 255, 255],
  ]);
  const t = preprocessImage(img, 2, [0.5, 0.5, 0.5], [0.5, 0.5, 0.5]);
  assert.equal(t.length, 12);
  assertClose(t, [-1, 1, -1, 1, -1, 1, -1, 1, -1, 1, -1, 1], 1e-6);
});

test('preprocessImage rounds resampled values to whole grey levels like a uint8 resize', () => {
  // 2×1 [10, 13] → 1×1: the triangle filter averages to 11.5, a uint8 result stores 12 → 12/127.5 − 1.
  const img = rgba(2, 1, [
    [10, 10, 10],
    [13, 13, 13],
  ]);
  const t = preprocessImage(img, 1, [0.5, 0.5, 0.5], [0.5, 0.5, 0.5]);
  assertClose(t, [12 / 127.5 - 1, 12 / 127.5 - 1, 12 / 127.5 - 1], 1e-6);
});

test('preprocessImage (fused) equals resize → round to grey levels → normalizeToChw, bit for bit', () => {
  let seed = 3;
  const rand = () => (seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32;
  const cases: [number, number, number][] = [
    [640, 480, 448],
    [37, 91, 64],
    [5, 3, 16],
    [300, 300, 300],
  ];
  for (const [w, h, size] of cases) {
    const data = new Uint8ClampedArray(w * h * 4);
    for (let i = 0; i < data.length; i++) data[i] = rand() < 0.3 ? 255 * Math.round(rand()) : rand() * 256;
    const img = { width: w, height: h, data };
    const mean: [number, number, number] = [0.485, 0.456, 0.406];
    const std: [number, number, number] = [0.229, 0.224, 0.225];
    const chain = normalizeToChw(
      roundToUint8Levels(resizeRgbAntialiased(img, size, size, { uint8Passes: true })),
      size,
      size,
      mean,
      std,
    );
    assert.deepEqual(preprocessImage(img, size, mean, std), chain, `${w}×${h} → ${size}²`);
  }
});
