/**
 * Edits of the stored results that need no model: remove a track over a frame range, merge one track into another.
 * Each returns what an undo needs — per frame changed, the IDs it replaced and their objects before — in the same
 * shape as an edit's re-propagation (trackEdits.ts), so one Undo edit takes any of them back.
 */
import type { CompactObject } from '../videoModel';
import type { FrameStore } from './frameStore';

/** Per frame changed: the IDs replaced there and their objects before the change. */
export type FrameChanges = Map<number, { ids: number[]; previous: CompactObject[] }>;

/** Removes track `id` from frames `from`…`to` (inclusive). */
export function removeTrackRange(store: FrameStore, id: number, from: number, to: number): FrameChanges {
  const changes: FrameChanges = new Map();
  const a = Math.max(0, Math.min(from, to));
  const b = Math.min(store.frameCount - 1, Math.max(from, to));
  for (let f = a; f <= b; f++) {
    if (!store.idsOn(f).includes(id)) continue;
    const frame = store.get(f)!;
    changes.set(f, { ids: [id], previous: store.replaceObjects(frame, [id], []) });
  }
  return changes;
}

/**
 * Merges track `drop` into track `keep`: on every frame `drop` is on, its mask becomes `keep`'s (with `keep`'s
 * concept and colour family); where both are on one frame, `keep`'s own mask stays and `drop`'s goes (two masks
 * of one object on one frame would be an ID switch the tracker made — the older ID is the one kept).
 */
export function mergeTracks(
  store: FrameStore,
  keep: number,
  drop: number,
  keepConcept: Pick<CompactObject, 'conceptId' | 'conceptIndex'>,
): FrameChanges {
  const changes: FrameChanges = new Map();
  if (keep === drop) return changes;
  for (let f = 0; f < store.frameCount; f++) {
    const ids = store.idsOn(f);
    if (!ids.includes(drop)) continue;
    const frame = store.get(f)!;
    const dropped = frame.objects.find((o) => o.id === drop)!;
    const kept = frame.objects.find((o) => o.id === keep);
    const merged: CompactObject = kept ?? {
      ...dropped,
      id: keep,
      conceptId: keepConcept.conceptId,
      conceptIndex: keepConcept.conceptIndex,
    };
    changes.set(f, { ids: [keep, drop], previous: store.replaceObjects(frame, [keep, drop], [merged]) });
  }
  return changes;
}

/** Undoes changes: each frame's replaced IDs get their previous objects back. */
export function restoreChanges(store: FrameStore, changes: FrameChanges): void {
  for (const [f, { ids, previous }] of changes) {
    const frame = store.get(f);
    if (frame) store.replaceObjects(frame, ids, previous);
  }
}
