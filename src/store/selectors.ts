/**
 * Derived values. Each selector returns a stored reference or a value memoized on its inputs, so zustand
 * subscribers re-render only when something changed.
 */
import type { ConceptSummary, InstanceResult, SegmentRequest, SegmentResult } from '../../workers/protocol';
import { instanceColor, type InstanceColor } from '../colors';
import type { AppState } from './appStore';

const NO_INSTANCES: InstanceResult[] = [];

/** The result only if it belongs to the image on screen. */
export function selectCurrentResult(s: AppState): SegmentResult | null {
  return s.result && s.image && s.result.imageId === s.image.imageId ? s.result : null;
}

export function selectInstances(s: AppState): InstanceResult[] {
  return selectCurrentResult(s)?.instances ?? NO_INSTANCES;
}

const colorCache = new WeakMap<SegmentResult, Map<number, InstanceColor>>();

/** Colour per instance id: concept hue family × rank of the instance within its concept. */
export function instanceColors(result: SegmentResult): Map<number, InstanceColor> {
  let colors = colorCache.get(result);
  if (!colors) {
    colors = new Map();
    const ranks = new Map<number, number>();
    for (const inst of result.instances) {
      const rank = ranks.get(inst.conceptIndex) ?? 0;
      ranks.set(inst.conceptIndex, rank + 1);
      colors.set(inst.instanceId, instanceColor(inst.conceptIndex, rank));
    }
    colorCache.set(result, colors);
  }
  return colors;
}

export type StatusKind = 'working' | 'ready';

export function selectStatus(s: AppState): StatusKind {
  return s.segmentPending || s.imageLoading !== null || s.packLoad?.active === true || s.exporting
    ? 'working'
    : 'ready';
}

/** What the status line says in words. */
export function selectStatusDetail(s: AppState): string {
  if (s.packLoad?.active)
    return s.packLoad.compiling ? `Compiling ${s.packLoad.compiling}…` : `Loading ${s.packLoad.label}…`;
  if (s.imageLoading) return `Opening ${s.imageLoading}…`;
  if (s.segmentPending) return 'Segmenting…';
  if (s.exporting) return 'Exporting…';
  const r = selectCurrentResult(s);
  if (r) {
    const total = Object.values(r.timingsMs).reduce((a, b) => a + b, 0);
    return `${r.instances.length} instance${r.instances.length === 1 ? '' : 's'} · ${Math.round(total)} ms`;
  }
  if (!s.pack) return 'No model pack';
  if (!s.image) return 'Drop, paste or pick an image';
  return 'Type what to find';
}

/** Concepts exist, a result for them is on screen, and nothing passed the threshold. */
export function selectNoMatches(s: AppState): boolean {
  const r = selectCurrentResult(s);
  return s.concepts.length > 0 && r !== null && r.concepts.length > 0 && r.instances.length === 0;
}

export function selectConceptSummaries(s: AppState): ConceptSummary[] {
  return selectCurrentResult(s)?.concepts ?? NO_SUMMARIES;
}
const NO_SUMMARIES: ConceptSummary[] = [];

/** The request the engine should run now, or null when it cannot (no image, no pack) or need not (no concepts). */
export function buildSegmentRequest(s: AppState): SegmentRequest | null {
  if (!s.image || !s.pack || s.concepts.length === 0) return null;
  return { imageId: s.image.imageId, concepts: s.concepts, scoreThreshold: s.scoreThreshold };
}

export function selectCanExport(s: AppState): boolean {
  return selectCurrentResult(s) !== null && s.resultRequest !== null && !s.exporting;
}
