/**
 * Boxes and clicks on video frames (live view, paused or processed file): each one undo entry, applying from the
 * frame given by `selectPromptOrigin`. The rules are in store/videoPrompts.ts; this maps the store's state to them.
 */
import type { Polarity } from '../../workers/protocol';
import { editDocument } from '../actions/editDocument';
import { MIN_BOX_SIDE_PX } from '../actions/exemplarBoxes';
import { appStore } from '../store/appStore';
import { newId, newPoint, normalizeBox } from '../store/promptDocument';
import { selectActiveConceptId } from '../store/selectors';
import {
  addVideoBox,
  addVideoClick,
  conceptForVideoBox,
  pruneToScope,
  removeVideoPoint,
  removeVideoPrompt,
  type VideoPromptOrigin,
} from '../store/videoPrompts';
import { stagePicture } from './picture';
import { selectPromptOrigin, videoStore } from './videoStore';
import { liveFrameCursor } from './webcamActions';

/** Where a prompt drawn now goes, or null when none can be drawn (processing running, no picture). */
export function currentPromptOrigin(): VideoPromptOrigin | null {
  return selectPromptOrigin(videoStore.getState(), liveFrameCursor());
}

/** The frame's size in pixels (the video's intrinsic size), or null before it is known. */
function frameSize(): { width: number; height: number } | null {
  const p = stagePicture();
  if (p) return { width: p.width, height: p.height };
  const meta = videoStore.getState().meta;
  return meta ? { width: meta.width, height: meta.height } : null;
}

/** An exemplar box `[x1, y1, x2, y2]` (frame pixels, any corner order) on the active concept, from now on. */
export function addVideoExemplarBox(xyxyPx: readonly number[], polarity: Polarity): boolean {
  const origin = currentPromptOrigin();
  const size = frameSize();
  if (!origin || !size) return false;
  const clip = (v: number, max: number) => Math.min(max, Math.max(0, v));
  const [x1, y1, x2, y2] = normalizeBox(xyxyPx);
  const box: [number, number, number, number] = [
    clip(x1, size.width),
    clip(y1, size.height),
    clip(x2, size.width),
    clip(y2, size.height),
  ];
  if (box[2] - box[0] < MIN_BOX_SIDE_PX || box[3] - box[1] < MIN_BOX_SIDE_PX) return false;
  const state = appStore.getState();
  const conceptId = conceptForVideoBox(state.concepts, selectActiveConceptId(state), state.videoPrompts, origin.scope);
  return editDocument(
    (doc) => ({
      ...doc,
      videoPrompts: addVideoBox(doc.videoPrompts, origin, conceptId, { id: newId('box'), xyxyPx: box, polarity }),
    }),
    { capture: 'record' },
  );
}

/** A click at a frame pixel on the tracked object `trackId` (null: background), from now on. */
export function clickVideoAt(xyPx: readonly [number, number], polarity: Polarity, trackId: number | null): boolean {
  const origin = currentPromptOrigin();
  if (!origin) return false;
  const selected = appStore.getState().selectedObjectId;
  let objectId: string | null = null;
  const changed = editDocument(
    (doc) => {
      const r = addVideoClick(doc.videoPrompts, origin, newPoint(xyPx, polarity), trackId, selected);
      if (!r) return doc;
      objectId = r.objectId;
      return { ...doc, videoPrompts: r.prompts };
    },
    { capture: 'record' },
  );
  if (changed) appStore.setState({ selectedObjectId: objectId });
  return changed;
}

/** Removes a video box or clicked object (live: it is no longer sent; the tracker keeps what it learnt). */
export function removeVideoPromptItem(id: string): boolean {
  return editDocument((doc) => ({ ...doc, videoPrompts: removeVideoPrompt(doc.videoPrompts, id) }), {
    capture: 'record',
  });
}

export function removeVideoClickPoint(pointId: string): boolean {
  return editDocument((doc) => ({ ...doc, videoPrompts: removeVideoPoint(doc.videoPrompts, pointId) }), {
    capture: 'record',
  });
}

/** A new video source: prompts drawn on another one are dropped (not an undoable edit). */
export function pruneVideoPrompts(scope: string): void {
  editDocument((doc) => ({ ...doc, videoPrompts: pruneToScope(doc.videoPrompts, scope) }), { capture: 'ignore' });
}
