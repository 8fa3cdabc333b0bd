/**
 * What the webcam and file sessions share: the one <video> element, starting/ending engine sessions, the prompts
 * each frame carries, and folding a frame result into the store (latest frame, track list, ID log).
 */
import * as Comlink from 'comlink';
import type { ConceptPrompt, VideoFrameInput, VideoFrameResult, VideoSessionOptions } from '../../workers/protocol';
import { engine } from '../engine-client/engineClient';
import { appStore } from '../store/appStore';
import { framePromptSet } from '../store/videoPrompts';
import { callWithSignal, DEFAULT_TRACKER_SETTINGS } from '../../workers/protocol';
import { putMaskBitmaps } from '../draw/maskSources';
import { compactFrame, markRemoved, objectMaskId, removalNotice, updateTracks, type CompactFrame } from './videoModel';
import { MAX_ID_LOG, videoStore } from './videoStore';

/** Track notices kept on screen. */
const MAX_NOTICES = 4;

let element: HTMLVideoElement | null = null;

/** The one media element of video mode (camera preview or file); the stage mounts it. */
export function videoElement(): HTMLVideoElement {
  if (!element) {
    element = document.createElement('video');
    element.muted = true;
    element.playsInline = true;
    element.className = 'video-stage__media';
    element.setAttribute('data-testid', 'video-element');
  }
  return element;
}

/**
 * The prompts frame `frameIndex` carries: the document's phrases as they are now (so a change applies from the
 * next frame on), the boxes and clicks drawn on this video's frames that are in force from `frameIndex` on
 * (videoPrompts.ts), and the threshold. The still image's boxes and clicks are in that image's pixels: never sent.
 */
export function framePrompts(
  frameIndex: number,
  session: string | null,
): Pick<VideoFrameInput, 'concepts' | 'objects' | 'scoreThreshold'> {
  const s = appStore.getState();
  const { concepts, objects } = framePromptSet(s.concepts, s.videoPrompts, {
    scope: videoStore.getState().scope,
    session,
    frameIndex,
  });
  return { concepts, ...(objects.length > 0 ? { objects } : {}), scoreThreshold: s.scoreThreshold };
}

/** Concept ID → phrase of everything sent so far this session (categories of the masklet export). */
export const sentPhrases = new Map<string, string>();

export function rememberPhrases(concepts: readonly ConceptPrompt[]): void {
  for (const c of concepts) if (!sentPhrases.has(c.id)) sentPhrases.set(c.id, c.phrase);
}

/** Waits until a pack is open (the engine can only track with one). */
export function whenPackReady(): Promise<void> {
  if (appStore.getState().pack) return Promise.resolve();
  return new Promise((resolve) => {
    const unsubscribe = appStore.subscribe((s) => {
      if (s.pack) {
        unsubscribe();
        resolve();
      }
    });
  });
}

let sessionId: string | null = null;

export async function startSession(options: VideoSessionOptions): Promise<string> {
  await endSession();
  await whenPackReady();
  const info = await engine().startVideo(options);
  sessionId = info.sessionId;
  sentPhrases.clear();
  videoStore.setState((s) => ({
    session: info,
    tracks: {},
    idLog: [],
    notices: [],
    latest: null,
    frameVersion: s.frameVersion + 1,
  }));
  return info.sessionId;
}

export async function endSession(): Promise<void> {
  const id = sessionId;
  sessionId = null;
  if (!id) return;
  try {
    await engine().endVideo(id);
  } catch {
    // The session is gone either way (worker restarted, pack changed).
  }
}

export function currentSessionId(): string | null {
  return sessionId;
}

/** Sends one frame; the bitmap is transferred to the worker. `signal` cancels it there (its result is dropped). */
export function sendFrame(input: VideoFrameInput, signal?: AbortSignal): Promise<VideoFrameResult> {
  rememberPhrases(input.concepts);
  videoStore.setState({
    lastSent: { frameIndex: input.frameIndex, concepts: input.concepts, objects: input.objects ?? [] },
  });
  const api = engine();
  const message = input.bitmap ? Comlink.transfer(input, [input.bitmap]) : input;
  return callWithSignal(api, signal, (call) => api.processFrame(message, call), 'frame');
}

/**
 * A frame result into the store: the newest frame (the canvas shows it live, provisional tracks marked), the ID
 * log, a notice for each track the person saw that the tracker removed, and — live mode — the track list. File mode
 * builds its track list from the released (final) frames instead: `storeReleased`.
 */
export function recordFrame(result: VideoFrameResult, liveTracks: boolean): CompactFrame {
  const frame = compactFrame(result);
  // The worker's painter sent each mask's bitmaps with the frame: kept by the mask's identity for drawing and replay.
  result.instances.forEach((inst, k) => {
    if (inst.bitmaps) putMaskBitmaps(objectMaskId(frame.objects[k]), inst.bitmaps, true);
  });
  videoStore.setState((s) => {
    const idLog = [
      ...s.idLog,
      { frameIndex: frame.frameIndex, timestampMs: frame.timestampMs, ids: frame.objects.map((o) => o.id) },
    ];
    if (idLog.length > MAX_ID_LOG) idLog.splice(0, idLog.length - MAX_ID_LOG);
    const reasons = result.removedReasons ?? {};
    const shown = new Set(s.latest?.objects.map((o) => o.id) ?? []);
    const settings = s.session?.settings ?? DEFAULT_TRACKER_SETTINGS;
    const notices = [
      ...s.notices,
      ...Object.entries(reasons)
        .filter(([id]) => shown.has(+id))
        .map(([id, reason]) => ({ id: +id, frameIndex: frame.frameIndex, text: removalNotice(+id, reason, settings) })),
    ].slice(-MAX_NOTICES);
    let tracks = s.tracks;
    if (liveTracks) tracks = markRemoved(updateTracks(tracks, frame), frame.frameIndex, reasons);
    return { latest: frame, tracks, idLog, notices, frameVersion: s.frameVersion + 1 };
  });
  return frame;
}

/** File mode: frames released by the output delay become the stored (final) results and the track list. */
export function storeReleased(frames: readonly CompactFrame[]): void {
  if (frames.length === 0) return;
  videoStore.setState((s) => {
    let tracks = s.tracks;
    for (const f of frames) {
      s.frames.set(f);
      tracks = updateTracks(tracks, f);
    }
    return { tracks, frameVersion: s.frameVersion + 1 };
  });
}
