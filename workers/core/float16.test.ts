import { test } from 'node:test';
import assert from 'node:assert/strict';
import { float16ToFloat32, float32ToFloat16, floatPlanes, fromHalfBits, toHalfBits } from './float16';

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

test('the table-driven array conversions equal the scalar definitions bit for bit', () => {
  const every = Uint16Array.from({ length: 65536 }, (_, i) => i);
  const widened = float16ToFloat32(every);
  for (let h = 0; h < 65536; h++) {
    const want = fromHalfBits(h);
    if (Number.isNaN(want)) assert.ok(Number.isNaN(widened[h]), `0x${h.toString(16)}`);
    else assert.equal(widened[h], want, `0x${h.toString(16)}`);
  }
  // Every half value and every midpoint between neighbours (ties), their neighbours, and random bit patterns.
  const probe: number[] = [];
  const f = new Float32Array(1);
  const u = new Uint32Array(f.buffer);
  for (let h = 0; h < 0x7c00; h++) {
    const a = fromHalfBits(h);
    const b = fromHalfBits(h + 1);
    for (const v of [a, (a + b) / 2, -a, -(a + b) / 2]) {
      f[0] = v;
      probe.push(u[0], u[0] + 1, u[0] - 1);
    }
  }
  let seed = 7;
  for (let i = 0; i < 200_000; i++) {
    seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
    probe.push(seed);
  }
  probe.push(0x7f800000, 0xff800000, 0x7fc00001, 0x7f800001, 0x80000000, 0x00000001);
  const singles = new Float32Array(Uint32Array.from(probe).buffer);
  const narrowed = float32ToFloat16(singles);
  for (let i = 0; i < singles.length; i++) {
    const want = toHalfBits(singles[i]);
    if ((want & 0x7c00) === 0x7c00 && want & 0x3ff) assert.ok((narrowed[i] & 0x7c00) === 0x7c00 && narrowed[i] & 0x3ff);
    else assert.equal(narrowed[i], want, `${singles[i]} (0x${probe[i].toString(16)})`);
  }
});

test('floatPlanes: chosen planes only, float16 widened exactly like the whole tensor, float32 copied', () => {
  const plane = 5;
  const singles = Float32Array.from({ length: 4 * plane }, (_, i) => (i - 7) * 0.37);
  const halves = float32ToFloat16(singles);
  const whole = float16ToFloat32(halves);
  const picked = floatPlanes(halves, plane, [3, 1]);
  assert.deepEqual(picked, [whole.slice(15, 20), whole.slice(5, 10)]);
  assert.deepEqual(floatPlanes(singles, plane, [0]), [singles.slice(0, 5)]);
  // Copies, not views: the tensor's buffer can go.
  assert.notEqual(floatPlanes(singles, plane, [0])[0].buffer, singles.buffer);
  assert.throws(() => floatPlanes(singles, plane, [4]), /plane 4 of 5 elements is outside a tensor of 20/);
});
