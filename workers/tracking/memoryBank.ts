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
  /** Order of addition (recent frames): which were processed last, whatever the direction. */
  seq?: number;
}

export interface BankLimits {
  maxConditioningFrames: number;
  maxRecentFrames: number;
  maxObjectPointers: number;
}

/**
 * How a bank stores what it is given. Streaming (the default): at most `maxConditioningFrames` conditioning frames
 * (the latest: streaming goes forward, so they are the closest). A processed file keeps up to `storedConditioning`
 * of an object's conditioning frames, so an edit anywhere can select the closest ones; an edit's bank also keeps the
 * recent frames around its `anchor` (the prompted frame), which the other direction's pass reads.
 */
export interface BankStorage {
  storedConditioning?: number;
  anchor?: number;
}

/** Where the bank is read from: the frame, the direction of propagation, and the clip's length when known. */
export interface AssemblyFrame {
  frame: number;
  /** Propagating backward in time (the reference's `track_in_reverse_time`): offsets look forward. */
  reverse?: boolean;
  /** Frames in the clip (pointer look-ups stop at its end); unknown while streaming. */
  numFrames?: number;
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
  /** The frames read, for tests: [frame, temporal row] per spatial block, [frame, offset] per pointer. */
  read: { blocks: [number, number][]; pointers: [number, number][] };
}

const NUM_MASKMEM = 7;

/**
 * The reference's `_select_closest_cond_frames`: all conditioning frames when there are at most `max`; else the
 * closest one before `frame`, the closest at or after it, then the rest by temporal distance.
 */
export function selectClosestConditioning(frame: number, frames: number[], max: number): number[] {
  if (frames.length <= max) return [...frames];
  const selected: number[] = [];
  const before = frames.filter((t) => t < frame);
  const after = frames.filter((t) => t >= frame);
  if (before.length) selected.push(Math.max(...before));
  if (after.length) selected.push(Math.min(...after));
  const rest = frames
    .filter((t) => !selected.includes(t))
    .sort((a, b) => Math.abs(a - frame) - Math.abs(b - frame) || a - b);
  return [...selected, ...rest.slice(0, Math.max(0, max - selected.length))];
}

export class MemoryBank {
  readonly conditioning: MemoryEntry[] = [];
  readonly recent: MemoryEntry[] = [];
  private seq = 0;

  constructor(
    private readonly limits: BankLimits,
    private readonly storage: BankStorage = {},
  ) {}

  addConditioning(entry: MemoryEntry): void {
    remove(this.conditioning, entry.frame);
    remove(this.recent, entry.frame);
    this.conditioning.push(entry);
    this.conditioning.sort((a, b) => a.frame - b.frame);
    // Streaming goes forward, so the closest conditioning frames are the latest ones: drop the oldest.
    const cap = Math.max(this.limits.maxConditioningFrames, this.storage.storedConditioning ?? 0);
    while (this.conditioning.length > cap) this.conditioning.shift();
  }

  addRecent(entry: MemoryEntry): void {
    remove(this.recent, entry.frame);
    this.recent.push({ ...entry, seq: ++this.seq });
    this.recent.sort((a, b) => a.frame - b.frame);
    this.prune();
  }

  /**
   * The reference's `clear_non_cond_mem_around_input`: forget the recent (non-conditioning) memory within `window`
   * frames of a user prompt on `frame`, so memory made before the correction does not pull the object back.
   */
  clearAround(frame: number, window: number): void {
    for (let i = this.recent.length - 1; i >= 0; i--) {
      if (Math.abs(this.recent[i].frame - frame) <= window) this.recent.splice(i, 1);
    }
  }

  /**
   * Keeps the pointers of the last `maxObjectPointers − 1` frames processed and the spatial tokens of the last
   * `maxRecentFrames` (and, in an edit, the same windows around its anchor); nothing else grows.
   */
  private prune(): void {
    const { maxRecentFrames, maxObjectPointers } = this.limits;
    const latest = [...this.recent].sort((a, b) => (b.seq ?? 0) - (a.seq ?? 0));
    const anchor = this.storage.anchor;
    const near = (e: MemoryEntry, w: number) => anchor !== undefined && Math.abs(e.frame - anchor) <= w;
    const keepPointer = new Set(latest.slice(0, maxObjectPointers - 1));
    const keepTokens = new Set(latest.slice(0, maxRecentFrames));
    for (let i = this.recent.length - 1; i >= 0; i--) {
      const e = this.recent[i];
      if (!keepTokens.has(e) && !near(e, maxRecentFrames)) {
        delete e.tokens;
        delete e.pos;
      }
      if (!keepPointer.has(e) && !near(e, maxObjectPointers - 1) && !e.tokens) this.recent.splice(i, 1);
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

  /**
   * The bank for `at.frame` (reference.md §10.5): the selected conditioning frames (temporal row 6), then the
   * recent frames at offsets 6…1 in the direction of propagation (row r − 1; backward the offsets look forward in
   * time), then pointers: selected conditioning frames on the side already propagated, then recent frames nearest
   * first, each with its distance as offset.
   */
  assemble(at: AssemblyFrame | number, c: MemoryConstants, tokensPerFrame: number): AssembledMemory {
    const { frame, reverse = false, numFrames } = typeof at === 'number' ? { frame: at } : at;
    const step = reverse ? 1 : -1; // where the frames already propagated lie
    const blocks: { tokens: Float32Array; pos: Float32Array; row: number; frame: number }[] = [];
    const chosen = new Set(
      selectClosestConditioning(
        frame,
        this.conditioning.map((e) => e.frame),
        this.limits.maxConditioningFrames,
      ),
    );
    const cond = this.conditioning.filter((e) => chosen.has(e.frame));
    for (const e of cond) blocks.push({ tokens: e.tokens!, pos: e.pos!, row: NUM_MASKMEM - 1, frame: e.frame });
    for (let r = Math.min(this.limits.maxRecentFrames, NUM_MASKMEM - 1); r >= 1; r--) {
      const e = this.recent.find((x) => x.frame === frame + step * r);
      // Row r − 1 for the frame r steps back (transformers' table order, which packs exported from it carry).
      if (e?.tokens && e.pos) blocks.push({ tokens: e.tokens, pos: e.pos, row: r - 1, frame: e.frame });
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
    const ptrs: { pointer: Float32Array; offset: number; frame: number }[] = cond
      .filter((e) => (reverse ? e.frame >= frame : e.frame <= frame))
      .map((e) => ({ pointer: e.pointer, offset: Math.abs(frame - e.frame), frame: e.frame }));
    for (let d = 1; d < maxPtrs; d++) {
      const t = frame + step * d;
      if (t < 0 || (numFrames !== undefined && t >= numFrames)) break;
      const e = this.recent.find((x) => x.frame === t);
      if (e) ptrs.push({ pointer: e.pointer, offset: d, frame: t });
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
      read: { blocks: blocks.map((b) => [b.frame, b.row]), pointers: ptrs.map((p) => [p.frame, p.offset]) },
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
