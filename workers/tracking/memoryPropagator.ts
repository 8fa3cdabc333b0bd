/**
 * Propagation with the reference's memory bank (reference.md §10.5): per object, memory attention over its bank
 * conditions the current frame's top-level features, the mask decoder (one padding point) predicts the mask, and
 * after planning the memory encoder writes this frame's final mask to the bank. Conditioning frames (new tracks,
 * re-conditioning, clicks) run the decoder on the raw features + no_memory_embedding for the object pointer.
 */
import { binarizeLogits } from '../core/masks';
import type { MemoryConstants } from '../adapters/memoryAdapter';
import { MemoryBank, type BankLimits, type BankStorage, type MemoryEntry } from './memoryBank';
import {
  interiorPoint,
  type ConditionInput,
  type DecodedPrompt,
  type Prediction,
  type PromptPoint,
  type Propagator,
} from './propagation';

export interface DecodeOutput {
  /** Low-res mask logits [H·W]. */
  logits: Float32Array;
  height: number;
  width: number;
  pointer: Float32Array;
  objectScoreLogit: number;
  iou: number;
}

/** The three memory graphs bound to the current frame by the engine. */
export interface MemoryFrame {
  frame: number;
  /** Tokens of the top-level grid (T = g²). */
  tokensPerFrame: number;
  /** Frees what the frame holds (GPU buffers of its shared features); called when the next frame is bound. */
  release?(): void;
  /** Mask decoder on conditioned features [1,256,g,g] (or raw + no_memory_embedding); points normalised to [0,1]. */
  decode(feats2: Float32Array | 'no-memory', points: { xy: [number, number]; label: number }[]): Promise<DecodeOutput>;
  attend(memory: ReturnType<MemoryBank['assemble']>): Promise<Float32Array>;
  encode(
    maskLogits: Float32Array,
    width: number,
    height: number,
    fromClicks: boolean,
  ): Promise<{ tokens: Float32Array; pos: Float32Array }>;
}

export class MemoryPropagator implements Propagator {
  readonly kind = 'memory' as const;
  private readonly banks = new Map<number, MemoryBank>();
  /** Pointers predicted on this frame, stored with the memory at commit. */
  private pending = new Map<number, Float32Array>();
  private conditionedThisFrame = new Set<number>();
  frame: MemoryFrame | null = null;
  /** Propagating backward in time (an edit's backward pass): the bank's offsets look forward. */
  reverse = false;
  /** Frames in the clip, when known (an edit of a processed file). */
  numFrames: number | undefined = undefined;

  constructor(
    private readonly constants: MemoryConstants,
    private readonly limits: BankLimits,
    private readonly storage: BankStorage = {},
  ) {}

  /** An object's conditioning frames (a processed file keeps them for edits). */
  conditioningOf(id: number): MemoryEntry[] {
    return [...(this.banks.get(id)?.conditioning ?? [])];
  }

  /** Adds conditioning frames made elsewhere (an edit's prompt, written back; an edit's bank, seeded). */
  addConditioning(id: number, entries: MemoryEntry[]): void {
    let bank = this.banks.get(id);
    if (!bank) this.banks.set(id, (bank = new MemoryBank(this.limits, this.storage)));
    for (const e of entries) bank.addConditioning(e);
  }

  async propagate(ids: number[]): Promise<Map<number, Prediction>> {
    const f = this.frame!;
    this.pending = new Map();
    this.conditionedThisFrame = new Set();
    const out = new Map<number, Prediction>();
    const at = { frame: f.frame, reverse: this.reverse, numFrames: this.numFrames };
    for (const id of ids) {
      const bank = this.banks.get(id);
      if (!bank) continue;
      const memory = bank.assemble(at, this.constants, f.tokensPerFrame);
      const conditioned = await f.attend(memory);
      // Tracked frames: one padding point (0,0) with label −1.
      const d = await f.decode(conditioned, [{ xy: [0, 0], label: -1 }]);
      this.pending.set(id, d.pointer);
      out.set(id, {
        logits: d.logits,
        height: d.height,
        width: d.width,
        objectScoreLogit: d.objectScoreLogit,
        iou: d.iou,
      });
    }
    return out;
  }

  /**
   * A user prompt on this frame, as the reference decodes it: the memory decoder on the raw features +
   * no_memory_embedding with the prompt's own points (the decoder applies SAM's multimask rule: one click → best
   * of 3, two or more points or a box → the single-mask output). Nothing is stored until `condition`.
   */
  async decodePrompt(points: PromptPoint[]): Promise<DecodedPrompt> {
    const d = await this.frame!.decode('no-memory', points);
    return {
      prediction: {
        logits: d.logits,
        height: d.height,
        width: d.width,
        objectScoreLogit: d.objectScoreLogit,
        iou: d.iou,
      },
      pointer: d.pointer,
    };
  }

  async condition(id: number, input: ConditionInput, pointer?: Float32Array): Promise<void> {
    const f = this.frame!;
    let ptr = pointer;
    if (!ptr) {
      // A detection's mask (the reference feeds it as a mask prompt, which these graphs lack): the object pointer
      // of the decoder prompted with an interior point of the mask — an approximation, for detections only.
      const mask = binarizeLogits(input.logits);
      const point = interiorPoint(mask, input.width, input.height);
      const d = point
        ? await f.decode('no-memory', [{ xy: [point[0] / input.width, point[1] / input.height], label: 1 }])
        : null;
      ptr = d?.pointer ?? new Float32Array(this.constants.hiddenDim);
    }
    const { tokens, pos } = await f.encode(input.logits, input.width, input.height, input.fromClicks);
    this.addConditioning(id, [{ frame: f.frame, tokens, pos, pointer: ptr }]);
    this.conditionedThisFrame.add(id);
  }

  async commit(final: Map<number, ConditionInput>): Promise<void> {
    const f = this.frame!;
    for (const [id, input] of final) {
      if (this.conditionedThisFrame.has(id)) continue;
      const bank = this.banks.get(id);
      const pointer = this.pending.get(id);
      if (!bank || !pointer) continue;
      const { tokens, pos } = await f.encode(input.logits, input.width, input.height, false);
      bank.addRecent({ frame: f.frame, tokens, pos, pointer });
    }
  }

  remove(id: number): void {
    this.banks.delete(id);
  }

  dispose(): void {
    this.banks.clear();
    this.pending.clear();
  }

  /** Bytes held by every bank (benchmark). */
  bytes(): number {
    let n = 0;
    for (const b of this.banks.values()) n += b.bytes();
    return n;
  }
}
