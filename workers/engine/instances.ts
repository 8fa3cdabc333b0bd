/**
 * Post-processing from cached raw outputs to instances: threshold the detector's queries, apply clicked objects
 * (a refined instance keeps its ID; new objects come after), then render masks — bilinear with half-pixel centres,
 * kept instances only — at the display size (what the UI draws) or at full size (the export).
 */
import type { ConceptPrompt, ObjectPrompt } from '../protocol/prompts';
import type { ConceptSummary, InstanceResult } from '../protocol/results';
import type { RawDetection } from '../pipelines/imageConcepts';
import type { RawObjectDecode } from '../pipelines/clickRefine';
import { keptQueries, queryBoxXyxyPx, sigmoid } from '../core/postprocess';
import { maskArea, maskBoundingBox, upsampleMaskLogits } from '../core/masks';
import { encodeRowMajorRle } from '../core/rle';
import { candidateAt } from '../core/prompts';
import type { Box4 } from '../core/boxes';
import { Lru } from './lru';

export interface ConceptDetection {
  concept: ConceptPrompt;
  conceptIndex: number;
  /** Cache key of the raw detection (image, pack, phrase, boxes). */
  key: string;
  raw: RawDetection | null;
}

export interface ObjectDecode {
  prompt: ObjectPrompt;
  /** Cache key of the raw decode (image, pack, points, box). */
  key: string;
  raw: RawObjectDecode;
}

export interface MaskGeometry {
  imageWidth: number;
  imageHeight: number;
  maskWidth: number;
  maskHeight: number;
  boxOutput: 'xyxy-norm' | 'cxcywh-norm';
  maskThreshold: number;
}

/** An instance before its mask is rendered. */
export interface ResolvedInstance {
  instanceId: number;
  conceptId: string;
  conceptIndex: number;
  phrase: string;
  query: number;
  score: number;
  presence: number;
  source: 'concept' | 'object';
  objectId?: string;
  candidates?: { iou: number[]; selected: number };
  logits: Float32Array | undefined;
  logitHeight: number;
  logitWidth: number;
  /** The detector's box in original pixels; null for objects (their box comes from the mask). */
  modelBox: Box4 | null;
  maskKey: string;
}

export function resolveInstances(
  detections: ConceptDetection[],
  objects: ObjectDecode[],
  threshold: number,
  g: Pick<MaskGeometry, 'imageWidth' | 'imageHeight' | 'boxOutput'>,
): { instances: ResolvedInstance[]; concepts: ConceptSummary[] } {
  const instances: ResolvedInstance[] = [];
  const concepts: ConceptSummary[] = [];
  for (const det of detections) {
    const raw = det.raw;
    const kept = raw ? keptQueries(raw.scores, threshold) : [];
    concepts.push({ conceptId: det.concept.id, phrase: det.concept.phrase, presence: raw?.presence ?? 0, count: 0 });
    if (!raw) continue;
    for (const q of kept) {
      instances.push({
        instanceId: instances.length + 1,
        conceptId: det.concept.id,
        conceptIndex: det.conceptIndex,
        phrase: det.concept.phrase,
        query: q,
        score: raw.scores[q],
        presence: raw.presence,
        source: 'concept',
        logits: raw.masks.get(q),
        logitHeight: raw.maskHeight,
        logitWidth: raw.maskWidth,
        modelBox: queryBoxXyxyPx(raw.boxes, q, g.boxOutput, g.imageWidth, g.imageHeight),
        maskKey: `${det.key}#${q}`,
      });
    }
  }
  const appended: ResolvedInstance[] = [];
  for (const obj of objects) {
    const { raw, prompt } = obj;
    const c = candidateAt(raw.order, prompt.candidate);
    const fields = {
      score: raw.iou[c] * sigmoid(raw.objectScoreLogit),
      source: 'object' as const,
      objectId: prompt.id,
      candidates: { iou: raw.order.map((i) => raw.iou[i]), selected: raw.order.indexOf(c) },
      logits: raw.masks[c],
      logitHeight: raw.maskHeight,
      logitWidth: raw.maskWidth,
      modelBox: null,
      maskKey: `${obj.key}#c${c}`,
    };
    const target = prompt.refines;
    const index = target
      ? instances.findIndex(
          (i) => i.conceptId === target.conceptId && i.query === target.query && i.source === 'concept',
        )
      : -1;
    if (index >= 0) {
      instances[index] = { ...instances[index], ...fields };
      continue;
    }
    const conceptIndex = target ? detections.findIndex((d) => d.concept.id === target.conceptId) : -1;
    appended.push({
      instanceId: 0,
      conceptId: conceptIndex >= 0 ? target!.conceptId : `object:${prompt.id}`,
      conceptIndex,
      phrase: conceptIndex >= 0 ? detections[conceptIndex].concept.phrase : 'object',
      query: target?.query ?? -1,
      presence: 1,
      ...fields,
    });
  }
  for (const a of appended) instances.push({ ...a, instanceId: instances.length + 1 });
  for (const inst of instances) {
    const summary = concepts[inst.conceptIndex];
    if (summary) summary.count++;
  }
  return { instances, concepts };
}

/** Binary mask of a resolved instance at `width × height`. */
export function renderMask(inst: ResolvedInstance, width: number, height: number, threshold: number): Uint8Array {
  return inst.logits
    ? upsampleMaskLogits(inst.logits, 0, inst.logitHeight, inst.logitWidth, width, height, threshold)
    : new Uint8Array(width * height);
}

/** Box in original pixels: the detector's, or the mask's bounds for objects. */
export function instanceBox(inst: ResolvedInstance, mask: Uint8Array, g: MaskGeometry): Box4 {
  if (inst.modelBox) return inst.modelBox;
  const b = maskBoundingBox(mask, g.maskWidth, g.maskHeight);
  if (!b) return [0, 0, 0, 0];
  const sx = g.imageWidth / g.maskWidth;
  const sy = g.imageHeight / g.maskHeight;
  return [b[0] * sx, b[1] * sy, b[2] * sx, b[3] * sy];
}

interface RenderedMask {
  counts: Uint32Array;
  area: number;
  box: Box4;
}

/** Rendered masks per (raw output, candidate, size): a threshold change or a redraw re-uses them. */
export class MaskCache {
  private readonly lru = new Lru<string, RenderedMask>(512);

  get(inst: ResolvedInstance, g: MaskGeometry): RenderedMask {
    const id = `${inst.maskKey}@${g.maskWidth}x${g.maskHeight}`;
    let hit = this.lru.get(id);
    if (!hit) {
      const mask = renderMask(inst, g.maskWidth, g.maskHeight, g.maskThreshold);
      hit = {
        counts: encodeRowMajorRle(mask, g.maskWidth, g.maskHeight),
        area: maskArea(mask),
        box: instanceBox(inst, mask, g),
      };
      this.lru.set(id, hit);
    }
    return hit;
  }

  clear(): void {
    this.lru.clear();
  }
}

/** What the UI draws: instances with row-major RLE masks at the display size. */
export function buildInstances(
  detections: ConceptDetection[],
  objects: ObjectDecode[],
  threshold: number,
  g: MaskGeometry,
  cache: MaskCache,
): { instances: InstanceResult[]; concepts: ConceptSummary[] } {
  const resolved = resolveInstances(detections, objects, threshold, g);
  const areaScale = (g.imageWidth * g.imageHeight) / (g.maskWidth * g.maskHeight);
  const instances = resolved.instances.map((inst): InstanceResult => {
    const { counts, area, box } = cache.get(inst, g);
    return {
      instanceId: inst.instanceId,
      conceptId: inst.conceptId,
      conceptIndex: inst.conceptIndex,
      query: inst.query,
      score: inst.score,
      presence: inst.presence,
      boxXyxyPx: box,
      areaPx: Math.round(area * areaScale),
      mask: { width: g.maskWidth, height: g.maskHeight, counts },
      source: inst.source,
      ...(inst.objectId !== undefined ? { objectId: inst.objectId } : {}),
      ...(inst.candidates ? { candidates: inst.candidates } : {}),
    };
  });
  return { instances, concepts: resolved.concepts };
}
