/**
 * The masklet export: per frame, per track ID, the COCO RLE mask, box (xywh, original pixels) and score. Pure.
 */
import type { CocoRle, CompactFrame } from './videoModel';

export interface MaskletObject {
  id: number;
  categoryId: number;
  score: number;
  /** [x, y, width, height] in original frame pixels. */
  bbox: [number, number, number, number];
  area: number;
  /** pycocotools compressed RLE (column-major) at the original size; null when the engine sent none. */
  segmentation: CocoRle | null;
}

export interface MaskletExport {
  video: { name: string; width: number; height: number; frames: number; fps: number };
  categories: { id: number; name: string }[];
  frames: { frameIndex: number; timestampMs: number; objects: MaskletObject[] }[];
}

export interface MaskletVideoInfo {
  name: string;
  width: number;
  height: number;
  frameCount: number;
  fps: number;
}

const round2 = (v: number) => Math.round(v * 100) / 100;

/**
 * `phrases` maps each concept ID seen during processing to its phrase; categories are numbered from 1 in order
 * of first appearance in that map. Frames missing from `frames` (cancelled runs) are left out.
 */
export function buildMasklets(
  video: MaskletVideoInfo,
  frames: readonly (CompactFrame | undefined)[],
  phrases: ReadonlyMap<string, string>,
): MaskletExport {
  const categoryOf = new Map<string, number>();
  const categories: { id: number; name: string }[] = [];
  const category = (instanceConceptId: string): number => {
    // Objects made by clicks (`object:<track>`) share one category, "object".
    const conceptId = instanceConceptId.startsWith('object:') ? 'object' : instanceConceptId;
    let id = categoryOf.get(conceptId);
    if (id === undefined) {
      id = categories.length + 1;
      categoryOf.set(conceptId, id);
      const phrase = phrases.get(conceptId);
      categories.push({ id, name: phrase === undefined ? conceptId : phrase === '' ? 'visual' : phrase });
    }
    return id;
  };
  for (const conceptId of phrases.keys()) category(conceptId);
  const out: MaskletExport['frames'] = [];
  for (const f of frames) {
    if (!f) continue;
    out.push({
      frameIndex: f.frameIndex,
      timestampMs: round2(f.timestampMs),
      objects: f.objects.map((o) => {
        const [x1, y1, x2, y2] = o.boxXyxyPx;
        return {
          id: o.id,
          categoryId: category(o.conceptId),
          score: Math.round(o.score * 1e4) / 1e4,
          bbox: [round2(x1), round2(y1), round2(x2 - x1), round2(y2 - y1)],
          area: o.areaPx,
          segmentation: o.cocoRle ?? null,
        };
      }),
    });
  }
  return {
    video: { name: video.name, width: video.width, height: video.height, frames: video.frameCount, fps: video.fps },
    categories,
    frames: out,
  };
}
