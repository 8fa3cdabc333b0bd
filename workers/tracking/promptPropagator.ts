/**
 * Fallback propagation for packs without memory graphs: each object keeps only its last mask; on a new frame it
 * is re-prompted through the tracker's prompt decoder with an interior point of that mask and its box grown by
 * `BOX_MARGIN` (objects move). Memory use is one low-res mask per object.
 */
import { binarizeLogits, maskBoundingBox } from '../core/masks';
import {
  interiorPoint,
  type ConditionInput,
  type Prediction,
  type Propagator,
  type RawObjectDecode,
} from './propagation';

/** The previous box grows by this fraction of its size on each side before prompting. */
export const BOX_MARGIN = 0.25;
/**
 * A prediction more than this many times larger than the previous mask means the prompt landed on background
 * (the object left or was occluded): the object is treated as absent on this frame. A fallback heuristic; the
 * memory path needs none.
 */
export const MAX_AREA_GROWTH = 4;

export interface PromptDecoderFrame {
  /** Decodes one object on the current frame; coordinates in original pixels. */
  decode(
    points: { xyPx: [number, number]; positive: boolean }[],
    box: [number, number, number, number],
  ): Promise<RawObjectDecode>;
  imageWidth: number;
  imageHeight: number;
}

export class PromptPropagator implements Propagator {
  readonly kind = 'prompt-decoder' as const;
  private readonly last = new Map<number, { mask: Uint8Array; width: number; height: number }>();
  frame: PromptDecoderFrame | null = null;

  async propagate(ids: number[]): Promise<Map<number, Prediction>> {
    const out = new Map<number, Prediction>();
    const f = this.frame!;
    for (const id of ids) {
      const prev = this.last.get(id);
      const box = prev && maskBoundingBox(prev.mask, prev.width, prev.height);
      const point = prev && interiorPoint(prev.mask, prev.width, prev.height);
      if (!prev || !box || !point) {
        out.set(id, emptyPrediction(prev?.width ?? 1, prev?.height ?? 1));
        continue;
      }
      const sx = f.imageWidth / prev.width;
      const sy = f.imageHeight / prev.height;
      const [x0, y0, x1, y1] = box;
      const mx = (x1 - x0) * BOX_MARGIN;
      const my = (y1 - y0) * BOX_MARGIN;
      const boxPx: [number, number, number, number] = [
        Math.max(0, (x0 - mx) * sx),
        Math.max(0, (y0 - my) * sy),
        Math.min(f.imageWidth, (x1 + mx) * sx),
        Math.min(f.imageHeight, (y1 + my) * sy),
      ];
      const raw = await f.decode([{ xyPx: [point[0] * sx, point[1] * sy], positive: true }], boxPx);
      const best = raw.order[0];
      const area = raw.masks[best].reduce((n, v) => n + (v > 0 ? 1 : 0), 0);
      const prevArea = prev.mask.reduce((n, v) => n + v, 0);
      if (area > MAX_AREA_GROWTH * prevArea * ((raw.maskWidth * raw.maskHeight) / (prev.width * prev.height))) {
        out.set(id, emptyPrediction(raw.maskWidth, raw.maskHeight));
        continue;
      }
      out.set(id, {
        logits: raw.masks[best],
        height: raw.maskHeight,
        width: raw.maskWidth,
        objectScoreLogit: raw.objectScoreLogit,
        iou: raw.iou[best],
      });
    }
    return out;
  }

  async condition(id: number, input: ConditionInput): Promise<void> {
    this.last.set(id, { mask: binarize(input.logits), width: input.width, height: input.height });
  }

  async commit(final: Map<number, ConditionInput>): Promise<void> {
    for (const [id, input] of final) await this.condition(id, input);
  }

  remove(id: number): void {
    this.last.delete(id);
  }

  dispose(): void {
    this.last.clear();
  }
}

function binarize(logits: Float32Array): Uint8Array {
  return binarizeLogits(logits);
}

export function emptyPrediction(width: number, height: number): Prediction {
  return { logits: new Float32Array(width * height).fill(-10), width, height, objectScoreLogit: -10, iou: 0 };
}
