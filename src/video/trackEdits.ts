/**
 * Edits of a processed file's stored tracks: delete a track from a frame on, and undo that. Each deletion keeps the
 * frames it changed (FrameStore.deleteTrackFrom), so Undo puts the very results back; the newest is undone first.
 */
import type { FrameStore } from './results/frameStore';
import { tracksFromFrames } from './videoModel';
import { videoStore } from './videoStore';

/** Deletes track `id` from frame `fromFrame` on in the stored results (a re-run derives results anew). */
export function deleteTrackFrom(id: number, fromFrame: number): number {
  const s = videoStore.getState();
  const deletion = s.frames.deleteTrackFrom(id, fromFrame);
  const changed = deletion.frames.length;
  if (changed === 0) return 0;
  videoStore.setState((x) => ({
    tracks: tracksFromFrames(x.frames.each()),
    trackDeletions: [...x.trackDeletions.filter((d) => d.store === x.frames), { deletion, store: x.frames }],
    frameVersion: x.frameVersion + 1,
    message: `#${id} deleted from frame ${fromFrame + 1} on (${changed} frames). Undo brings it back.`,
  }));
  return changed;
}

/** The deletion "Undo" would restore: the newest one made on the results shown now, or null. */
export function selectUndoableDeletion(s: {
  frames: FrameStore;
  trackDeletions: readonly { deletion: { id: number; fromFrame: number }; store: FrameStore }[];
}): { id: number; fromFrame: number } | null {
  const last = s.trackDeletions.at(-1);
  return last && last.store === s.frames ? last.deletion : null;
}

/** Restores the newest deletion; says so, or why it cannot (its frames were processed again). */
export function undoTrackDeletion(): boolean {
  const s = videoStore.getState();
  const last = s.trackDeletions.at(-1);
  if (!last || last.store !== s.frames) return false;
  const { id, fromFrame } = last.deletion;
  const ok = s.frames.restore(last.deletion);
  videoStore.setState((x) => ({
    trackDeletions: x.trackDeletions.slice(0, -1),
    ...(ok ? { tracks: tracksFromFrames(x.frames.each()), frameVersion: x.frameVersion + 1 } : {}),
    message: ok
      ? `#${id} restored from frame ${fromFrame + 1} on.`
      : `#${id} cannot be restored: its frames were processed again since the deletion.`,
  }));
  return ok;
}
