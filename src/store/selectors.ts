/**
 * Derived values. Each selector returns a stored reference or a value memoized on its inputs, so zustand
 * subscribers re-render only when something changed.
 */
import type { ConceptSummary, GraphStep, InstanceResult, SegmentRequest, SegmentResult } from '../../workers/protocol';
import { contrastColors, type InstanceColor, type Rgb } from '../colors';
import { DEFAULT_MASK_STYLE } from '../draw/maskBitmap';
import { fitView, IDENTITY_VIEW, type ViewTransform } from '../draw/coords';
import type { AppState, SegmentProgress } from './appStore';
import { canRedo, canUndo } from './history';
import { distinctPhrases, MAX_CONCEPTS, sameDocument, type PromptDocument } from './promptDocument';

const NO_INSTANCES: InstanceResult[] = [];

/** The result only if it belongs to the image on screen. */
export function selectCurrentResult(s: AppState): SegmentResult | null {
  return s.result && s.image && s.result.imageId === s.image.imageId ? s.result : null;
}

export function selectInstances(s: AppState): InstanceResult[] {
  return selectCurrentResult(s)?.instances ?? NO_INSTANCES;
}

const colorCache = new WeakMap<SegmentResult, Map<number, InstanceColor>>();

/**
 * Colour per instance id. With the mean pixel colour under each mask (`underRgb`, computed in the worker), colours
 * are chosen to contrast with it and with each other (colors.ts `contrastColors`), in instance-ID order so an object
 * keeps its colour while others come and go; an instance without one counts as mid grey. Cached per result: the
 * canvas and the list always agree.
 */
export function instanceColors(result: SegmentResult): Map<number, InstanceColor> {
  let colors = colorCache.get(result);
  if (!colors) {
    const order = [...result.instances].sort((a, b) => a.instanceId - b.instanceId);
    const chosen = contrastColors(
      order.map((i): Rgb | null => i.underRgb ?? null),
      DEFAULT_MASK_STYLE.fillAlpha / 255, // colours are chosen for how they look blended at the fill's opacity
    );
    colors = new Map(order.map((inst, k) => [inst.instanceId, chosen[k]]));
    colorCache.set(result, colors);
  }
  return colors;
}

/**
 * The colours of each concept's instances, in instance-ID order, from `instanceColors`: the concept legend shows
 * these, so its dots are the very colours of the concept's masks and list swatches (a concept has no colour of
 * its own: each mask's colour is chosen against the pixels under it). Hidden instances (not drawn) are left out; a
 * concept with no drawn instance has none.
 */
export function conceptColors(result: SegmentResult): Map<string, InstanceColor[]> {
  const colors = instanceColors(result);
  const out = new Map<string, InstanceColor[]>();
  for (const inst of [...result.instances].sort((a, b) => a.instanceId - b.instanceId)) {
    if (inst.hidden) continue;
    const list = out.get(inst.conceptId) ?? [];
    list.push(colors.get(inst.instanceId)!);
    out.set(inst.conceptId, list);
  }
  return out;
}

export type StatusKind = 'working' | 'ready';

/**
 * Working while a result is being computed, an image opens, an export runs, or the first pack loads. Downloading
 * another pack does not make the app busy: the open pack keeps working (the model panel shows the download).
 */
export function selectStatus(s: AppState): StatusKind {
  const firstPack = s.packLoad?.active === true && (s.pack === null || s.packLoad.compiling !== null);
  return s.segmentPending || s.imageLoading !== null || firstPack || s.exporting ? 'working' : 'ready';
}

/**
 * What the status line says in words. `scope` is what the page shows: the still image's counts and time belong to
 * image mode only; in video and folder modes the line speaks of the pack (their own panels show their progress).
 */
export function selectStatusDetail(s: AppState, scope: 'image' | 'other' = 'image'): string {
  if (s.packLoad?.active)
    return s.packLoad.compiling ? `Compiling ${s.packLoad.compiling}…` : `Loading ${s.packLoad.label}…`;
  if (scope === 'other') return s.pack ? `${s.pack.name} ready` : 'No model pack';
  if (s.imageLoading) return `Opening ${s.imageLoading}…`;
  if (s.segmentPending) return 'Segmenting…';
  if (s.exporting) return 'Exporting…';
  const r = selectCurrentResult(s);
  if (r) {
    const total = Math.round(Object.values(r.timingsMs).reduce((a, b) => a + b, 0));
    const count = `${r.instances.length} instance${r.instances.length === 1 ? '' : 's'}`;
    // A result that ran no graph (an edit, a threshold step) has no time worth showing.
    return total > 0 ? `${count} · ${total} ms` : count;
  }
  if (!s.pack) return 'No model pack';
  if (!s.image) return 'Drop, paste or pick an image';
  return 'Type what to find';
}

let lastDoc: PromptDocument | null = null;
/** The document (prompts) as one object, stable while its fields are. */
export function selectDocument(s: AppState): PromptDocument {
  if (
    lastDoc &&
    lastDoc.chips === s.chips &&
    lastDoc.phraseText === s.phraseText &&
    lastDoc.concepts === s.concepts &&
    lastDoc.objects === s.objects &&
    lastDoc.scoreThreshold === s.scoreThreshold &&
    lastDoc.videoPrompts === s.videoPrompts &&
    lastDoc.edits === s.edits
  )
    return lastDoc;
  lastDoc = {
    chips: s.chips,
    phraseText: s.phraseText,
    concepts: s.concepts,
    objects: s.objects,
    scoreThreshold: s.scoreThreshold,
    videoPrompts: s.videoPrompts,
    edits: s.edits,
  };
  return lastDoc;
}

export function selectCanUndo(s: AppState): boolean {
  return s.gesture === null && canUndo(s.history, selectDocument(s), sameDocument);
}

export function selectCanRedo(s: AppState): boolean {
  return s.gesture === null && canRedo(s.history);
}

/** The concept new boxes go to: the selected one if it still exists, else the first, else none (a new one). */
export function selectActiveConceptId(s: AppState): string | null {
  if (s.activeConceptId && s.concepts.some((c) => c.id === s.activeConceptId)) return s.activeConceptId;
  return s.concepts[0]?.id ?? null;
}

export function selectSelectedObjectId(s: AppState): string | null {
  return s.selectedObjectId && s.objects.some((o) => o.id === s.selectedObjectId) ? s.selectedObjectId : null;
}

/** The instance on screen for an object (made or refined with clicks). */
export function instanceOfObject(s: AppState, objectId: string | null): InstanceResult | null {
  if (!objectId) return null;
  return selectInstances(s).find((i) => i.source === 'object' && i.objectId === objectId) ?? null;
}

export interface CandidateInfo {
  objectId: string;
  /** 0-based index shown. */
  selected: number;
  count: number;
  iou: number | null;
}

/**
 * The selected object's candidate masks as the engine reported them (what `C` cycles). A new object per call:
 * components select its fields, not the object.
 */
export function selectCandidateInfo(s: AppState): CandidateInfo | null {
  const objectId = selectSelectedObjectId(s);
  if (!objectId) return null;
  const inst = instanceOfObject(s, objectId);
  const cands = inst?.candidates;
  const object = s.objects.find((o) => o.id === objectId)!;
  // The document says which candidate is wanted (the result may still be on its way).
  const selected = object.candidate;
  return {
    objectId,
    selected,
    count: cands?.iou.length ?? 3,
    iou: cands?.iou[selected] ?? null,
  };
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

/**
 * The request the engine should run now, or null when it cannot (no image, no pack) or need not (no concepts and
 * no objects). `objects` is left out when there are none, so phrase-only requests stay as before.
 */
export function buildSegmentRequest(s: AppState): SegmentRequest | null {
  if (!s.image || !s.pack || (s.concepts.length === 0 && s.objects.length === 0)) return null;
  return {
    imageId: s.image.imageId,
    concepts: s.concepts,
    ...(s.objects.length > 0 ? { objects: s.objects } : {}),
    ...(s.edits.length > 0 ? { edits: s.edits } : {}),
    scoreThreshold: s.scoreThreshold,
  };
}

export function selectCanExport(s: AppState): boolean {
  return selectCurrentResult(s) !== null && s.resultRequest !== null && !s.exporting;
}

/** How many typed or chipped phrases the concept cap (MAX_CONCEPTS) leaves out: they are not run. */
export function selectIgnoredPhraseCount(s: AppState): number {
  const used = s.concepts.filter((c) => c.phrase !== '').length;
  return Math.max(0, distinctPhrases(s.chips, s.phraseText).length - used);
}

export { MAX_CONCEPTS };

let lastView: {
  zoom: AppState['zoom'];
  image: AppState['image'];
  stage: AppState['stageSize'];
  view: ViewTransform;
} | null = null;

/**
 * The image stage's view (display-image px → canvas CSS px): the user's zoom and pan, or the view that fits the
 * image. Every pointer mapping, the renderer and the prompt marks use this one transform. Stable while its inputs are.
 */
export function selectImageView(s: AppState): ViewTransform {
  if (lastView && lastView.zoom === s.zoom && lastView.image === s.image && lastView.stage === s.stageSize)
    return lastView.view;
  const view =
    s.zoom ??
    (s.image?.display
      ? fitView(s.image.displayWidth, s.image.displayHeight, s.stageSize.width, s.stageSize.height)
      : { ...IDENTITY_VIEW });
  lastView = { zoom: s.zoom, image: s.image, stage: s.stageSize, view };
  return view;
}

/** Zoom relative to the fitted view (1 = fit), for the toolbar. */
/**
 * The zoom in the toolbar: CSS pixels per original image pixel, in percent, so "1:1" reads 100 % (a display copy of a
 * huge image counts at its original size).
 */
export function selectZoomPercent(s: AppState): number {
  const image = s.image;
  if (!image || !s.zoom || !image.width) return 100;
  return Math.round(((s.zoom.scale * image.displayWidth) / image.width) * 100);
}

/**
 * What an instance is, in words: its concept's phrase ("visual" for a box-only concept), "object" for one made by
 * clicks. The list, the canvas labels and the export's categories say the same.
 */
export function instanceName(result: SegmentResult, inst: InstanceResult): string {
  const summary = result.concepts.find((c) => c.conceptId === inst.conceptId);
  if (summary) return summary.phrase === '' ? 'visual' : summary.phrase;
  return inst.source === 'object' ? 'object' : inst.conceptId;
}

/** The instance selected for editing, if it is in the result on screen. */
export function selectSelectedInstance(s: AppState): InstanceResult | null {
  if (s.selectedInstanceId === null) return null;
  return selectInstances(s).find((i) => i.instanceId === s.selectedInstanceId) ?? null;
}

/** How long a segmentation runs before the status line shows its graphs and a Cancel button. */
export const LONG_REQUEST_MS = 1000;

/** A graph step in words: what it does for the person, and which graph it is. */
export function graphStepText(step: { graph: GraphStep; phrase?: string }): string {
  const phrase = step.phrase && step.phrase.length > 40 ? `${step.phrase.slice(0, 39)}…` : step.phrase;
  const quoted = phrase ? ` "${phrase}"` : '';
  switch (step.graph) {
    case 'vision':
      return 'Encoding the image (vision graph)';
    case 'text':
      return `Encoding${quoted || ' the phrase'} (text graph)`;
    case 'detector':
      return `Finding${quoted || ' the concept'} (detector graph)`;
    case 'trackerVision':
      return 'Encoding the image for clicks (tracker vision graph)';
    case 'tracker':
      return 'Refining the clicked object (tracker graph)';
  }
}

/** A graph's name as the status line says it. */
export function graphName(graph: GraphStep): string {
  return graph === 'trackerVision' ? 'tracker vision' : graph;
}

/** m:ss (h:mm:ss past an hour). */
export function formatElapsed(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = String(total % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}

/**
 * The status line of a long segmentation at `now` (performance.now()): "Encoding the image (vision graph)… 1 of 3
 * graphs, 2:14 elapsed".
 */
export function segmentProgressText(p: SegmentProgress, now: number): string {
  const elapsed = `${formatElapsed(now - p.startedAt)} elapsed`;
  const graphs = (k: number) => `${k} of ${p.total} graph${p.total === 1 ? '' : 's'}`;
  if (p.cancelling) {
    return p.running
      ? `Cancelling: the ${graphName(p.running.graph)} graph finishes first… ${elapsed}`
      : `Cancelling… ${elapsed}`;
  }
  if (p.running) return `${graphStepText(p.running)}… ${graphs(p.running.index)}, ${elapsed}`;
  if (p.total > 0 && p.done >= p.total) return `Making the masks… ${graphs(p.done)} done, ${elapsed}`;
  if (p.done > 0) return `Segmenting… ${graphs(p.done)} done, ${elapsed}`;
  return `Waiting for the model… ${elapsed}`;
}
