/**
 * Prompts drawn on video frames: exemplar boxes (on a concept) and clicked objects, each applying from the frame
 * it was added on. They are part of the document (so undo/redo and the prompt list cover them) but are kept apart
 * from the still image's boxes and clicks, which are in that image's pixels. Pure: Node tests import this.
 *
 * Rules:
 * - A prompt belongs to one video source (`scope`: one opened file, or one webcam run); prompts of another
 *   source are never sent or shown.
 * - File mode (`session` null): `fromFrame` is a frame index of the file. A prompt is sent with every frame
 *   ≥ `fromFrame`, in every run of that file (a re-run replays the file from frame 0 with the prompt scheduled).
 * - Live mode (`session` = the engine session it was made in): `fromFrame` counts that session's sent frames.
 *   After the session restarts (camera or detector interval changed), the frame numbers and track IDs mean
 *   nothing any more: the prompt is sent from the first frame, and a click no longer names a track.
 * - A box is an exemplar of a concept: a phrase concept, or a box-only ("visual") concept made for video.
 *   Boxes of a phrase that was removed are not sent.
 * - A click on a tracked object names its track (`trackId`: the engine re-conditions it); elsewhere it makes a
 *   new object. Clicks on the same track (or, negative, on the selected object) on the same frame are one object.
 */
import type { ClickPoint, ConceptPrompt, ExemplarBox, ObjectPrompt } from '../../workers/protocol';
import { newId, samePlain } from './promptDocument';

export interface VideoPromptOrigin {
  /** The video source: `file:<n>` or `webcam:<n>`. */
  scope: string;
  /** Live: the engine session whose frame numbers and track IDs it refers to. File mode: null. */
  session: string | null;
  /** The first frame the prompt is sent with. */
  fromFrame: number;
}

export interface VideoBoxPrompt extends VideoPromptOrigin {
  kind: 'box';
  /** = box.id */
  id: string;
  conceptId: string;
  /** In the frame's pixels (the video's intrinsic size). */
  box: ExemplarBox;
}

export interface VideoObjectPrompt extends VideoPromptOrigin {
  kind: 'object';
  /** = object.id */
  id: string;
  object: ObjectPrompt;
}

export type VideoPrompt = VideoBoxPrompt | VideoObjectPrompt;

/** The frame being sent (or where a new prompt would go). */
export interface VideoFrameContext {
  scope: string | null;
  /** The engine session (live), null in file mode. */
  session: string | null;
  frameIndex: number;
}

const PHRASE_CONCEPT_PREFIX = 'concept:';

/** The prompt as it applies in `ctx`: its effective first frame and whether its track ID still means something. */
function effective(p: VideoPrompt, ctx: VideoFrameContext): { fromFrame: number; sameSession: boolean } | null {
  if (ctx.scope === null || p.scope !== ctx.scope) return null;
  const sameSession = p.session === null || p.session === ctx.session;
  return { fromFrame: sameSession ? p.fromFrame : 0, sameSession };
}

/** The prompts in force on `ctx.frameIndex`, in document order. */
export function promptsInForce(prompts: readonly VideoPrompt[], ctx: VideoFrameContext): VideoPrompt[] {
  return prompts.filter((p) => {
    const e = effective(p, ctx);
    return e !== null && ctx.frameIndex >= e.fromFrame;
  });
}

/** Prompts of one source (the prompt list shows these). */
export function promptsOfScope(prompts: readonly VideoPrompt[], scope: string | null): VideoPrompt[] {
  return scope === null ? [] : prompts.filter((p) => p.scope === scope);
}

export function isVideoVisualConcept(conceptId: string): boolean {
  return !conceptId.startsWith(PHRASE_CONCEPT_PREFIX);
}

/**
 * What one frame carries: the phrase concepts with the boxes in force on them, then the video's box-only concepts,
 * and the clicked objects in force. The still image's boxes and clicks are never sent.
 */
export function framePromptSet(
  concepts: readonly ConceptPrompt[],
  prompts: readonly VideoPrompt[],
  ctx: VideoFrameContext,
): { concepts: ConceptPrompt[]; objects: ObjectPrompt[] } {
  const active = promptsInForce(prompts, ctx);
  const boxes = new Map<string, ExemplarBox[]>();
  for (const p of active) if (p.kind === 'box') boxes.set(p.conceptId, [...(boxes.get(p.conceptId) ?? []), p.box]);
  const out: ConceptPrompt[] = [];
  for (const c of concepts) {
    if (c.phrase.trim() === '') continue;
    const mine = boxes.get(c.id) ?? [];
    out.push(mine.length === 0 && c.boxes.length === 0 ? c : { ...c, boxes: mine });
  }
  for (const [id, list] of boxes) if (isVideoVisualConcept(id)) out.push({ id, phrase: '', boxes: list });
  const objects: ObjectPrompt[] = [];
  for (const p of active) {
    if (p.kind !== 'object') continue;
    if (effective(p, ctx)!.sameSession || p.object.trackId === undefined) objects.push(p.object);
    else {
      const { trackId: _stale, ...rest } = p.object;
      objects.push(rest);
    }
  }
  return { concepts: out, objects };
}

/**
 * The concept a new video box goes to: the active concept if it is a phrase, else the first phrase, else the
 * source's existing box-only concept, else a new one.
 */
export function conceptForVideoBox(
  concepts: readonly ConceptPrompt[],
  activeConceptId: string | null,
  prompts: readonly VideoPrompt[],
  scope: string,
): string {
  const phrases = concepts.filter((c) => c.phrase.trim() !== '');
  const active = phrases.find((c) => c.id === activeConceptId);
  if (active) return active.id;
  if (phrases[0]) return phrases[0].id;
  const visual = prompts.find((p) => p.kind === 'box' && p.scope === scope && isVideoVisualConcept(p.conceptId));
  return visual?.kind === 'box' ? visual.conceptId : newId('visual');
}

export function addVideoBox(
  prompts: readonly VideoPrompt[],
  origin: VideoPromptOrigin,
  conceptId: string,
  box: ExemplarBox,
): VideoPrompt[] {
  return [...prompts, { kind: 'box', id: box.id, conceptId, box, ...origin }];
}

const sameOrigin = (p: VideoPrompt, o: VideoPromptOrigin) =>
  p.scope === o.scope && p.session === o.session && p.fromFrame === o.fromFrame;

/**
 * A click at a frame pixel. `trackId`: the tracked object under the pointer (null: background). `selectedId`:
 * the selected video object prompt (negative clicks on the background go to it). Null when nothing changes.
 */
export function addVideoClick(
  prompts: readonly VideoPrompt[],
  origin: VideoPromptOrigin,
  point: ClickPoint,
  trackId: number | null,
  selectedId: string | null,
): { prompts: VideoPrompt[]; objectId: string } | null {
  const addTo = (target: VideoObjectPrompt) => ({
    objectId: target.id,
    prompts: prompts.map((p) =>
      p === target
        ? { ...target, object: { ...target.object, points: [...target.object.points, point], candidate: 0 } }
        : p,
    ),
  });
  if (trackId !== null) {
    const same = prompts.find(
      (p): p is VideoObjectPrompt => p.kind === 'object' && sameOrigin(p, origin) && p.object.trackId === trackId,
    );
    if (same) return addTo(same);
    const object: ObjectPrompt = { id: newId('obj'), points: [point], candidate: 0, trackId };
    return { objectId: object.id, prompts: [...prompts, { kind: 'object', id: object.id, object, ...origin }] };
  }
  if (point.polarity === 'negative') {
    const selected = prompts.find(
      (p): p is VideoObjectPrompt => p.kind === 'object' && p.id === selectedId && sameOrigin(p, origin),
    );
    return selected ? addTo(selected) : null;
  }
  const object: ObjectPrompt = { id: newId('obj'), points: [point], candidate: 0 };
  return { objectId: object.id, prompts: [...prompts, { kind: 'object', id: object.id, object, ...origin }] };
}

/** Removes a box or an object prompt (by its id). */
export function removeVideoPrompt(prompts: readonly VideoPrompt[], id: string): readonly VideoPrompt[] {
  const next = prompts.filter((p) => p.id !== id);
  return next.length === prompts.length ? prompts : next;
}

/** Removes one click; an object left without points goes. */
export function removeVideoPoint(prompts: readonly VideoPrompt[], pointId: string): readonly VideoPrompt[] {
  let changed = false;
  const next: VideoPrompt[] = [];
  for (const p of prompts) {
    if (p.kind !== 'object' || !p.object.points.some((x) => x.id === pointId)) {
      next.push(p);
      continue;
    }
    changed = true;
    const points = p.object.points.filter((x) => x.id !== pointId);
    if (points.length > 0) next.push({ ...p, object: { ...p.object, points, candidate: 0 } });
  }
  return changed ? next : prompts;
}

/** Keeps only the prompts of `scope` (a new file or webcam run makes the others meaningless). */
export function pruneToScope(prompts: readonly VideoPrompt[], scope: string): readonly VideoPrompt[] {
  return prompts.every((p) => p.scope === scope) ? prompts : prompts.filter((p) => p.scope === scope);
}

// ---- Re-runs (file mode) ---------------------------------------------------------------------------------

/** Everything a file run's results depend on besides the frames. */
export interface RunInputs {
  scope: string;
  phrases: { id: string; phrase: string }[];
  scoreThreshold: number;
  detectEvery: number;
  prompts: VideoPrompt[];
}

export function runInputs(
  scope: string,
  concepts: readonly ConceptPrompt[],
  prompts: readonly VideoPrompt[],
  scoreThreshold: number,
  detectEvery: number,
): RunInputs {
  return {
    scope,
    phrases: concepts.filter((c) => c.phrase.trim() !== '').map((c) => ({ id: c.id, phrase: c.phrase })),
    scoreThreshold,
    detectEvery,
    prompts: promptsOfScope(prompts, scope),
  };
}

/**
 * The first frame whose results the current inputs would change, compared with the last run's: 0 when phrases,
 * threshold or detector interval changed, else the earliest `fromFrame` of a prompt added, removed or edited;
 * null when nothing changed (or there was no run of this source).
 */
export function firstChangedFrame(last: RunInputs | null, now: RunInputs): number | null {
  if (!last || last.scope !== now.scope) return null;
  if (
    last.scoreThreshold !== now.scoreThreshold ||
    last.detectEvery !== now.detectEvery ||
    !samePlain(last.phrases, now.phrases)
  )
    return 0;
  let first: number | null = null;
  const note = (p: VideoPrompt) => (first = first === null ? p.fromFrame : Math.min(first, p.fromFrame));
  for (const p of now.prompts) {
    const before = last.prompts.find((q) => q.id === p.id);
    if (!before || !samePlain(before, p)) note(p);
    if (before && !samePlain(before, p)) note(before);
  }
  for (const p of last.prompts) if (!now.prompts.some((q) => q.id === p.id)) note(p);
  return first;
}
