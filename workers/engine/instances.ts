/**
 * Post-processing from cached raw outputs to instances: threshold the detector's queries (never below the score
 * floor), apply clicked objects (a refined instance keeps its ID; new objects come after), render each mask once
 * (cropped at the display size, measured at full size), drop empty masks — an empty mask is never an instance —
 * and give every instance the stable ID of its object (instanceIds.ts).
 */
import type { ConceptPrompt, ObjectPrompt } from '../protocol/prompts';
import { SCORE_FLOOR, type ConceptSummary, type InstanceResult } from '../protocol/results';
import type { RawDetection } from '../pipelines/imageConcepts';
import type { RawObjectDecode } from '../pipelines/clickRefine';
import { keptQueries, sigmoid } from '../core/postprocess';
import { candidateAt } from '../core/prompts';
import type { InstanceIdRegistry } from './instanceIds';
import type { CroppedMask, MaskPlane, MaskSizes, RenderedMask, RenderedMaskCache } from './instanceMasks';

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

/** An instance before its mask is rendered and its ID given. */
export interface ResolvedInstance {
  /** Identity of the object for its ID: the detection's key and query, or the clicked object. */
  idKey: string;
  /** Instances of one detection run (or one object) form a group; see instanceIds.ts. */
  idGroup: string;
  conceptId: string;
  conceptIndex: number;
  phrase: string;
  query: number;
  score: number;
  presence: number;
  source: 'concept' | 'object';
  objectId?: string;
  candidates?: { iou: number[]; selected: number };
  plane: MaskPlane | null;
  /** Identity of the mask pixels (raw output + candidate): the rendered-mask and bitmap caches key on it. */
  maskKey: string;
}

/** Instances whose score passes the threshold, clamped to the floor the engine keeps masks for. */
export function effectiveThreshold(threshold: number): number {
  return Math.max(threshold, SCORE_FLOOR);
}

export function resolveInstances(
  detections: ConceptDetection[],
  objects: ObjectDecode[],
  threshold: number,
): ResolvedInstance[] {
  const instances: ResolvedInstance[] = [];
  for (const det of detections) {
    const raw = det.raw;
    if (!raw) continue;
    for (const q of keptQueries(raw.scores, effectiveThreshold(threshold))) {
      const logits = raw.masks.get(q);
      instances.push({
        idKey: `${det.key}#${q}`,
        idGroup: det.key,
        conceptId: det.concept.id,
        conceptIndex: det.conceptIndex,
        phrase: det.concept.phrase,
        query: q,
        score: raw.scores[q],
        presence: raw.presence,
        source: 'concept',
        plane: logits ? { data: logits, width: raw.maskWidth, height: raw.maskHeight } : null,
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
      plane: { data: raw.masks[c], width: raw.maskWidth, height: raw.maskHeight },
      maskKey: `${obj.key}#c${c}`,
    };
    const target = prompt.refines;
    const index = target
      ? instances.findIndex(
          (i) => i.conceptId === target.conceptId && i.query === target.query && i.source === 'concept',
        )
      : -1;
    if (index >= 0) {
      // The refined instance keeps its identity (and so its ID).
      instances[index] = { ...instances[index], ...fields };
      continue;
    }
    const conceptIndex = target ? detections.findIndex((d) => d.concept.id === target.conceptId) : -1;
    appended.push({
      idKey: `object:${prompt.id}`,
      idGroup: `object:${prompt.id}`,
      conceptId: conceptIndex >= 0 ? target!.conceptId : `object:${prompt.id}`,
      conceptIndex,
      phrase: conceptIndex >= 0 ? detections[conceptIndex].concept.phrase : 'object',
      query: target?.query ?? -1,
      presence: 1,
      ...fields,
    });
  }
  return [...instances, ...appended];
}

export interface RenderedInstance extends ResolvedInstance {
  instanceId: number;
  rendered: RenderedMask & { display: CroppedMask };
}

/**
 * Renders every resolved instance's mask, drops the empty ones (reporting clicked objects that found nothing)
 * and gives the rest their stable IDs.
 */
export function renderInstances(
  resolved: ResolvedInstance[],
  sizes: MaskSizes,
  cache: RenderedMaskCache,
  ids: InstanceIdRegistry,
): { instances: RenderedInstance[]; emptyObjects: string[] } {
  const kept: Omit<RenderedInstance, 'instanceId'>[] = [];
  const emptyObjects: string[] = [];
  for (const inst of resolved) {
    const rendered = inst.plane ? cache.get(inst.maskKey, inst.plane, sizes) : null;
    if (!rendered?.display || rendered.fullArea === 0) {
      if (inst.objectId !== undefined) emptyObjects.push(inst.objectId);
      continue;
    }
    kept.push({ ...inst, rendered: { ...rendered, display: rendered.display } });
  }
  const assigned = ids.assign(
    kept.map((k) => ({ key: k.idKey, group: k.idGroup, conceptId: k.conceptId, mask: k.rendered.display })),
  );
  return { instances: kept.map((k, i) => ({ ...k, instanceId: assigned[i] })), emptyObjects };
}

/** Per-concept summaries (presence, count) in request order. */
export function summarizeConcepts(detections: ConceptDetection[], instances: RenderedInstance[]): ConceptSummary[] {
  const concepts = detections.map((det) => ({
    conceptId: det.concept.id,
    phrase: det.concept.phrase,
    presence: det.raw?.presence ?? 0,
    count: 0,
  }));
  for (const inst of instances) {
    const summary = concepts[inst.conceptIndex];
    if (summary) summary.count++;
  }
  return concepts;
}

/** What the UI draws and lists: cropped display masks; box and area at full size (the export's numbers). */
export function toInstanceResult(inst: RenderedInstance): InstanceResult {
  const { display, fullArea, fullBox } = inst.rendered;
  return {
    instanceId: inst.instanceId,
    conceptId: inst.conceptId,
    conceptIndex: inst.conceptIndex,
    query: inst.query,
    score: inst.score,
    presence: inst.presence,
    boxXyxyPx: fullBox ?? [0, 0, 0, 0],
    areaPx: fullArea,
    mask: display,
    maskId: inst.maskKey,
    source: inst.source,
    ...(inst.objectId !== undefined ? { objectId: inst.objectId } : {}),
    ...(inst.candidates ? { candidates: inst.candidates } : {}),
  };
}
