/**
 * Fixing a track anywhere in a processed file (issue 20): a click (±) or a box on the shown frame k of a processed,
 * paused file becomes a conditioning frame of its track (or of a new track) in the engine, which re-propagates
 * only those objects forward and/or backward from k (`startVideoEdit` / `propagateVideoEdit`). The frames are
 * decoded in the order the engine names them (`next`), sent with the stored masks of the edited objects, and each
 * result replaces those objects' masks in the frame store as it arrives; the stage, the Tracks panel and every
 * export read the store, so they follow. Pause and Cancel stop it through the one cancel path (callWithSignal);
 * each edit (finished or cancelled) is one undo step that puts the edited objects' previous masks back.
 */
import * as Comlink from 'comlink';
import {
  callWithSignal,
  isCancelled,
  type ObjectPrompt,
  type Polarity,
  type PropagationDirection,
  type RleMask,
  type VideoEditResult,
} from '../../workers/protocol';
import { engine } from '../engine-client/engineClient';
import { reportEngineError } from '../engine-client/engineErrors';
import { putMaskBitmaps } from '../draw/maskSources';
import { appStore } from '../store/appStore';
import { newId, newPoint, normalizeBox } from '../store/promptDocument';
import { frameAccess, showFileFrame, type FrameAccess, type OpenedFile } from './fileSource';
import { showBitmap } from './picture';
import { mergeTracks, removeTrackRange, restoreChanges } from './results/trackOps';
import {
  compactFrame,
  objectAt,
  objectMaskId,
  tracksFromFrames,
  type CompactObject,
  type TrackTable,
} from './videoModel';
import { currentSessionId, framePrompts } from './videoSession';
import { videoStore, type TrackEditRecord, type VideoState } from './videoStore';

/** How often (ms) the track table is rebuilt while an edit runs (it reads every stored frame's IDs). */
const TRACKS_REFRESH_MS = 250;

/** The edit running now: aborting its controller is the one way it stops. */
interface RunningEdit {
  controller: AbortController;
  resume: (() => void) | null;
}
let running: RunningEdit | null = null;

/**
 * The prompt the last edit started from: a further click on the same frame and track adds its point to it (so a
 * − click after a + click refines the same decode), as clicks on one object do on a still image.
 */
let lastPrompt: { scope: string | null; frame: number; trackId: number; prompt: ObjectPrompt } | null = null;

/** A paused, processed file whose engine session is still open: prompts on the shown frame start an edit. */
export function selectCanEdit(s: VideoState): boolean {
  return s.mode === 'video' && s.status === 'ready' && !s.playback.playing && s.meta !== null;
}

export function setEditDirection(direction: PropagationDirection): void {
  videoStore.setState({ editDirection: direction });
}

/** A click at a frame pixel of the shown frame: re-conditions the track under it (+ or −), or starts a new one. */
export function editWithClick(opened: OpenedFile | null, xyPx: readonly [number, number], polarity: Polarity): void {
  const s = videoStore.getState();
  const frame = s.playback.frameIndex;
  const trackId = objectAt(s.frames.get(frame) ?? null, xyPx[0], xyPx[1]);
  const point = newPoint(xyPx, polarity);
  const last = lastPrompt;
  const refines =
    last !== null &&
    last.scope === s.scope &&
    last.frame === frame &&
    (trackId === null ? polarity === 'negative' : trackId === last.trackId);
  if (refines) {
    void runEdit(opened, { ...last.prompt, points: [...last.prompt.points, point] });
    return;
  }
  if (polarity === 'negative' && trackId === null) {
    videoStore.setState({ message: 'A − click takes area away from a track: click inside its mask.' });
    return;
  }
  const prompt: ObjectPrompt = {
    id: newId('edit'),
    points: [point],
    candidate: 0,
    ...(trackId !== null ? { trackId } : {}),
  };
  void runEdit(opened, prompt);
}

/** A box on the shown frame: the object it frames (the track under its centre, else a new one). */
export function editWithBox(opened: OpenedFile | null, xyxyPx: readonly number[]): void {
  const s = videoStore.getState();
  const [x1, y1, x2, y2] = normalizeBox(xyxyPx);
  const trackId = objectAt(s.frames.get(s.playback.frameIndex) ?? null, (x1 + x2) / 2, (y1 + y2) / 2);
  const prompt: ObjectPrompt = {
    id: newId('edit'),
    points: [],
    boxXyxyPx: [x1, y1, x2, y2],
    candidate: 0,
    ...(trackId !== null ? { trackId } : {}),
  };
  void runEdit(opened, prompt);
}

/** Pause (before the next frame) or resume the running edit. */
export function togglePauseEdit(): void {
  const edit = videoStore.getState().edit;
  if (!edit || !running) return;
  if (edit.paused) {
    videoStore.setState({ edit: { ...edit, paused: false } });
    const resume = running.resume;
    running.resume = null;
    resume?.();
  } else videoStore.setState({ edit: { ...edit, paused: true } });
}

/** Stops the running edit: the frames re-run so far keep their new masks (Undo puts the old ones back). */
export async function cancelTrackEdit(): Promise<void> {
  const run = running;
  if (!run) return;
  run.controller.abort();
  run.resume?.();
  run.resume = null;
  await new Promise<void>((resolve) => {
    const unsubscribe = videoStore.subscribe((s) => {
      if (s.edit === null) {
        unsubscribe();
        resolve();
      }
    });
    if (videoStore.getState().edit === null) {
      unsubscribe();
      resolve();
    }
  });
}

async function runEdit(opened: OpenedFile | null, prompt: ObjectPrompt): Promise<void> {
  const s = videoStore.getState();
  const sessionId = currentSessionId();
  const meta = s.meta;
  if (!opened || !meta || running || !selectCanEdit(s)) return;
  if (!sessionId) {
    videoStore.setState({ message: 'Process the video to the end first: edits re-propagate in its session.' });
    return;
  }
  const k = s.playback.frameIndex;
  const direction = s.editDirection;
  const controller = new AbortController();
  const run: RunningEdit = { controller, resume: null };
  running = run;
  const signal = controller.signal;
  const record: TrackEditRecord = { kind: 'propagate', label: '', anchor: k, frames: new Map() };
  const api = engine();
  let access: FrameAccess | null = null;
  let editId: string | null = null;
  let lastTracks = 0;
  const refreshTracks = (force: boolean) => {
    const now = performance.now();
    if (!force && now - lastTracks < TRACKS_REFRESH_MS) return;
    lastTracks = now;
    videoStore.setState((x) => ({ tracks: keepRemoved(tracksFromFrames(x.frames.headers()), x.tracks) }));
  };
  videoStore.setState({
    status: 'editing',
    message: null,
    edit: { anchor: k, direction, objectIds: [], done: 0, total: 0, current: k, paused: false },
  });
  let done = 0;
  try {
    access = frameAccess(opened, appStore.getState().pack?.inputSize ?? 1008);
    const first = await access.frame(k);
    if (!first) throw new Error(`frame ${k + 1} could not be decoded`);
    const request = {
      sessionId,
      frameIndex: k,
      timestampMs: first.timestampMs,
      bitmap: first.bitmap,
      ...(first.sourceSize ? { sourceSize: first.sourceSize } : {}),
      frameCount: meta.frameCount,
      direction,
      objects: [prompt],
      concepts: framePrompts(k, null).concepts,
    };
    first.display?.close();
    const info = await callWithSignal(
      api,
      signal,
      (call) => api.startVideoEdit(Comlink.transfer(request, [first.bitmap]), call),
      'edit',
    );
    editId = info.editId;
    const ids = info.objectIds;
    const trackId = ids[0];
    lastPrompt = trackId !== undefined ? { scope: s.scope, frame: k, trackId, prompt } : null;
    record.label = `edit of ${info.born.length > 0 ? `new #${info.born.join(', #')}` : `#${ids.join(', #')}`}`;
    const total = info.frames.length;
    applyResult(info.anchor, record);
    refreshTracks(true);
    videoStore.setState((x) => ({
      edit: { anchor: k, direction, objectIds: ids, done, total, current: info.anchor.next, paused: !!x.edit?.paused },
    }));
    for (let f = info.anchor.next; f !== null;) {
      if (videoStore.getState().edit?.paused) await new Promise<void>((resolve) => (run.resume = resolve));
      if (signal.aborted) break;
      const src = await access.frame(f);
      if (!src) throw new Error(`frame ${f + 1} could not be decoded`);
      if (signal.aborted) {
        src.bitmap.close();
        src.display?.close();
        break;
      }
      const stored = storedMasks(f, ids);
      const input = {
        editId: info.editId,
        frameIndex: f,
        timestampMs: src.timestampMs,
        bitmap: src.bitmap,
        ...(src.sourceSize ? { sourceSize: src.sourceSize } : {}),
        stored,
      };
      videoStore.setState((x) => ({
        edit: x.edit ? { ...x.edit, current: f } : x.edit,
      }));
      let r: VideoEditResult;
      try {
        r = await callWithSignal(
          api,
          signal,
          (call) => api.propagateVideoEdit(Comlink.transfer(input, [src.bitmap]), call),
          'edit',
        );
      } catch (err) {
        src.display?.close();
        throw err;
      }
      if (src.display) showBitmap(src.display);
      applyResult(r, record);
      done++;
      refreshTracks(false);
      const shown = f;
      videoStore.setState((x) => ({
        edit: x.edit ? { ...x.edit, done, current: r.next } : x.edit,
        playback: { frameIndex: shown, playing: false },
        frameVersion: x.frameVersion + 1,
      }));
      f = r.next;
    }
    const stopped = signal.aborted;
    videoStore.setState({
      message: stopped
        ? `The ${record.label} was cancelled after ${done} of ${total} frames: the frames re-run keep their new masks (Undo restores them).`
        : `The ${record.label} from frame ${k + 1}: ${done} frames re-run${done < total ? ` (the rest already agreed)` : ''}.`,
    });
  } catch (err) {
    if (!signal.aborted && isCancelled(err)) {
      // Not cancelled here: the engine's session or edit is gone (the pack changed, the worker restarted).
      videoStore.setState({
        message: `The edit stopped: ${(err as { message?: string }).message ?? 'the video session ended'} Process the video again to edit it.`,
      });
    } else if (!signal.aborted) {
      const e = reportEngineError(err, 'Editing the video');
      videoStore.setState({ message: `The edit stopped: ${e.message}` });
    }
  } finally {
    if (editId) await api.endVideoEdit(editId).catch(() => {});
    await access?.close();
    if (running === run) running = null;
    refreshTracks(true);
    videoStore.setState((x) => ({
      status: 'ready',
      edit: null,
      editHistory: record.frames.size > 0 ? [...x.editHistory, record] : x.editHistory,
      playback: { frameIndex: k, playing: false },
      frameVersion: x.frameVersion + 1,
    }));
    await showFileFrame(opened, k);
  }
}

/** What the store holds on frame f for the edit's objects (the engine stops a direction where they agree again). */
function storedMasks(f: number, ids: readonly number[]): Record<number, RleMask | null> {
  const frame = videoStore.getState().frames.get(f);
  return Object.fromEntries(ids.map((id) => [id, frame?.objects.find((o) => o.id === id)?.mask ?? null]));
}

/** One result into the store: the `updated` objects' masks replaced; their previous ones kept for undo. */
function applyResult(r: VideoEditResult, record: TrackEditRecord): void {
  const frame = compactFrame(r);
  r.instances.forEach((inst, k) => {
    if (inst.bitmaps) putMaskBitmaps(objectMaskId(frame.objects[k]), inst.bitmaps, true);
  });
  const objects: CompactObject[] = frame.objects.map(({ provisional: _p, ...o }) => o);
  const previous = videoStore.getState().frames.replaceObjects(frame, r.updated, objects);
  if (!record.frames.has(r.frameIndex)) record.frames.set(r.frameIndex, { ids: [...r.updated], previous });
}

/** Undoes the last edit: its objects get back the masks they had on every frame it re-ran. */
export function undoLastEdit(): boolean {
  const s = videoStore.getState();
  const record = s.editHistory[s.editHistory.length - 1];
  if (!record || (s.status !== 'ready' && s.status !== 'cancelled')) return false;
  restoreChanges(s.frames, record.frames);
  lastPrompt = null;
  videoStore.setState((x) => ({
    editHistory: x.editHistory.slice(0, -1),
    tracks: keepRemoved(tracksFromFrames(x.frames.headers()), x.tracks),
    frameVersion: x.frameVersion + 1,
    message:
      `Undone: ${record.label} (${record.frames.size} frames)` +
      (record.kind === 'propagate' ? '; the engine keeps the prompt as a conditioning frame for later edits.' : '.'),
  }));
  return true;
}

/** Removes track `id` from frames `from`…`to` of the results (one undo step). */
export function removeTrackOnFrames(id: number, from: number, to: number): number {
  const s = videoStore.getState();
  if (s.status !== 'ready' && s.status !== 'cancelled') return 0;
  const a = Math.min(from, to);
  const b = Math.max(from, to);
  const changes = removeTrackRange(s.frames, id, a, b);
  recordStoreEdit({ kind: 'remove', label: `#${id} removed on frames ${a + 1}–${b + 1}`, anchor: a, frames: changes });
  return changes.size;
}

/** Merges track `drop` into `keep` (one ID from then on; exports follow; one undo step). */
export function mergeTrackInto(drop: number, keep: number): number {
  const s = videoStore.getState();
  const target = s.tracks[keep];
  if ((s.status !== 'ready' && s.status !== 'cancelled') || !target || drop === keep) return 0;
  const changes = mergeTracks(s.frames, keep, drop, target);
  const first = Math.min(...changes.keys());
  recordStoreEdit({
    kind: 'merge',
    label: `#${drop} merged into #${keep}`,
    anchor: Number.isFinite(first) ? first : 0,
    frames: changes,
  });
  return changes.size;
}

function recordStoreEdit(record: TrackEditRecord): void {
  lastPrompt = null;
  videoStore.setState((x) => ({
    editHistory: record.frames.size > 0 ? [...x.editHistory, record] : x.editHistory,
    tracks: keepRemoved(tracksFromFrames(x.frames.headers()), x.tracks),
    frameVersion: x.frameVersion + 1,
    message: record.frames.size > 0 ? `${record.label} (${record.frames.size} frames).` : 'Nothing to change there.',
  }));
}

/** A rebuilt track table keeps the removal notes of the tracks it still lists. */
function keepRemoved(next: TrackTable, before: TrackTable): TrackTable {
  const out: Record<number, TrackTable[number]> = { ...next };
  for (const id of Object.keys(out).map(Number)) {
    const removed = before[id]?.removed;
    if (removed) out[id] = { ...out[id], removed };
  }
  return out;
}
