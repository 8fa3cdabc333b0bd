/**
 * The masklet export: per frame, per track ID, the COCO RLE mask, box (xywh, original pixels) and score. Pure.
 * Categories are shared with the YouTube-VIS export (export/ytvis.ts): one per phrase, or per renamed label.
 */
import { cocoCountsToString, rowMajorToCocoCounts } from './results/rleCodec';
import type { CocoRle, CompactFrame, CompactObject } from './videoModel';

export interface MaskletObject {
  id: number;
  categoryId: number;
  score: number;
  /** [x, y, width, height] in original frame pixels. */
  bbox: [number, number, number, number];
  area: number;
  /** pycocotools compressed RLE (column-major) at the mask's size (the frame's, up to 2048 px a side). */
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
 * Numbers categories from 1 in order of first appearance: the phrases sent (in order), then anything else met.
 * A renamed track (`labels`) belongs to the category of its new name. Objects made by clicks share "object".
 */
export class Categories {
  readonly list: { id: number; name: string }[] = [];
  private readonly byName = new Map<string, number>();

  constructor(
    private readonly phrases: ReadonlyMap<string, string>,
    private readonly labels: Readonly<Record<number, string>> = {},
  ) {
    for (const conceptId of phrases.keys()) this.named(this.conceptName(conceptId));
  }

  of(o: Pick<CompactObject, 'id' | 'conceptId'>): number {
    return this.named(this.labels[o.id] ?? this.conceptName(o.conceptId));
  }

  private conceptName(instanceConceptId: string): string {
    const conceptId = instanceConceptId.startsWith('object:') ? 'object' : instanceConceptId;
    const phrase = this.phrases.get(conceptId);
    return phrase === undefined ? conceptId : phrase === '' ? 'visual' : phrase;
  }

  private named(name: string): number {
    let id = this.byName.get(name);
    if (id === undefined) {
      id = this.list.length + 1;
      this.byName.set(name, id);
      this.list.push({ id, name });
    }
    return id;
  }
}

/** The object's COCO RLE: the engine's when it sent one, else computed from the stored row-major mask. */
export function cocoRleOf(o: CompactObject): CocoRle {
  if (o.cocoRle) return o.cocoRle;
  const { width, height, counts, box } = o.mask;
  return { size: [height, width], counts: cocoCountsToString(rowMajorToCocoCounts(counts, width, height, box)) };
}

/**
 * `phrases` maps each concept ID seen during processing to its phrase. Frames missing from `frames` (cancelled
 * runs) are left out.
 */
export function buildMasklets(
  video: MaskletVideoInfo,
  frames: Iterable<CompactFrame | undefined>,
  phrases: ReadonlyMap<string, string>,
  labels: Readonly<Record<number, string>> = {},
): MaskletExport {
  const categories = new Categories(phrases, labels);
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
          categoryId: categories.of(o),
          score: Math.round(o.score * 1e4) / 1e4,
          bbox: [round2(x1), round2(y1), round2(x2 - x1), round2(y2 - y1)],
          area: o.areaPx,
          segmentation: cocoRleOf(o),
        };
      }),
    });
  }
  return {
    video: { name: video.name, width: video.width, height: video.height, frames: video.frameCount, fps: video.fps },
    categories: categories.list,
    frames: out,
  };
}
