/**
 * Image pre-processing as two WebGPU compute passes (reference.md §3): the same antialiased resize and
 * normalisation as `preprocessImage` (resize.ts: the reference, and the WASM path), computed on the GPU that runs
 * the vision graph. This module is pure: the packing of the reference's weights into the buffer the shader reads,
 * the WGSL itself, and a JS port of the shader's arithmetic that the tests check against `preprocessImage`. The
 * device plumbing (buffers, pipelines, dispatch) lives in workers/ort/gpuPreprocess.ts.
 *
 * Why float64 in software. The reference sums `w·p` in float64 and rounds half up to uint8 levels after each pass.
 * With the rational weights of most size ratios (1920 → 1008 is 40/21), many sums are exact half levels in real
 * arithmetic (0.05 % of the values of a noise photo, 0.4 % of a smooth gradient), and the reference decides each
 * one by the last bits of its float64 rounding. Float32 sums, or even exact sums, decide them differently: one
 * whole level (2/255 after normalisation, beyond the 1e-3 parity tolerance) on those values. So the shader does
 * what the reference does, bit for bit: float64 weights uploaded as their bit patterns, each product `w·p` and each
 * running sum rounded to nearest-even at 53 bits in u32 integer arithmetic (all values are non-negative, so only
 * products and same-sign sums are needed), Math.round's half-up on the float64 sum of the horizontal pass, and on
 * the float32 value the reference stores the vertical sum as before rounding it. Normalisation reads a 3 × 256
 * table of the reference's own float32 values. The result equals `preprocessImage` exactly.
 */
import { antialiasedBilinearWeights, type ResampleWeights } from './resize';

/**
 * One pass's weights as the shader reads them, in one u32 array: `[start, count]` per output, then the float64
 * weights (`outSize × taps`, row stride `taps`) as their two little-endian words each.
 */
export interface PackedResamplePass {
  outSize: number;
  taps: number;
  words: Uint32Array;
}

/** Packs a pass's float64 weights (from `antialiasedBilinearWeights`) for the shader, bit for bit. */
export function packResamplePass(w: ResampleWeights): PackedResamplePass {
  const outSize = w.start.length;
  const words = new Uint32Array(2 * outSize + 2 * outSize * w.taps);
  for (let i = 0; i < outSize; i++) {
    words[2 * i] = w.start[i];
    words[2 * i + 1] = w.count[i];
  }
  new Float64Array(words.buffer, 2 * outSize * 4).set(w.weights);
  return { outSize, taps: w.taps, words };
}

/** Level → normalised value per channel, `(l/255 − mean)/std` as the reference computes and stores it (3 × 256). */
export function normalizationTable(mean: readonly number[], std: readonly number[]): Float32Array {
  const table = new Float32Array(3 * 256);
  for (let c = 0; c < 3; c++) for (let l = 0; l < 256; l++) table[c * 256 + l] = (l / 255 - mean[c]) / std[c];
  return table;
}

/** Everything the shader needs for one (source size → size²) pre-processing, besides the pixels. */
export interface GpuPreprocessPlan {
  inWidth: number;
  inHeight: number;
  size: number;
  horizontal: PackedResamplePass;
  vertical: PackedResamplePass;
  /** Normalisation table (`normalizationTable`). */
  table: Float32Array;
  /** The uniform block: inWidth, inHeight, size, tapsH, tapsV and padding (u32 × 8). */
  params: Uint32Array;
}

export function gpuPreprocessPlan(
  inWidth: number,
  inHeight: number,
  size: number,
  mean: readonly number[],
  std: readonly number[],
): GpuPreprocessPlan {
  const horizontal = packResamplePass(antialiasedBilinearWeights(inWidth, size));
  const vertical = packResamplePass(antialiasedBilinearWeights(inHeight, size));
  const params = Uint32Array.of(inWidth, inHeight, size, horizontal.taps, vertical.taps, 0, 0, 0);
  return { inWidth, inHeight, size, horizontal, vertical, table: normalizationTable(mean, std), params };
}

/** Bytes of the buffers one pre-processing needs on the GPU: source pixels, the horizontal pass, the output. */
export function gpuPreprocessBytes(plan: GpuPreprocessPlan): { source: number; middle: number; output: number } {
  return {
    source: plan.inWidth * plan.inHeight * 4,
    middle: plan.size * plan.inHeight * 4,
    output: 3 * plan.size * plan.size * 4,
  };
}

/** Workgroup edge of both passes (16 × 16 = 256 invocations, WebGPU's default limit). */
export const PREPROCESS_WORKGROUP = 16;

/**
 * The two passes. `horizontal`: `src`, RGBA (one u32 per pixel, red in the low byte) → `mid`, `size × inHeight` RGB
 * levels packed in u32. `vertical`: `mid` → `dst`, float32 `[3, size, size]` through the table.
 * Every function here has a line-by-line JS twin (tests/helpers/gpuResizeTwin.ts), tested against native float64.
 */
export const PREPROCESS_WGSL = /* wgsl */ `
struct Params {
  inWidth: u32,
  inHeight: u32,
  size: u32,
  tapsH: u32,
  tapsV: u32,
  pad0: u32,
  pad1: u32,
  pad2: u32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> src: array<u32>;
@group(0) @binding(2) var<storage, read> planH: array<u32>;
@group(0) @binding(3) var<storage, read_write> mid: array<u32>;
@group(0) @binding(4) var<storage, read> planV: array<u32>;
@group(0) @binding(5) var<storage, read> table: array<f32>;
@group(0) @binding(6) var<storage, read_write> dst: array<f32>;

// Unsigned 64-bit integers as vec2<u32>(high word, low word).
fn add64(a: vec2<u32>, b: vec2<u32>) -> vec2<u32> {
  let lo = a.y + b.y;
  return vec2<u32>(a.x + b.x + select(0u, 1u, lo < a.y), lo);
}

fn shl64(a: vec2<u32>, s: u32) -> vec2<u32> {
  if (s == 0u) {
    return a;
  }
  if (s >= 32u) {
    return vec2<u32>(a.y << (s - 32u), 0u);
  }
  return vec2<u32>((a.x << s) | (a.y >> (32u - s)), a.y << s);
}

fn shr64(a: vec2<u32>, s: u32) -> vec2<u32> {
  if (s == 0u) {
    return a;
  }
  if (s >= 64u) {
    return vec2<u32>(0u, 0u);
  }
  if (s >= 32u) {
    return vec2<u32>(0u, a.x >> (s - 32u));
  }
  return vec2<u32>(a.x >> s, (a.y >> s) | (a.x << (32u - s)));
}

// Right shift that ORs the bits shifted out into bit 0 (the sticky bit of round-to-nearest-even).
fn shrSticky(a: vec2<u32>, s: u32) -> vec2<u32> {
  let kept = shr64(a, s);
  let back = shl64(kept, min(s, 63u));
  let lost = s >= 64u || back.x != a.x || back.y != a.y;
  return vec2<u32>(kept.x, kept.y | select(0u, 1u, lost && (a.x | a.y) != 0u));
}

fn bitLength64(a: vec2<u32>) -> u32 {
  if (a.x != 0u) {
    return 33u + firstLeadingBit(a.x);
  }
  if (a.y != 0u) {
    return 1u + firstLeadingBit(a.y);
  }
  return 0u;
}

// A non-negative float64: m · 2^e with m = 0 (zero) or 2^52 <= m < 2^53.
struct F64 {
  m: vec2<u32>,
  e: i32,
}

fn f64FromWords(lo: u32, hi: u32) -> F64 {
  let ex = (hi >> 20u) & 0x7ffu;
  if (ex == 0u) {
    return F64(vec2<u32>(0u, 0u), 0);
  }
  return F64(vec2<u32>((hi & 0xfffffu) | 0x100000u, lo), i32(ex) - 1075);
}

// m · 2^e (m < 2^63, bit 0 possibly sticky) rounded to nearest-even at 53 bits.
fn roundF64(m: vec2<u32>, e: i32) -> F64 {
  let len = bitLength64(m);
  if (len == 0u) {
    return F64(m, 0);
  }
  if (len <= 53u) {
    return F64(shl64(m, 53u - len), e - i32(53u - len));
  }
  let s = len - 53u;
  var q = shr64(m, s);
  let rem = m.y & ((1u << s) - 1u);
  let halfway = 1u << (s - 1u);
  if (rem > halfway || (rem == halfway && (q.y & 1u) == 1u)) {
    q = add64(q, vec2<u32>(0u, 1u));
  }
  var ex = e + i32(s);
  if (q.x == 0x200000u) {
    q = vec2<u32>(0x100000u, 0u);
    ex = ex + 1;
  }
  return F64(q, ex);
}

// w · p for a level p (0..255), rounded as float64 multiplication rounds.
fn mulLevel(w: F64, p: u32) -> F64 {
  let x0 = (w.m.y & 0xffffu) * p;
  let x1 = (w.m.y >> 16u) * p;
  let lo = x0 + (x1 << 16u);
  let carry = (x1 >> 16u) + select(0u, 1u, lo < x0);
  return roundF64(vec2<u32>(w.m.x * p + carry, lo), w.e);
}

// a + b for non-negative a, b, rounded as float64 addition rounds.
fn addF64(a: F64, b: F64) -> F64 {
  if ((b.m.x | b.m.y) == 0u) {
    return a;
  }
  if ((a.m.x | a.m.y) == 0u) {
    return b;
  }
  var big = a;
  var small = b;
  if (b.e > a.e) {
    big = b;
    small = a;
  }
  // 8 guard bits below both mantissas; the smaller one's lost bits go to the sticky bit.
  let sum = add64(shl64(big.m, 8u), shrSticky(shl64(small.m, 8u), u32(big.e - small.e)));
  return roundF64(sum, big.e - 8);
}

// The float32 the reference stores a float64 in (nearest-even at 24 bits), still as an F64.
fn toF32(v: F64) -> F64 {
  if ((v.m.x | v.m.y) == 0u) {
    return v;
  }
  var q = shr64(v.m, 29u);
  let rem = v.m.y & 0x1fffffffu;
  if (rem > 0x10000000u || (rem == 0x10000000u && (q.y & 1u) == 1u)) {
    q = add64(q, vec2<u32>(0u, 1u));
  }
  var ex = v.e;
  if (q.y == 0x1000000u) {
    q = vec2<u32>(0u, 0x800000u);
    ex = ex + 1;
  }
  return F64(shl64(q, 29u), ex);
}

// Math.round (half up) of a non-negative value, clamped to 255.
fn roundLevel(v: F64) -> u32 {
  if ((v.m.x | v.m.y) == 0u || v.e >= 0) {
    return select(255u, 0u, (v.m.x | v.m.y) == 0u);
  }
  let twice = shr64(v.m, u32(-v.e - 1));
  let level = shr64(add64(twice, vec2<u32>(0u, 1u)), 1u);
  return select(level.y, 255u, level.x != 0u || level.y > 255u);
}

fn rgbOf(p: u32) -> vec3<u32> {
  return vec3<u32>(p & 0xffu, (p >> 8u) & 0xffu, (p >> 16u) & 0xffu);
}

@compute @workgroup_size(${PREPROCESS_WORKGROUP}, ${PREPROCESS_WORKGROUP})
fn horizontal(@builtin(global_invocation_id) id: vec3<u32>) {
  let x = id.x;
  let y = id.y;
  let n = params.size;
  if (x >= n || y >= params.inHeight) {
    return;
  }
  let start = planH[2u * x];
  let count = planH[2u * x + 1u];
  let wBase = 2u * n + 2u * x * params.tapsH;
  let row = y * params.inWidth + start;
  var r = F64(vec2<u32>(0u, 0u), 0);
  var g = r;
  var b = r;
  for (var k = 0u; k < count; k++) {
    let w = f64FromWords(planH[wBase + 2u * k], planH[wBase + 2u * k + 1u]);
    let p = rgbOf(src[row + k]);
    r = addF64(r, mulLevel(w, p.x));
    g = addF64(g, mulLevel(w, p.y));
    b = addF64(b, mulLevel(w, p.z));
  }
  mid[y * n + x] = roundLevel(r) | (roundLevel(g) << 8u) | (roundLevel(b) << 16u);
}

@compute @workgroup_size(${PREPROCESS_WORKGROUP}, ${PREPROCESS_WORKGROUP})
fn vertical(@builtin(global_invocation_id) id: vec3<u32>) {
  let x = id.x;
  let y = id.y;
  let n = params.size;
  if (x >= n || y >= n) {
    return;
  }
  let start = planV[2u * y];
  let count = planV[2u * y + 1u];
  let wBase = 2u * n + 2u * y * params.tapsV;
  var r = F64(vec2<u32>(0u, 0u), 0);
  var g = r;
  var b = r;
  for (var k = 0u; k < count; k++) {
    let w = f64FromWords(planV[wBase + 2u * k], planV[wBase + 2u * k + 1u]);
    let p = rgbOf(mid[(start + k) * n + x]);
    r = addF64(r, mulLevel(w, p.x));
    g = addF64(g, mulLevel(w, p.y));
    b = addF64(b, mulLevel(w, p.z));
  }
  let plane = n * n;
  let i = y * n + x;
  dst[i] = table[roundLevel(toF32(r))];
  dst[plane + i] = table[256u + roundLevel(toF32(g))];
  dst[2u * plane + i] = table[512u + roundLevel(toF32(b))];
}
`;

/** How far two pre-processed tensors are apart (the GPU path against the reference). */
export interface PixelDifference {
  total: number;
  /** Values that differ at all. */
  differing: number;
  maxAbs: number;
  meanAbs: number;
}

export function comparePixels(a: ArrayLike<number>, b: ArrayLike<number>): PixelDifference {
  if (a.length !== b.length) throw new RangeError(`tensor lengths differ: ${a.length} vs ${b.length}`);
  let differing = 0;
  let maxAbs = 0;
  let sum = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i] - b[i]);
    if (d > 0 || a[i] !== b[i]) differing++;
    if (d > maxAbs) maxAbs = d;
    sum += d;
  }
  return { total: a.length, differing, maxAbs, meanAbs: a.length > 0 ? sum / a.length : 0 };
}
