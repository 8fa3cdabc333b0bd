/**
 * How existing objects are carried to the next frame. Two strategies behind one interface:
 * - `prompt-decoder` (fallback, packs without memory graphs): each object is re-prompted on the new frame with its
 *   previous mask's box (grown by a margin for motion) and an interior point, through the prompt decoder;
 * - `memory` (packs with the memory graphs): the reference's memory bank (memoryPropagator.ts).
 */
/** The tracker prompt decoder's raw outputs for one object, in host memory. */
export interface RawObjectDecode {
  /** Predicted IoU per candidate. */
  iou: Float32Array;
  /** Candidate indices sorted by predicted IoU, best first. */
  order: number[];
  objectScoreLogit: number;
  maskHeight: number;
  maskWidth: number;
  /** Candidate mask logits, by candidate index. */
  masks: Float32Array[];
}

export interface Prediction {
  /** Mask logits on the tracker's mask grid. */
  logits: Float32Array;
  height: number;
  width: number;
  objectScoreLogit: number;
  /** Predicted IoU of the chosen candidate (1 when unknown). */
  iou: number;
}

export interface ConditionInput {
  /** Mask logits (or a binary mask as ±10 logits) on the tracker's grid. */
  logits: Float32Array;
  height: number;
  width: number;
  /** A click-prompted mask (binarized for memory) rather than a detection. */
  fromClicks: boolean;
}

/** A prompt point for the video decoder: normalised [0,1] coordinates and SAM's label (1/0 click, 2/3 box corner). */
export interface PromptPoint {
  xy: [number, number];
  label: number;
}

/** A user prompt decoded on the current frame without memory: its mask and the object pointer it gives. */
export interface DecodedPrompt {
  prediction: Prediction;
  pointer: Float32Array;
}

export interface Propagator {
  readonly kind: 'memory' | 'prompt-decoder';
  /** Predictions for the given tracks on the current frame (before any memory is written for it). */
  propagate(ids: number[]): Promise<Map<number, Prediction>>;
  /**
   * Decodes a user prompt on the current frame the way the reference does (memory path only): the memory decoder
   * on the frame's raw features + no_memory_embedding, with the prompt's own points (reference.md §8, §10.5).
   */
  decodePrompt?(points: PromptPoint[]): Promise<DecodedPrompt>;
  /**
   * Makes this frame a conditioning frame for `id` (new track, re-conditioning, a click). `pointer`: the object
   * pointer of a decoded prompt (else the propagator derives one from the mask).
   */
  condition(id: number, input: ConditionInput, pointer?: Float32Array): Promise<void>;
  /** Writes this frame's final masks to memory (non-overlapping; absent objects as empty). */
  commit(final: Map<number, ConditionInput>): Promise<void>;
  remove(id: number): void;
  /** Frees everything held for past frames. */
  dispose(): void;
}

/**
 * SAM's prompt for one object on a frame (reference.md §8): the box as two corner points labelled 2 and 3 first,
 * then the clicks labelled 1 (positive) or 0 (negative); coordinates normalised by the frame's size.
 */
export function promptPoints(
  points: { xyPx: [number, number]; polarity: 'positive' | 'negative' }[],
  box: [number, number, number, number] | undefined,
  width: number,
  height: number,
): PromptPoint[] {
  const out: PromptPoint[] = [];
  if (box) {
    out.push({ xy: [box[0] / width, box[1] / height], label: 2 });
    out.push({ xy: [box[2] / width, box[3] / height], label: 3 });
  }
  for (const p of points)
    out.push({ xy: [p.xyPx[0] / width, p.xyPx[1] / height], label: p.polarity === 'positive' ? 1 : 0 });
  return out;
}

/**
 * A point well inside a binary mask: the mask pixel farthest from the mask's boundary (Chebyshev distance by a
 * two-pass chamfer transform), so a click there selects the object rather than its edge.
 */
export function interiorPoint(mask: Uint8Array, w: number, h: number): [number, number] | null {
  const d = new Int32Array(w * h);
  const big = w + h;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const i = y * w + x;
      if (!mask[i]) continue;
      let v = big;
      v = Math.min(v, (x > 0 ? d[i - 1] : 0) + 1, (y > 0 ? d[i - w] : 0) + 1);
      v = Math.min(v, (x > 0 && y > 0 ? d[i - w - 1] : 0) + 1, (x < w - 1 && y > 0 ? d[i - w + 1] : 0) + 1);
      d[i] = v;
    }
  }
  let best = -1;
  let at: [number, number] | null = null;
  for (let y = h - 1; y >= 0; y--) {
    for (let x = w - 1; x >= 0; x--) {
      const i = y * w + x;
      if (!mask[i]) continue;
      let v = d[i];
      v = Math.min(v, (x < w - 1 ? d[i + 1] : 0) + 1, (y < h - 1 ? d[i + w] : 0) + 1);
      v = Math.min(v, (x < w - 1 && y < h - 1 ? d[i + w + 1] : 0) + 1, (x > 0 && y < h - 1 ? d[i + w - 1] : 0) + 1);
      d[i] = v;
      if (v >= best) {
        best = v;
        at = [x + 0.5, y + 0.5];
      }
    }
  }
  return at;
}
