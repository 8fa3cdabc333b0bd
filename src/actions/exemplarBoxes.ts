/**
 * Exemplar boxes: drawn on the canvas (positive adds what was missed, negative removes false hits), each one undo
 * entry. They belong to the active concept; with none, a box-only concept is created (the engine then uses the
 * text "visual"). Each change re-runs only the detector (the engine caches the image and text features).
 */
import type { Polarity } from '../../workers/protocol';
import { appStore } from '../store/appStore';
import { addBox, newId, normalizeBox, removeBox } from '../store/promptDocument';
import { selectActiveConceptId } from '../store/selectors';
import { editDocument } from './editDocument';

/** Boxes smaller than this (original pixels, either side) are taken as a slip, not a box. */
export const MIN_BOX_SIDE_PX = 3;

/** Adds a box `[x1, y1, x2, y2]` (any corner order, original pixels) to the active concept. */
export function addExemplarBox(xyxyPx: readonly number[], polarity: Polarity): boolean {
  const state = appStore.getState();
  const image = state.image;
  const clip = (v: number, max: number) => Math.min(max, Math.max(0, v));
  const [x1, y1, x2, y2] = normalizeBox(xyxyPx);
  const box: [number, number, number, number] = image
    ? [clip(x1, image.width), clip(y1, image.height), clip(x2, image.width), clip(y2, image.height)]
    : [x1, y1, x2, y2];
  if (box[2] - box[0] < MIN_BOX_SIDE_PX || box[3] - box[1] < MIN_BOX_SIDE_PX) return false;
  let conceptId = '';
  const changed = editDocument(
    (doc) => {
      const r = addBox(doc, selectActiveConceptId(state), { id: newId('box'), xyxyPx: box, polarity });
      conceptId = r.conceptId;
      return r.doc;
    },
    { capture: 'record' },
  );
  if (changed) appStore.setState({ activeConceptId: conceptId });
  return changed;
}

export function removeExemplarBox(boxId: string): boolean {
  return editDocument((doc) => removeBox(doc, boxId), { capture: 'record' });
}
