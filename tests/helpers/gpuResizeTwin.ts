/**
 * The pre-processing shader's JS twin (workers/core/gpuResize.ts PREPROCESS_WGSL), line by line: float64 arithmetic in
 * u32 words as the shader does it, so the tests can check the shader's rounding against the JS reference without a
 * GPU. Test-only: the product runs the shader, or core/resize's preprocessImage.
 */
import type { RgbaImage } from '../../workers/core/resize';
import type { GpuPreprocessPlan, PackedResamplePass } from '../../workers/core/gpuResize';

/** A u32 pair [high, low], as the shader's vec2<u32>. */
type U64 = [number, number];

/** A non-negative float64 as the shader holds it: m · 2^e, m = 0 or 2^52 ≤ m < 2^53. */
export interface F64 {
  m: U64;
  e: number;
}

const ZERO: F64 = { m: [0, 0], e: 0 };
const firstLeadingBit = (x: number) => 31 - Math.clz32(x);
const isZero = (v: F64) => (v.m[0] | v.m[1]) === 0;

function add64(a: U64, b: U64): U64 {
  const lo = (a[1] + b[1]) >>> 0;
  return [(a[0] + b[0] + (lo < a[1] ? 1 : 0)) >>> 0, lo];
}

function shl64(a: U64, s: number): U64 {
  if (s === 0) return a;
  if (s >= 32) return [(a[1] << (s - 32)) >>> 0, 0];
  return [((a[0] << s) | (a[1] >>> (32 - s))) >>> 0, (a[1] << s) >>> 0];
}

function shr64(a: U64, s: number): U64 {
  if (s === 0) return a;
  if (s >= 64) return [0, 0];
  if (s >= 32) return [0, a[0] >>> (s - 32)];
  return [a[0] >>> s, ((a[1] >>> s) | (a[0] << (32 - s))) >>> 0];
}

function shrSticky(a: U64, s: number): U64 {
  const kept = shr64(a, s);
  const back = shl64(kept, Math.min(s, 63));
  const lost = s >= 64 || back[0] !== a[0] || back[1] !== a[1];
  return [kept[0], (kept[1] | (lost && (a[0] | a[1]) !== 0 ? 1 : 0)) >>> 0];
}

function bitLength64(a: U64): number {
  if (a[0] !== 0) return 33 + firstLeadingBit(a[0]);
  if (a[1] !== 0) return 1 + firstLeadingBit(a[1]);
  return 0;
}

/** The shader's F64 of a float64's two little-endian words. */
export function f64FromWords(lo: number, hi: number): F64 {
  const ex = (hi >>> 20) & 0x7ff;
  if (ex === 0) return ZERO;
  return { m: [((hi & 0xfffff) | 0x100000) >>> 0, lo >>> 0], e: ex - 1075 };
}

function roundF64(m: U64, e: number): F64 {
  const len = bitLength64(m);
  if (len === 0) return { m, e: 0 };
  if (len <= 53) return { m: shl64(m, 53 - len), e: e - (53 - len) };
  const s = len - 53;
  let q = shr64(m, s);
  const rem = (m[1] & ((1 << s) - 1)) >>> 0;
  const halfway = 1 << (s - 1);
  if (rem > halfway || (rem === halfway && (q[1] & 1) === 1)) q = add64(q, [0, 1]);
  let ex = e + s;
  if (q[0] === 0x200000) {
    q = [0x100000, 0];
    ex += 1;
  }
  return { m: q, e: ex };
}

/** `w · p` for a level p (0..255), rounded as float64 multiplication rounds. */
export function mulLevel(w: F64, p: number): F64 {
  const x0 = (w.m[1] & 0xffff) * p;
  const x1 = (w.m[1] >>> 16) * p;
  const lo = (x0 + ((x1 << 16) >>> 0)) >>> 0;
  const carry = (x1 >>> 16) + (lo < x0 ? 1 : 0);
  return roundF64([(w.m[0] * p + carry) >>> 0, lo], w.e);
}

/** `a + b` for non-negative a, b, rounded as float64 addition rounds. */
export function addF64(a: F64, b: F64): F64 {
  if (isZero(b)) return a;
  if (isZero(a)) return b;
  const [big, small] = b.e > a.e ? [b, a] : [a, b];
  const sum = add64(shl64(big.m, 8), shrSticky(shl64(small.m, 8), big.e - small.e));
  return roundF64(sum, big.e - 8);
}

/** The float32 nearest a float64 (nearest-even at 24 bits), still as an F64. */
export function toF32(v: F64): F64 {
  if (isZero(v)) return v;
  let q = shr64(v.m, 29);
  const rem = v.m[1] & 0x1fffffff;
  if (rem > 0x10000000 || (rem === 0x10000000 && (q[1] & 1) === 1)) q = add64(q, [0, 1]);
  let ex = v.e;
  if (q[1] === 0x1000000) {
    q = [0, 0x800000];
    ex += 1;
  }
  return { m: shl64(q, 29), e: ex };
}

/** Math.round (half up) of a non-negative value, clamped to 255. */
export function roundLevel(v: F64): number {
  if (isZero(v) || v.e >= 0) return isZero(v) ? 0 : 255;
  const twice = shr64(v.m, -v.e - 1);
  const level = shr64(add64(twice, [0, 1]), 1);
  return level[0] !== 0 || level[1] > 255 ? 255 : level[1];
}

/** The value of an F64 as a JS number (tests). */
export function f64Value(v: F64): number {
  return (v.m[0] * 2 ** 32 + v.m[1]) * 2 ** v.e;
}

/** One line of one pass, in JS: output `i`, channel `c` sums its taps' inputs `read(j, c)`. */
function emulatePass(
  pass: PackedResamplePass,
  read: (j: number, c: number) => number,
  write: (i: number, c: number, sum: F64) => void,
): void {
  const { outSize: n, taps, words } = pass;
  for (let i = 0; i < n; i++) {
    const start = words[2 * i];
    const count = words[2 * i + 1];
    const wBase = 2 * n + 2 * i * taps;
    for (let c = 0; c < 3; c++) {
      let sum = ZERO;
      for (let k = 0; k < count; k++) {
        const w = f64FromWords(words[wBase + 2 * k], words[wBase + 2 * k + 1]);
        sum = addF64(sum, mulLevel(w, read(start + k, c)));
      }
      write(i, c, sum);
    }
  }
}

/** What the shader computes, in JS: NCHW float32 `[1,3,size,size]` data. Slow (tests only). */
export function emulateGpuPreprocess(src: RgbaImage, plan: GpuPreprocessPlan): Float32Array {
  const { inWidth: w, inHeight: h, size: n } = plan;
  if (src.width !== w || src.height !== h) throw new RangeError('the plan was made for another image size');
  const middle = new Uint8Array(n * h * 3);
  for (let y = 0; y < h; y++) {
    const row = y * w * 4;
    emulatePass(
      plan.horizontal,
      (j, c) => src.data[row + j * 4 + c],
      (x, c, sum) => (middle[(y * n + x) * 3 + c] = roundLevel(sum)),
    );
  }
  const out = new Float32Array(3 * n * n);
  for (let x = 0; x < n; x++) {
    emulatePass(
      plan.vertical,
      (j, c) => middle[(j * n + x) * 3 + c],
      (y, c, sum) => (out[c * n * n + y * n + x] = plan.table[c * 256 + roundLevel(toF32(sum))]),
    );
  }
  return out;
}
