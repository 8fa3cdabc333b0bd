/**
 * Clicks that fix one object through the tracker's prompt decoder. A click on a detector instance turns it into
 * an object that refines it (the engine keeps its ID); a click on an object adds a point to it; a positive click
 * on the background makes a new object. Negative clicks on the background go to the selected object.
 */
import type { InstanceResult, Polarity } from '../../workers/protocol';
import { appStore } from '../store/appStore';
import {
  addObject,
  addPoint,
  cycleIndex,
  newPoint,
  removeObject,
  removePoint,
  setCandidate,
} from '../store/promptDocument';
import { selectCandidateInfo, selectSelectedObjectId } from '../store/selectors';
import { editDocument } from './editDocument';

/** A click at `xyPx` (original pixels) on `instance` (the one under the pointer, or null). */
export function clickAt(xyPx: readonly [number, number], polarity: Polarity, instance: InstanceResult | null): boolean {
  const state = appStore.getState();
  const point = newPoint(xyPx, polarity);
  let objectId: string | null = null;
  const changed = editDocument(
    (doc) => {
      if (instance?.source === 'object' && instance.objectId && doc.objects.some((o) => o.id === instance.objectId)) {
        objectId = instance.objectId;
        return addPoint(doc, objectId, point);
      }
      if (instance && instance.source !== 'object') {
        const refines = { conceptId: instance.conceptId, query: instance.query };
        const existing = doc.objects.find(
          (o) => o.refines?.conceptId === refines.conceptId && o.refines.query === refines.query,
        );
        if (existing) {
          objectId = existing.id;
          return addPoint(doc, existing.id, point);
        }
        const r = addObject(doc, point, refines);
        objectId = r.objectId;
        return r.doc;
      }
      if (polarity === 'negative') {
        const selected = selectSelectedObjectId(state);
        if (!selected) return doc;
        objectId = selected;
        return addPoint(doc, selected, point);
      }
      const r = addObject(doc, point);
      objectId = r.objectId;
      return r.doc;
    },
    { capture: 'record' },
  );
  if (changed) appStore.setState({ selectedObjectId: objectId });
  return changed;
}

export function removeClickPoint(pointId: string): boolean {
  return editDocument((doc) => removePoint(doc, pointId), { capture: 'record' });
}

export function removeClickObject(objectId: string): boolean {
  return editDocument((doc) => removeObject(doc, objectId), { capture: 'record' });
}

/** Shows the selected object's next (+1) or previous (−1) candidate mask. */
export function cycleCandidate(step: 1 | -1 = 1): boolean {
  const info = selectCandidateInfo(appStore.getState());
  if (!info) return false;
  const next = cycleIndex(info.selected, info.count, step);
  return editDocument((doc) => setCandidate(doc, info.objectId, next), { capture: 'record' });
}
