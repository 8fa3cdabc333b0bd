/**
 * IEEE 754 half-precision ↔ single-precision conversion, for packs whose graphs take or return float16
 * (e.g. usls q4f16 variants). Written here because Float16Array is not available in every browser we target.
 */

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** float32 → float16 bits, round to nearest even; overflow → ±Infinity; NaN kept. */
export function toHalfBits(value: number): number {
  f32[0] = value;
  const x = u32[0];
  const sign = (x >>> 16) & 0x8000;
  const exp = (x >>> 23) & 0xff;
  let mant = x & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 : 0);
  const e = exp - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00;
  if (e <= 0) {
    if (e < -10) return sign;
    mant |= 0x800000;
    const shift = 14 - e;
    let half = mant >>> shift;
    const rest = mant & ((1 << shift) - 1);
    const mid = 1 << (shift - 1);
    if (rest > mid || (rest === mid && half & 1)) half++;
    return sign | half;
  }
  // Rounding may carry into the exponent (up to Infinity), which the bit layout handles by itself.
  let half = (e << 10) | (mant >>> 13);
  const rest = mant & 0x1fff;
  if (rest > 0x1000 || (rest === 0x1000 && half & 1)) half++;
  return sign | half;
}

/** float16 bits → float32 value. */
export function fromHalfBits(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >>> 10) & 0x1f;
  const mant = h & 0x3ff;
  if (exp === 0) return sign * mant * 2 ** -24;
  if (exp === 0x1f) return mant ? NaN : sign * Infinity;
  return sign * (1 + mant / 1024) * 2 ** (exp - 15);
}

/**
 * Tables for whole-array conversion (the scalar functions above stay as the definition and the tests' reference):
 * half → single is one 65,536-entry lookup of float32 bit patterns; single → half looks up, by sign and exponent,
 * the half's base bits and how far to shift the mantissa, then rounds to nearest even exactly as `toHalfBits`.
 */
let halfToSingleBits: Uint32Array | null = null;
let singleBase: Uint16Array | null = null;
let singleShift: Uint8Array | null = null;

function halfTable(): Uint32Array {
  if (!halfToSingleBits) {
    halfToSingleBits = new Uint32Array(65536);
    const f = new Float32Array(1);
    const u = new Uint32Array(f.buffer);
    for (let h = 0; h < 65536; h++) {
      f[0] = fromHalfBits(h);
      halfToSingleBits[h] = u[0];
    }
  }
  return halfToSingleBits;
}

/** Indexed by the float32's top 9 bits (sign, exponent); the mantissa is taken with its implicit bit. */
function singleTables(): { base: Uint16Array; shift: Uint8Array } {
  if (!singleBase || !singleShift) {
    singleBase = new Uint16Array(512);
    singleShift = new Uint8Array(512);
    for (let i = 0; i < 512; i++) {
      const sign = i & 0x100 ? 0x8000 : 0;
      const e = (i & 0xff) - 127 + 15;
      if (e >= 0x1f) {
        singleBase[i] = sign | 0x7c00; // overflow and infinity (NaN is handled before the lookup)
        singleShift[i] = 25;
      } else if (e <= 0) {
        singleBase[i] = sign; // subnormal halves, or zero below 2^-25
        singleShift[i] = e < -10 ? 25 : 14 - e;
      } else {
        singleBase[i] = sign | ((e - 1) << 10); // the implicit bit, shifted by 13, adds the missing 1 << 10
        singleShift[i] = 13;
      }
    }
  }
  return { base: singleBase, shift: singleShift };
}

/** `out` (optional) receives the result, e.g. a buffer reused across frames. */
export function float32ToFloat16(values: Float32Array, out = new Uint16Array(values.length)): Uint16Array {
  const { base, shift } = singleTables();
  const bits = new Uint32Array(values.buffer, values.byteOffset, values.length);
  for (let i = 0; i < bits.length; i++) {
    const x = bits[i];
    if ((x & 0x7fffffff) > 0x7f800000) {
      out[i] = ((x >>> 16) & 0x8000) | 0x7e00; // NaN
      continue;
    }
    const idx = x >>> 23;
    const sh = shift[idx];
    const m = (x & 0x7fffff) | (idx & 0xff ? 0x800000 : 0);
    let h = base[idx] + (m >>> sh);
    const rest = m & ((1 << sh) - 1);
    const mid = 1 << (sh - 1);
    if (rest > mid || (rest === mid && h & 1)) h++;
    out[i] = h;
  }
  return out;
}

/** `out` (optional) receives the result, e.g. a buffer reused across frames. */
export function float16ToFloat32(bits: Uint16Array, out = new Float32Array(bits.length)): Float32Array {
  const table = halfTable();
  const o = new Uint32Array(out.buffer, out.byteOffset, bits.length);
  for (let i = 0; i < bits.length; i++) o[i] = table[bits[i]];
  return out;
}

/**
 * Planes `indices` of a float tensor laid out as planes of `planeSize` elements (detector masks [1,Q,H,W]: plane
 * H·W), each copied into its own float32 array. float16 bits are widened for these planes only, so keeping 20 of
 * 200 masks converts a tenth of the tensor, not all of it.
 */
export function floatPlanes(
  data: Float32Array | Uint16Array,
  planeSize: number,
  indices: readonly number[],
): Float32Array[] {
  return indices.map((i) => {
    const start = i * planeSize;
    if (!Number.isInteger(i) || i < 0 || start + planeSize > data.length) {
      throw new RangeError(`plane ${i} of ${planeSize} elements is outside a tensor of ${data.length}`);
    }
    return data instanceof Uint16Array
      ? float16ToFloat32(data.subarray(start, start + planeSize))
      : data.slice(start, start + planeSize);
  });
}
