/**
 * One object's memory bank and its assembly for a tracked frame (reference.md §10.3–10.5): conditioning frames
 * (≤ maxConditioningFrames, temporally closest, temporal row 6), recent frames at offsets 6…1 (row r − 1), object
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
  /** Number of pointers (P = tokensPerPointer · pointers). */
  pointerCount: number;
  tokensPerPointer: number;
}

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
      // Row r − 1 for the frame r steps back (transformers' table order, which packs exported from it carry).
      if (e?.tokens && e.pos) blocks.push({ tokens: e.tokens, pos: e.pos, row: r - 1 });
    }
    const T = tokensPerFrame;
    const M = c.memoryDim;
    const spatial = new Float32Array(blocks.length * T * M);
    const spatialPos = new Float32Array(blocks.length * T * M);
    blocks.forEach((b, k) => {
      spatial.set(b.tokens, k * T * M);
      const tpos = c.temporalEncoding[b.row];
      for (let t = 0; t < T; t++) {
        const o = (k * T + t) * M;
        for (let ch = 0; ch < M; ch++) spatialPos[o + ch] = b.pos[t * M + ch] + tpos[ch];
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
    // Each C-wide pointer becomes C/M tokens of M (row-major split: 256 → 4 × 64 for SAM 3).
    const split = c.hiddenDim / M;
    const pointers = new Float32Array(ptrs.length * split * M);
    const pointersPos = new Float32Array(ptrs.length * split * M);
    ptrs.forEach((p, k) => {
      pointers.set(p.pointer.subarray(0, split * M), k * split * M);
      const pe = pointerTemporalEncoding(p.offset, maxPtrs, c);
      for (let j = 0; j < split; j++) pointersPos.set(pe, (k * split + j) * M);
    });
    return {
      spatial,
      spatialPos,
      blocks: blocks.length,
      pointers,
      pointersPos,
      pointerCount: ptrs.length,
      tokensPerPointer: split,
    };
  }
}

/**
 * SAM 3's pointer temporal encoding: Linear(C → M) of the 1-D sine encoding of offset / (maxPtrs − 1)
 * (sin for the first C/2 dims, cos for the rest, frequencies 10000^(2⌊i/2⌋/(C/2)); C = 256, M = 64 for SAM 3).
 * Zeros when the pack has no projection (correct for EdgeTAM only).
 */
export function pointerTemporalEncoding(offset: number, maxPtrs: number, c: MemoryConstants): Float32Array {
  const out = new Float32Array(c.memoryDim);
  const proj = c.pointerTposProj;
  if (!proj) return out;
  const half = c.hiddenDim / 2;
  const x = offset / Math.max(1, maxPtrs - 1);
  const pe = new Float32Array(c.hiddenDim);
  for (let i = 0; i < half; i++) {
    const freq = Math.pow(10000, (2 * Math.floor(i / 2)) / half);
    pe[i] = Math.sin(x / freq);
    pe[i + half] = Math.cos(x / freq);
  }
  for (let o = 0; o < c.memoryDim; o++) {
    let v = proj.bias[o];
    const w = proj.weight[o];
    for (let i = 0; i < c.hiddenDim; i++) v += w[i] * pe[i];
    out[o] = v;
  }
  return out;
}

function remove(list: MemoryEntry[], frame: number): void {
  const i = list.findIndex((e) => e.frame === frame);
  if (i >= 0) list.splice(i, 1);
}
