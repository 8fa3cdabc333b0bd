/**
 * One object's memory bank and its assembly for a tracked frame (reference.md §10.3–10.5): conditioning frames
 * (≤ maxConditioningFrames, temporally closest, temporal row 6), recent frames at offsets 6…1 (row 6 − r), object
 * pointers from conditioning frames then recent frames (nearest first, ≤ maxObjectPointers), each pointer split
 * into 4 tokens of 64 with a projected sine temporal encoding. Storage is capped: nothing grows with the stream.
 */
import type { MemoryConstants } from '../adapters/memoryAdapter';

export interface MemoryEntry {
  frame: number;
  /** [T·64] memory tokens and their position encodings (absent for recent frames past the spatial window). */
  tokens?: Float32Array;
  pos?: Float32Array;
  /** [256] object pointer. */
  pointer: Float32Array;
}

export interface BankLimits {
  maxConditioningFrames: number;
  maxRecentFrames: number;
  maxObjectPointers: number;
}

export interface AssembledMemory {
  spatial: Float32Array;
  spatialPos: Float32Array;
  /** Number of spatial blocks (S = blocks · T). */
  blocks: number;
  pointers: Float32Array;
  pointersPos: Float32Array;
  /** Number of pointers (P = 4 · pointers). */
  pointerCount: number;
}

const MEMORY_DIM = 64;
const NUM_MASKMEM = 7;

export class MemoryBank {
  readonly conditioning: MemoryEntry[] = [];
  readonly recent: MemoryEntry[] = [];

  constructor(private readonly limits: BankLimits) {}

  addConditioning(entry: MemoryEntry): void {
    remove(this.conditioning, entry.frame);
    remove(this.recent, entry.frame);
    this.conditioning.push(entry);
    this.conditioning.sort((a, b) => a.frame - b.frame);
    // Streaming goes forward, so the closest conditioning frames are the latest ones: drop the oldest.
    while (this.conditioning.length > this.limits.maxConditioningFrames) this.conditioning.shift();
  }

  addRecent(entry: MemoryEntry): void {
    remove(this.recent, entry.frame);
    this.recent.push(entry);
    this.recent.sort((a, b) => a.frame - b.frame);
    while (this.recent.length > this.limits.maxObjectPointers - 1) this.recent.shift();
    // Spatial tokens are only needed for the last maxRecentFrames frames; pointers for longer.
    for (const e of this.recent.slice(0, Math.max(0, this.recent.length - this.limits.maxRecentFrames))) {
      delete e.tokens;
      delete e.pos;
    }
  }

  /** Bytes held (tokens, positions and pointers), for the memory benchmark. */
  bytes(): number {
    let n = 0;
    for (const e of [...this.conditioning, ...this.recent]) {
      n += (e.tokens?.byteLength ?? 0) + (e.pos?.byteLength ?? 0) + e.pointer.byteLength;
    }
    return n;
  }

  assemble(frame: number, c: MemoryConstants, tokensPerFrame: number): AssembledMemory {
    const blocks: { tokens: Float32Array; pos: Float32Array; row: number }[] = [];
    const cond = [...this.conditioning]
      .filter((e) => e.frame <= frame)
      .sort((a, b) => Math.abs(frame - a.frame) - Math.abs(frame - b.frame) || a.frame - b.frame)
      .slice(0, this.limits.maxConditioningFrames)
      .sort((a, b) => a.frame - b.frame);
    for (const e of cond) blocks.push({ tokens: e.tokens!, pos: e.pos!, row: NUM_MASKMEM - 1 });
    for (let r = Math.min(this.limits.maxRecentFrames, NUM_MASKMEM - 1); r >= 1; r--) {
      const e = this.recent.find((x) => x.frame === frame - r);
      if (e?.tokens && e.pos) blocks.push({ tokens: e.tokens, pos: e.pos, row: NUM_MASKMEM - 1 - r });
    }
    const T = tokensPerFrame;
    const spatial = new Float32Array(blocks.length * T * MEMORY_DIM);
    const spatialPos = new Float32Array(blocks.length * T * MEMORY_DIM);
    blocks.forEach((b, k) => {
      spatial.set(b.tokens, k * T * MEMORY_DIM);
      const tpos = c.temporalEncoding[b.row];
      for (let t = 0; t < T; t++) {
        const o = (k * T + t) * MEMORY_DIM;
        for (let ch = 0; ch < MEMORY_DIM; ch++) spatialPos[o + ch] = b.pos[t * MEMORY_DIM + ch] + tpos[ch];
      }
    });

    const maxPtrs = this.limits.maxObjectPointers;
    const ptrs: { pointer: Float32Array; offset: number }[] = cond.map((e) => ({
      pointer: e.pointer,
      offset: frame - e.frame,
    }));
    for (let d = 1; d < maxPtrs; d++) {
      const e = this.recent.find((x) => x.frame === frame - d);
      if (e) ptrs.push({ pointer: e.pointer, offset: d });
    }
    const pointers = new Float32Array(ptrs.length * 4 * MEMORY_DIM);
    const pointersPos = new Float32Array(ptrs.length * 4 * MEMORY_DIM);
    ptrs.forEach((p, k) => {
      pointers.set(p.pointer.subarray(0, 4 * MEMORY_DIM), k * 4 * MEMORY_DIM); // 256 → 4 tokens of 64, row-major
      const pe = pointerTemporalEncoding(p.offset, maxPtrs, c);
      for (let j = 0; j < 4; j++) pointersPos.set(pe, (k * 4 + j) * MEMORY_DIM);
    });
    return { spatial, spatialPos, blocks: blocks.length, pointers, pointersPos, pointerCount: ptrs.length };
  }
}

/**
 * SAM 3's pointer temporal encoding: Linear(256 → 64) of the 1-D sine encoding of offset / (maxPtrs − 1)
 * (sin for the first 128 dims, cos for the last, frequencies 10000^(2⌊i/2⌋/128)). Zeros when the pack has no
 * projection (correct for EdgeTAM only).
 */
export function pointerTemporalEncoding(offset: number, maxPtrs: number, c: MemoryConstants): Float32Array {
  const out = new Float32Array(MEMORY_DIM);
  const proj = c.pointerTposProj;
  if (!proj) return out;
  const x = offset / Math.max(1, maxPtrs - 1);
  const pe = new Float32Array(256);
  for (let i = 0; i < 128; i++) {
    const freq = Math.pow(10000, (2 * Math.floor(i / 2)) / 128);
    pe[i] = Math.sin(x / freq);
    pe[i + 128] = Math.cos(x / freq);
  }
  for (let o = 0; o < MEMORY_DIM; o++) {
    let v = proj.bias[o];
    const w = proj.weight[o];
    for (let i = 0; i < 256; i++) v += w[i] * pe[i];
    out[o] = v;
  }
  return out;
}

function remove(list: MemoryEntry[], frame: number): void {
  const i = list.findIndex((e) => e.frame === frame);
  if (i >= 0) list.splice(i, 1);
}
