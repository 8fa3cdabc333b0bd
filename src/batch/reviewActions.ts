/**
 * Review: stepping through images, accepting an image, rejecting a detection, changing its phrase, fixing with a
 * click or a box (the tracker's prompt decoder, on that image), and exemplar boxes for one image. Every edit is a
 * before/after record of the image's editable fields, saved to IndexedDB at once and undoable.
 *
 * Fixes run on an engine image session of the reviewed image, opened on the first fix and kept while that image is
 * under review (further clicks reuse its features), closed when review moves on; it is the review's own, beside the
 * run's and the single image's sessions.
 */
import { decodeFixObject, labelImage } from '../../workers/batch/labelImage';
import type { BatchAnnotation, BatchImage, ImageExemplar } from '../../workers/batch/types';
import { engine } from '../engine-client/engineClient';
import { PromiseQueue } from '../../workers/protocol';
import { loadFile, loadImage, saveImage } from './batchDb';
import { batchStore, putImage, say, type ReviewEdit, type ReviewTool } from './batchStore';
import { carryReview, type CarriedReview } from './carryReview';

/** The review's image session: which batch image it holds, and its handle once open. */
let session: { key: string; imageId: Promise<string> } | null = null;

/** Closes the review's image session (review moved to another image, or the workspace closed). */
export function closeReviewSession(): void {
  const open = session;
  session = null;
  void open?.imageId.then((id) => engine().closeImage(id)).catch(() => {});
}

/** The engine session of `image` for fixes (opened once per reviewed image). */
function reviewSession(image: BatchImage): Promise<string> {
  if (session?.key === image.key) return session.imageId;
  closeReviewSession();
  const imageId = (async () => {
    const file = await loadFile(image.key);
    if (!file) throw new Error('This image is no longer in the browser’s storage.');
    return (await engine().openImage({ kind: 'blob', blob: file, name: image.name }, { display: false })).imageId;
  })();
  session = { key: image.key, imageId };
  imageId.catch(() => {
    if (session?.imageId === imageId) session = null;
  });
  return imageId;
}

const queue = new PromiseQueue();

/** Runs review actions one after another (a fast second key press acts on the state the first one left). */
export function serially(fn: () => unknown): void {
  void queue.run(async () => fn()).catch((err) => say('error', (err as { message?: string })?.message ?? String(err)));
}

type Editable = Pick<BatchImage, 'annotations' | 'accepted' | 'exemplars'>;
const editable = (i: BatchImage): Editable => ({
  annotations: i.annotations,
  accepted: i.accepted,
  exemplars: i.exemplars,
});

export async function selectImage(key: string): Promise<void> {
  const s = batchStore.getState();
  if (s.fix?.preview) await commitFix();
  const record = await loadImage(key);
  if (session && session.key !== key) closeReviewSession();
  batchStore.setState({ currentKey: key, current: record ?? null, selectedAnnotation: null, fix: null });
}

export async function stepImage(delta: number): Promise<void> {
  const { images, currentKey } = batchStore.getState();
  if (images.length === 0) return;
  const at = Math.max(
    0,
    images.findIndex((i) => i.key === currentKey),
  );
  const next = images[Math.min(images.length - 1, Math.max(0, at + delta))];
  if (next && next.key !== currentKey) await selectImage(next.key);
}

/** Applies an edit to the current image, records it for undo, saves it. */
async function edit(label: string, change: (img: BatchImage) => Editable): Promise<BatchImage | null> {
  const current = batchStore.getState().current;
  if (!current) return null;
  const after = change(current);
  const next: BatchImage = { ...current, ...after };
  const record: ReviewEdit = { key: current.key, label, before: editable(current), after };
  await saveImage(next);
  putImage(next);
  batchStore.setState((s) => ({ history: { undo: [...s.history.undo, record].slice(-200), redo: [] } }));
  return next;
}

async function applyState(key: string, state: Editable): Promise<void> {
  const record = key === batchStore.getState().currentKey ? batchStore.getState().current : await loadImage(key);
  if (!record) return;
  const next = { ...record, ...state };
  await saveImage(next);
  if (batchStore.getState().currentKey !== key) await selectImage(key);
  putImage(next);
  batchStore.setState({ current: next, fix: null });
}

export async function undo(): Promise<void> {
  const { history, fix } = batchStore.getState();
  if (fix) return cancelFix();
  const last = history.undo.at(-1);
  if (!last) return;
  batchStore.setState({ history: { undo: history.undo.slice(0, -1), redo: [...history.redo, last] } });
  await applyState(last.key, last.before);
  say('info', `Undid: ${last.label}`);
}

export async function redo(): Promise<void> {
  const { history } = batchStore.getState();
  const last = history.redo.at(-1);
  if (!last) return;
  batchStore.setState({ history: { undo: [...history.undo, last], redo: history.redo.slice(0, -1) } });
  await applyState(last.key, last.after);
  say('info', `Redid: ${last.label}`);
}

/** Accepts (or un-accepts) the current image; accepting moves on to the next one. */
export async function toggleAccept(): Promise<void> {
  const current = batchStore.getState().current;
  if (!current || current.status !== 'done') return say('error', 'Only labelled images can be accepted.');
  if (batchStore.getState().fix?.preview) await commitFix();
  const accepted = !batchStore.getState().current!.accepted;
  await edit(accepted ? 'accept image' : 'un-accept image', (i) => ({ ...editable(i), accepted }));
  if (accepted) await stepImage(1);
}

export async function toggleReject(
  annotationKey: string | null = batchStore.getState().selectedAnnotation,
): Promise<void> {
  if (!annotationKey) return;
  await edit('reject detection', (i) => ({
    ...editable(i),
    annotations: i.annotations.map((a) => (a.key === annotationKey ? { ...a, rejected: !a.rejected } : a)),
  }));
}

export async function setAnnotationCategory(annotationKey: string, category: string): Promise<void> {
  await edit(`change phrase to “${category}”`, (i) => ({
    ...editable(i),
    annotations: i.annotations.map((a) => (a.key === annotationKey ? { ...a, category } : a)),
  }));
}

export function selectAnnotation(key: string | null): void {
  batchStore.setState((s) => ({
    selectedAnnotation: key,
    activeCategory: s.current?.annotations.find((a) => a.key === key)?.category ?? s.activeCategory,
  }));
}

/** Cycles the selection through the live annotations. */
export function selectNextAnnotation(delta = 1): void {
  const { current, selectedAnnotation } = batchStore.getState();
  const live = current?.annotations.filter((a) => !a.rejected) ?? [];
  if (live.length === 0) return;
  const at = live.findIndex((a) => a.key === selectedAnnotation);
  selectAnnotation(live[(at + delta + live.length) % live.length].key);
}

export function setTool(tool: ReviewTool): void {
  batchStore.setState({ tool, fix: null });
}

export function setActiveCategory(category: string): void {
  batchStore.setState({ activeCategory: category });
}

/** A click (tool "click") or a dragged box (tool "box") on the current image: decode the fix's mask. */
export async function addFixPrompt(prompt: {
  point?: [number, number];
  negative?: boolean;
  box?: [number, number, number, number];
}): Promise<void> {
  const s = batchStore.getState();
  const image = s.current;
  if (!image || image.status !== 'done') return say('error', 'Label this image first (Run), then fix it.');
  const category =
    s.fix?.category ??
    s.current?.annotations.find((a) => a.key === s.selectedAnnotation)?.category ??
    s.activeCategory ??
    s.meta?.phrases[0];
  if (!category) return say('error', 'Type a phrase first: a fix needs a phrase to belong to.');
  const fix = s.fix ?? { points: [], replaces: s.selectedAnnotation, category, preview: null, busy: false };
  const next = {
    ...fix,
    points: prompt.point
      ? [
          ...fix.points,
          { xyPx: prompt.point, polarity: prompt.negative ? ('negative' as const) : ('positive' as const) },
        ]
      : fix.points,
    boxXyxyPx: prompt.box ?? fix.boxXyxyPx,
    busy: true,
  };
  batchStore.setState({ fix: next });
  try {
    const ann = await decodeFixObject(
      engine(),
      await reviewSession(image),
      {
        id: 'fix',
        points: next.points.map((p, k) => ({ id: `p${k}`, ...p })),
        boxXyxyPx: next.boxXyxyPx,
        candidate: 0,
      },
      category,
      { displayMasks: true },
    );
    if (batchStore.getState().fix !== next) return; // cancelled meanwhile
    batchStore.setState({ fix: { ...next, preview: ann, busy: false } });
    if (!ann) say('info', 'That prompt gives an empty mask; add another click or draw a box.');
  } catch (err) {
    batchStore.setState({ fix: { ...next, busy: false } });
    say('error', `The fix could not be computed: ${(err as { message?: string })?.message ?? String(err)}`);
  }
}

export async function commitFix(): Promise<void> {
  const { fix } = batchStore.getState();
  if (!fix?.preview) return cancelFix();
  const preview = fix.preview;
  batchStore.setState({ fix: null });
  await edit(fix.replaces ? 'fix detection' : 'add object', (i) => {
    const n =
      1 + Math.max(0, ...i.annotations.filter((a) => a.key.startsWith('f')).map((a) => Number(a.key.slice(1)) || 0));
    const added: BatchAnnotation = { ...preview, key: `f${n}`, category: fix.category };
    return {
      ...editable(i),
      annotations: [...i.annotations.map((a) => (a.key === fix.replaces ? { ...a, rejected: true } : a)), added],
    };
  });
  batchStore.setState({ selectedAnnotation: null });
}

export function cancelFix(): void {
  batchStore.setState({ fix: null });
}

/**
 * An exemplar box for the active phrase on this image only (SAM 3 pools a box from the features of the image it
 * is drawn on, so it cannot be carried to other images): the detector re-runs here with it.
 */
export async function addExemplar(box: [number, number, number, number], negative: boolean): Promise<void> {
  const s = batchStore.getState();
  const image = s.current;
  const category = s.activeCategory ?? s.meta?.phrases[0];
  if (!image || !category || !s.meta) return;
  const exemplar: ImageExemplar = {
    id: `e${Date.now()}`,
    category,
    xyxyPx: box,
    polarity: negative ? 'negative' : 'positive',
  };
  const exemplars = [...image.exemplars, exemplar];
  try {
    const out = await labelImage(
      engine(),
      { kind: 'blob', blob: (await loadFile(image.key))!, name: image.name },
      {
        phrases: s.meta!.phrases,
        scoreThreshold: s.meta!.scoreThreshold,
        exemplars: exemplars.filter((e) => s.meta!.phrases.includes(e.category)),
        displayMasks: true,
      },
    );
    // The review made so far stays (rejections, phrase changes, fixes); if the detections changed, an accepted
    // image is no longer accepted: what would be exported is not what was accepted.
    let carried: CarriedReview = { annotations: [], added: 0, gone: 0 };
    let wasAccepted = false;
    await edit(`${negative ? 'negative' : 'positive'} exemplar for “${category}”`, (i) => {
      carried = carryReview(i.annotations, out.annotations);
      wasAccepted = i.accepted;
      const changed = carried.added > 0 || carried.gone > 0;
      return { accepted: i.accepted && !changed, exemplars, annotations: carried.annotations };
    });
    const { added, gone } = carried;
    if (added || gone) {
      const what = [added ? `${added} new` : '', gone ? `${gone} gone` : ''].filter(Boolean).join(', ');
      say(
        'info',
        `The exemplar box changed this image's detections (${what}); your rejections and phrase changes are kept.${
          wasAccepted ? ' The image is no longer accepted: review it and accept it again (A).' : ''
        }`,
      );
    }
  } catch (err) {
    say('error', `The exemplar could not be applied: ${(err as { message?: string })?.message ?? String(err)}`);
  }
}
