/**
 * The document: everything the user prompted (phrases, chips, exemplar boxes, clicked objects, threshold).
 * Results are derived from it and never part of it. Every edit is a pure function here, so undo/redo and the
 * actions share one set of rules and Node tests cover them.
 */
import type {
  ClickPoint,
  ConceptPrompt,
  ExemplarBox,
  InstanceEdit,
  ObjectPrompt,
  Polarity,
} from '../../workers/protocol';
import type { VideoPrompt } from './videoPrompts';
import { SCORE_FLOOR } from '../../workers/protocol/results';

export interface PromptDocument {
  chips: string[];
  /** The phrase field's text (comma-separated phrases). */
  phraseText: string;
  /** Phrase concepts (chips, then the text's phrases) with their boxes, then box-only concepts (phrase ''). */
  concepts: ConceptPrompt[];
  objects: ObjectPrompt[];
  scoreThreshold: number;
  /** Boxes and clicks drawn on video frames, each from its frame on (see videoPrompts.ts). */
  videoPrompts: readonly VideoPrompt[];
  /** Edits of the still image's instances (hide, delete, move), one per instance ID. */
  edits: InstanceEdit[];
}

type Box4 = [number, number, number, number];

let idCounter = 0;
/** Unique ids for boxes, points, objects and box-only concepts. */
export function newId(prefix: string): string {
  idCounter += 1;
  return `${prefix}-${idCounter.toString(36)}`;
}

export function splitPhrases(text: string): string[] {
  return text
    .split(',')
    .map((p) => p.trim().replace(/\s+/g, ' '))
    .filter((p) => p.length > 0);
}

/**
 * The most concepts one request carries. Each concept runs the text encoder and the detector once per image and
 * adds up to the detector's 200 queries of masks, so the cost of a request grows with every concept: 5,000
 * characters of comma-separated words made 576 concepts, 21 s of work, near-second UI stalls and 72 masks
 * stacked on each object (issue 10). Sixteen is more than a person names for one image, keeps a real pack's
 * answer within a few detector runs' time, and keeps the labels on the canvas readable. Phrases past the cap
 * stay in the text field and are reported (selectIgnoredPhrases), never silently run.
 */
export const MAX_CONCEPTS = 16;

/** Distinct phrases of chips + text (first spelling wins), in order, before the cap. */
export function distinctPhrases(chips: readonly string[], text: string): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const phrase of [...chips, ...splitPhrases(text)]) {
    const id = phraseConceptId(phrase);
    if (seen.has(id)) continue;
    seen.add(id);
    out.push(phrase);
  }
  return out;
}

/** How many phrase concepts fit next to `boxOnly` box-only concepts. */
export function phraseCapacity(boxOnly: number): number {
  return Math.max(0, MAX_CONCEPTS - boxOnly);
}

export function phraseConceptId(phrase: string): string {
  return `concept:${phrase.toLowerCase()}`;
}

/**
 * Concepts for chips + text. A phrase concept's id derives from its phrase; it keeps the boxes it had in any of
 * `previous` (first match wins), so boxes survive retyping within one edit. Box-only concepts of `current` stay.
 * At most MAX_CONCEPTS in all: the first phrases win, later ones are left out.
 */
export function deriveConcepts(
  chips: readonly string[],
  text: string,
  current: readonly ConceptPrompt[],
  previous: readonly (readonly ConceptPrompt[])[] = [],
): ConceptPrompt[] {
  const boxesOf = (id: string): ExemplarBox[] => {
    for (const list of [current, ...previous]) {
      const c = list.find((x) => x.id === id && x.phrase !== '');
      if (c) return c.boxes;
    }
    return [];
  };
  const boxOnly = current.filter((c) => c.phrase === '' && c.boxes.length > 0);
  const out: ConceptPrompt[] = [];
  for (const phrase of distinctPhrases(chips, text).slice(0, phraseCapacity(boxOnly.length))) {
    const id = phraseConceptId(phrase);
    const prev = current.find((c) => c.id === id);
    const boxes = boxesOf(id);
    out.push(prev && prev.phrase === phrase && prev.boxes === boxes ? prev : { id, phrase, boxes });
  }
  out.push(...boxOnly);
  return out;
}

export function withPhrases(
  doc: PromptDocument,
  chips: string[],
  phraseText: string,
  previous: readonly (readonly ConceptPrompt[])[] = [],
): PromptDocument {
  const derived = deriveConcepts(chips, phraseText, doc.concepts, previous);
  const concepts =
    derived.length === doc.concepts.length && derived.every((c, i) => c === doc.concepts[i]) ? doc.concepts : derived;
  return { ...doc, chips, phraseText, concepts };
}

export function normalizeBox(b: readonly number[]): Box4 {
  return [Math.min(b[0], b[2]), Math.min(b[1], b[3]), Math.max(b[0], b[2]), Math.max(b[1], b[3])];
}

/**
 * Adds an exemplar box to a concept. `conceptId` null (no concept yet) creates a box-only concept, which the
 * engine runs with the text "visual". Returns the document and the concept the box went to.
 */
export function addBox(
  doc: PromptDocument,
  conceptId: string | null,
  box: ExemplarBox,
): { doc: PromptDocument; conceptId: string } {
  const target = conceptId === null ? undefined : doc.concepts.find((c) => c.id === conceptId);
  if (!target) {
    const concept: ConceptPrompt = { id: newId('visual'), phrase: '', boxes: [box] };
    return { doc: { ...doc, concepts: [...doc.concepts, concept] }, conceptId: concept.id };
  }
  return {
    doc: {
      ...doc,
      concepts: doc.concepts.map((c) => (c === target ? { ...c, boxes: [...c.boxes, box] } : c)),
    },
    conceptId: target.id,
  };
}

/** Removes a box; a box-only concept left without boxes goes too. */
export function removeBox(doc: PromptDocument, boxId: string): PromptDocument {
  const concepts: ConceptPrompt[] = [];
  let changed = false;
  for (const c of doc.concepts) {
    if (!c.boxes.some((b) => b.id === boxId)) {
      concepts.push(c);
      continue;
    }
    changed = true;
    const boxes = c.boxes.filter((b) => b.id !== boxId);
    if (c.phrase !== '' || boxes.length > 0) concepts.push({ ...c, boxes });
  }
  return changed ? { ...doc, concepts } : doc;
}

/** Removes a concept: its chip or its phrase in the text, and its boxes. Objects refining it go too. */
export function removeConcept(doc: PromptDocument, conceptId: string): PromptDocument {
  const concept = doc.concepts.find((c) => c.id === conceptId);
  if (!concept) return doc;
  const objects = doc.objects.filter((o) => o.refines?.conceptId !== conceptId);
  const kept = doc.videoPrompts.filter((p) => p.kind !== 'box' || p.conceptId !== conceptId);
  const videoPrompts = kept.length === doc.videoPrompts.length ? doc.videoPrompts : kept;
  if (concept.phrase === '') {
    return { ...doc, concepts: doc.concepts.filter((c) => c !== concept), objects, videoPrompts };
  }
  const key = concept.phrase.toLowerCase();
  const chips = doc.chips.filter((c) => c.toLowerCase() !== key);
  const phrases = splitPhrases(doc.phraseText);
  const rest = phrases.filter((p) => p.toLowerCase() !== key);
  const phraseText = rest.length === phrases.length ? doc.phraseText : rest.join(', ');
  return { ...withPhrases(doc, chips, phraseText), objects, videoPrompts };
}

export function newPoint(xyPx: readonly [number, number], polarity: Polarity): ClickPoint {
  return { id: newId('pt'), xyPx: [xyPx[0], xyPx[1]], polarity };
}

/** A new object from a first click, refining a detector instance or not. */
export function addObject(
  doc: PromptDocument,
  point: ClickPoint,
  refines?: { conceptId: string; query: number },
): { doc: PromptDocument; objectId: string } {
  const object: ObjectPrompt = { id: newId('obj'), points: [point], candidate: 0, ...(refines ? { refines } : {}) };
  return { doc: { ...doc, objects: [...doc.objects, object] }, objectId: object.id };
}

/** Adds a click to an object. A new click asks for the best candidate again. */
export function addPoint(doc: PromptDocument, objectId: string, point: ClickPoint): PromptDocument {
  if (!doc.objects.some((o) => o.id === objectId)) return doc;
  return {
    ...doc,
    objects: doc.objects.map((o) => (o.id === objectId ? { ...o, points: [...o.points, point], candidate: 0 } : o)),
  };
}

/** Removes a click; an object left without points (and without a box) goes too. */
export function removePoint(doc: PromptDocument, pointId: string): PromptDocument {
  const objects: ObjectPrompt[] = [];
  let changed = false;
  for (const o of doc.objects) {
    if (!o.points.some((p) => p.id === pointId)) {
      objects.push(o);
      continue;
    }
    changed = true;
    const points = o.points.filter((p) => p.id !== pointId);
    if (points.length > 0 || o.boxXyxyPx) objects.push({ ...o, points, candidate: 0 });
  }
  return changed ? { ...doc, objects } : doc;
}

export function removeObject(doc: PromptDocument, objectId: string): PromptDocument {
  const objects = doc.objects.filter((o) => o.id !== objectId);
  return objects.length === doc.objects.length ? doc : { ...doc, objects };
}

/**
 * Takes back the last change of clicked objects whose mask came out empty (the click found nothing): each returns
 * to how it was in `previous` (the document before that change), or goes when it did not exist there.
 */
export function revertObjects(
  doc: PromptDocument,
  previous: PromptDocument | undefined,
  objectIds: readonly string[],
): PromptDocument {
  let objects = doc.objects;
  for (const id of objectIds) {
    const before = previous?.objects.find((o) => o.id === id);
    objects = before ? objects.map((o) => (o.id === id ? before : o)) : objects.filter((o) => o.id !== id);
  }
  return objects === doc.objects || samePlain(objects, doc.objects) ? doc : { ...doc, objects };
}

/** Which of the decoder's candidates an object shows. */
export function setCandidate(doc: PromptDocument, objectId: string, candidate: number): PromptDocument {
  const o = doc.objects.find((x) => x.id === objectId);
  if (!o || o.candidate === candidate) return doc;
  return { ...doc, objects: doc.objects.map((x) => (x === o ? { ...x, candidate } : x)) };
}

/** The next candidate index, cycling through `count` (step +1 / −1). */
export function cycleIndex(current: number, count: number, step: number): number {
  if (count <= 0) return 0;
  return (((current + step) % count) + count) % count;
}

/** The threshold the slider offers: from the engine's floor (it keeps no mask scoring below it) to 1. */
export function setScoreThreshold(doc: PromptDocument, value: number): PromptDocument {
  const v = Math.min(1, Math.max(SCORE_FLOOR, Math.round(value * 100) / 100));
  return !Number.isFinite(v) || v === doc.scoreThreshold ? doc : { ...doc, scoreThreshold: v };
}

/**
 * Edits one instance: `patch` is merged into its edit (hidden, deleted, conceptId); an edit left with nothing in
 * it is dropped, so hiding and showing again leaves the document as it was.
 */
export function editInstance(
  doc: PromptDocument,
  instanceId: number,
  patch: Partial<Omit<InstanceEdit, 'instanceId'>>,
): PromptDocument {
  const current = doc.edits.find((e) => e.instanceId === instanceId);
  const merged: InstanceEdit = { ...current, ...patch, instanceId };
  const next: InstanceEdit = { instanceId };
  if (merged.hidden) next.hidden = true;
  if (merged.deleted) next.deleted = true;
  if (merged.conceptId !== undefined) next.conceptId = merged.conceptId;
  const empty = Object.keys(next).length === 1;
  const others = doc.edits.filter((e) => e !== current);
  const edits = empty ? others : current ? doc.edits.map((e) => (e === current ? next : e)) : [...doc.edits, next];
  return samePlain(edits, doc.edits) ? doc : { ...doc, edits };
}

/** Clear all: every phrase, box, clicked object and instance edit of the image (threshold and video prompts stay). */
export function clearImagePrompts(doc: PromptDocument): PromptDocument {
  return { ...doc, chips: [], phraseText: '', concepts: [], objects: [], edits: [] };
}

/** Structural equality of plain data (arrays, objects, primitives). Documents are small. */
export function samePlain(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  const ra = a as Record<string, unknown>;
  const rb = b as Record<string, unknown>;
  return ka.every((k) => Object.prototype.hasOwnProperty.call(rb, k) && samePlain(ra[k], rb[k]));
}

/** Same prompts. */
export function sameDocument(a: PromptDocument, b: PromptDocument): boolean {
  return (
    a === b ||
    (a.phraseText === b.phraseText &&
      a.scoreThreshold === b.scoreThreshold &&
      samePlain(a.chips, b.chips) &&
      samePlain(a.concepts, b.concepts) &&
      samePlain(a.objects, b.objects) &&
      samePlain(a.edits, b.edits) &&
      samePlain(a.videoPrompts, b.videoPrompts))
  );
}

/** The parts the engine sees are the same (the text's spacing alone re-runs nothing). */
export function sameRequestInputs(a: PromptDocument, b: PromptDocument): boolean {
  return (
    a.scoreThreshold === b.scoreThreshold &&
    samePlain(a.concepts, b.concepts) &&
    samePlain(a.objects, b.objects) &&
    samePlain(a.edits, b.edits)
  );
}
