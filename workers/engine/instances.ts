/**
 * Post-processing from cached raw detections to what the UI draws: threshold, boxes to pixels, masks
 * upsampled (bilinear, half-pixel centres) for kept detections only, at the requested resolution.
 */
import type { ConceptPrompt } from '../protocol/prompts';
import type { ConceptSummary, InstanceResult } from '../protocol/results';
import type { RawDetection } from '../pipelines/imageConcepts';
import { keptQueries, queryBoxXyxyPx } from '../core/postprocess';
import { maskArea, upsampleMaskLogits } from '../core/masks';
import { encodeRowMajorRle } from '../core/rle';
import { Lru } from './lru';

export interface ConceptDetection {
  concept: ConceptPrompt;
  conceptIndex: number;
  /** Cache key of the raw detection (image, pack, phrase, boxes). */
  key: string;
  raw: RawDetection | null;
}

export interface MaskGeometry {
  imageWidth: number;
  imageHeight: number;
  maskWidth: number;
  maskHeight: number;
  boxOutput: 'xyxy-norm' | 'cxcywh-norm';
  maskThreshold: number;
}

/** Upsampled masks per (detection, query, size): a threshold change re-uses them. */
export class MaskCache {
  private readonly lru = new Lru<string, { counts: Uint32Array; area: number }>(512);

  get(key: string, query: number, raw: RawDetection, g: MaskGeometry): { counts: Uint32Array; area: number } {
    const id = `${key}#${query}@${g.maskWidth}x${g.maskHeight}`;
    let hit = this.lru.get(id);
    if (!hit) {
      const logits = raw.masks.get(query);
      const mask = logits
        ? upsampleMaskLogits(logits, 0, raw.maskHeight, raw.maskWidth, g.maskWidth, g.maskHeight, g.maskThreshold)
        : new Uint8Array(g.maskWidth * g.maskHeight);
      hit = { counts: encodeRowMajorRle(mask, g.maskWidth, g.maskHeight), area: maskArea(mask) };
      this.lru.set(id, hit);
    }
    return hit;
  }

  clear(): void {
    this.lru.clear();
  }
}

export function buildInstances(
  detections: ConceptDetection[],
  threshold: number,
  g: MaskGeometry,
  cache: MaskCache,
): { instances: InstanceResult[]; concepts: ConceptSummary[] } {
  const instances: InstanceResult[] = [];
  const concepts: ConceptSummary[] = [];
  const areaScale = (g.imageWidth * g.imageHeight) / (g.maskWidth * g.maskHeight);
  for (const det of detections) {
    const raw = det.raw;
    const kept = raw ? keptQueries(raw.scores, threshold) : [];
    concepts.push({
      conceptId: det.concept.id,
      phrase: det.concept.phrase,
      presence: raw ? raw.presence : 0,
      count: kept.length,
    });
    if (!raw) continue;
    for (const q of kept) {
      const { counts, area } = cache.get(det.key, q, raw, g);
      instances.push({
        instanceId: instances.length + 1,
        conceptId: det.concept.id,
        conceptIndex: det.conceptIndex,
        query: q,
        score: raw.scores[q],
        presence: raw.presence,
        boxXyxyPx: queryBoxXyxyPx(raw.boxes, q, g.boxOutput, g.imageWidth, g.imageHeight),
        areaPx: Math.round(area * areaScale),
        mask: { width: g.maskWidth, height: g.maskHeight, counts },
      });
    }
  }
  return { instances, concepts };
}
