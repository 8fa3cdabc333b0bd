import { test } from 'node:test';
import assert from 'node:assert/strict';
import { antialiasedBilinearWeights, preprocessImage, type RgbaImage } from './resize';
import { comparePixels, gpuPreprocessPlan, normalizationTable, packResamplePass, PREPROCESS_WGSL } from './gpuResize';
import {
  addF64,
  emulateGpuPreprocess,
  f64FromWords,
  f64Value,
  mulLevel,
  roundLevel,
  toF32,
  type F64,
} from '../../tests/helpers/gpuResizeTwin';

const HALF: [number, number, number] = [0.5, 0.5, 0.5];

function asF64(x: number): F64 {
  const words = new Uint32Array(new Float64Array([x]).buffer);
  return f64FromWords(words[0], words[1]);
}

function xorshift(seed: number) {
  let s = seed;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 2 ** 32;
  };
}

function noise(width: number, height: number, seed = 7): RgbaImage {
  const next = xorshift(seed);
  const data = new Uint8ClampedArray(width * height * 4);
  for (let i = 0; i < data.length; i++) data[i] = Math.floor(next() * 256);
  return { width, height, data };
}

/** Gradients: neighbouring pixels equal or one level apart, where sums land exactly on half levels most often. */
function gradients(width: number, height: number): RgbaImage {
  const data = new Uint8ClampedArray(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 4;
      data[i] = Math.floor((x * 255) / width);
      data[i + 1] = Math.floor((y * 255) / height);
      data[i + 2] = ((x + y) * 7) & 255;
      data[i + 3] = 255;
    }
  }
  return { width, height, data };
}

test('the shader’s float64 products and sums round exactly as JS float64 arithmetic does', () => {
  const next = xorshift(12345);
  for (let t = 0; t < 20000; t++) {
    let sum = 0;
    let emulated = asF64(0);
    const taps = 1 + Math.floor(next() * 12);
    for (let k = 0; k < taps; k++) {
      // Mostly ordinary weights, some tiny ones (window edges) whose products only touch the sticky bit.
      const w = next() < 0.1 ? next() * 1e-12 : next() ** 3;
      const p = Math.floor(next() * 256);
      sum += w * p;
      emulated = addF64(emulated, mulLevel(asF64(w), p));
      assert.equal(f64Value(emulated), sum, `sum of ${k + 1} products`);
    }
    assert.equal(f64Value(toF32(emulated)), Math.fround(sum));
    assert.equal(roundLevel(emulated), Math.min(255, Math.round(sum)));
  }
});

test('half levels round up like Math.round, and the float32 store moves values just below a half level up', () => {
  for (const v of [0, 0.5, 1.5, 2.5, 254.5, 255.49, 300])
    assert.equal(roundLevel(asF64(v)), Math.min(255, Math.round(v)));
  // 100.4999999 is 100 in float64 but 100.5 → 101 once stored as float32, as the reference's vertical pass does.
  const below = asF64(100.4999999);
  assert.equal(roundLevel(below), 100);
  assert.equal(roundLevel(toF32(below)), 101);
  assert.equal(Math.round(Math.fround(100.4999999)), 101);
});

test('packed weights keep every float64 weight bit for bit, with each output’s first input and tap count', () => {
  const w = antialiasedBilinearWeights(1920, 1008);
  const packed = packResamplePass(w);
  assert.equal(packed.outSize, 1008);
  assert.equal(packed.taps, w.taps);
  for (const i of [0, 1, 500, 1007]) {
    assert.equal(packed.words[2 * i], w.start[i]);
    assert.equal(packed.words[2 * i + 1], w.count[i]);
  }
  const weights = new Float64Array(packed.words.buffer, 2 * 1008 * 4, 1008 * w.taps);
  assert.deepEqual(Array.from(weights), Array.from(w.weights));
});

test('the normalisation table holds the reference’s own float32 values per level and channel', () => {
  const table = normalizationTable([0.485, 0.456, 0.406], [0.229, 0.224, 0.225]);
  assert.equal(table[0 * 256 + 0], Math.fround((0 - 0.485) / 0.229));
  assert.equal(table[1 * 256 + 128], Math.fround((128 / 255 - 0.456) / 0.224));
  assert.equal(table[2 * 256 + 255], Math.fround((1 - 0.406) / 0.225));
  const half = normalizationTable(HALF, HALF);
  assert.equal(half[0], -1);
  assert.equal(half[255], 1);
});

// Ratios with rational weights whose sums hit exact half levels (1920→1008 is 40/21), integer ratios, upscaling,
// a 1-pixel result: in all of them the shader's arithmetic must give the reference's values, not close ones.
for (const [width, height, size] of [
  [640, 360, 336],
  [401, 233, 112],
  [300, 200, 448],
  [97, 61, 128],
  [256, 128, 64],
  [2, 2, 1],
] as const) {
  test(`the shader’s arithmetic equals preprocessImage exactly: ${width}×${height} → ${size}²`, () => {
    const plan = gpuPreprocessPlan(width, height, size, HALF, HALF);
    for (const image of [noise(width, height), gradients(width, height)]) {
      const expected = preprocessImage(image, size, HALF, HALF);
      const diff = comparePixels(emulateGpuPreprocess(image, plan), expected);
      assert.deepEqual(diff, { total: 3 * size * size, differing: 0, maxAbs: 0, meanAbs: 0 });
    }
  });
}

test('comparePixels counts the differing values and their largest and mean distance', () => {
  assert.deepEqual(comparePixels([0, 1, 2, 3], [0, 1, 2.5, 2]), { total: 4, differing: 2, maxAbs: 1, meanAbs: 0.375 });
  assert.throws(() => comparePixels([1], [1, 2]), /lengths differ/);
});

test('the plan refuses an image of another size, and the WGSL has both entry points', () => {
  const plan = gpuPreprocessPlan(8, 8, 4, HALF, HALF);
  assert.throws(() => emulateGpuPreprocess(noise(9, 8), plan), /another image size/);
  assert.match(PREPROCESS_WGSL, /fn horizontal\(/);
  assert.match(PREPROCESS_WGSL, /fn vertical\(/);
  assert.deepEqual(Array.from(plan.params), [8, 8, 4, plan.horizontal.taps, plan.vertical.taps, 0, 0, 0]);
});
