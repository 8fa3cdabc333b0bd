import { test } from 'node:test';
import assert from 'node:assert/strict';
import { float16ToFloat32, float32ToFloat16, fromHalfBits, toHalfBits } from './float16';

test('known half-precision encodings', () => {
  const cases: [number, number][] = [
    [0, 0x0000],
    [1, 0x3c00],
    [-2, 0xc000],
    [0.5, 0x3800],
    [65504, 0x7bff], // largest half
    [2 ** -24, 0x0001], // smallest subnormal
    [2 ** -14, 0x0400], // smallest normal
    [Infinity, 0x7c00],
    [1e6, 0x7c00], // overflow
  ];
  for (const [v, bits] of cases) {
    assert.equal(toHalfBits(v), bits, `toHalfBits(${v})`);
    if (Number.isFinite(v) && v <= 65504) assert.equal(fromHalfBits(bits), v, `fromHalfBits(0x${bits.toString(16)})`);
  }
  assert.ok(Number.isNaN(fromHalfBits(toHalfBits(NaN))));
});

test('rounds to nearest even and round-trips within half precision', () => {
  // 1 + 2^-11 is exactly between 1 and 1 + 2^-10: ties to even → 1.
  assert.equal(toHalfBits(1 + 2 ** -11), 0x3c00);
  // 1 + 3·2^-11 is between 1 + 2^-10 (odd) and 1 + 2^-9: ties to even → 1 + 2^-9.
  assert.equal(toHalfBits(1 + 3 * 2 ** -11), 0x3c02);
  const xs = Float32Array.from({ length: 1000 }, (_, i) => Math.sin(i) * 100);
  const back = float16ToFloat32(float32ToFloat16(xs));
  for (let i = 0; i < xs.length; i++) assert.ok(Math.abs(back[i] - xs[i]) <= Math.abs(xs[i]) * 2 ** -11 + 1e-7);
});
