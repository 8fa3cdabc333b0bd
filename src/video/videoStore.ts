/**
 * The video slice (a separate zustand store so the image document stays untouched): source, session, live
 * statistics, per-frame results of a file, playback position and the track list. Written only by the video
 * actions (fileActions.ts, webcamActions.ts, modeActions.ts, exportActions.ts, videoPromptActions.ts, and the frame
 * bookkeeping in videoSession.ts); components read it through `useVideoStore` selectors.
 */
import { useStore } from 'zustand';
import { createStore } from 'zustand/vanilla';
import type { ConceptPrompt, ObjectPrompt, VideoSessionInfo } from '../../workers/protocol';
import type { RunInputs } from '../store/videoPrompts';
import type { MaskletExport } from './masklets';
import type { YtvisTrack } from './export/ytvis';
import { FrameStore } from './results/frameStore';
import type { CompactFrame, TrackTable } from './videoModel';

export type SourceMode = 'image' | 'video' | 'webcam';

export type VideoStatus =
  | 'idle'
  | 'opening' // asking for the camera / loading the file
  | 'live' // webcam running
  | 'loaded' // file open, not processed yet
  | 'processing' // file: every frame in order
  | 'paused' // file: processing paused (prompts added now apply from the next frame)
  | 'ready' // file processed: play / scrub / export
  | 'cancelled'
  | 'error';

export interface CameraDevice {
  deviceId: string;
  label: string;
}

export interface VideoMeta {
  name: string;
  width: number;
  height: number;
  /** Average frame rate (a variable-frame-rate file plays each frame at its own timestamp). */
  fps: number;
  frameCount: number;
  durationS: number;
  /** `webcodecs`: demuxed and decoded frame by frame (exact frames); `seek`: a <video> element stepped by seeks. */
  decoder: 'webcodecs' | 'seek';
  /** Each frame's presentation time (ms) from the container (webcodecs), else i/fps. */
  timestampsMs: number[];
  variableFrameRate: boolean;
  /** Codec and container when known (webcodecs). */
  codec: string | null;
  container: string | null;
}

/** Timing of the last file run (the bench and the tests read it). */
export interface RunStats {
  decoder: 'webcodecs' | 'seek';
  frames: number;
  wallMs: number;
  /** Decode + resize time summed over frames (webcodecs: overlapped with the engine). */
  decodeMs: number;
  /** Time the loop waited for a decoded frame (the part of decoding the pipeline did not hide). */
  waitMs: number;
  /** Time inside processFrame round trips. */
  engineMs: number;
  maxQueueDepth: number;
}

/** A message about a track that went away (shown under the stage; never a silent retraction). */
export interface TrackNotice {
  id: number;
  frameIndex: number;
  text: string;
}

/** The annotated-video export in progress or just finished. */
export interface ExportJob {
  status: 'running' | 'done' | 'cancelled' | 'error';
  done: number;
  total: number;
  message: string | null;
  /** Output container and codec (e.g. `mp4 / avc`). */
  format: string | null;
}

export interface LiveStats {
  cameraFps: number;
  processedFps: number;
  /** Capture → result of the last processed frame. */
  latencyMs: number;
  /** Largest latency seen this session. */
  maxLatencyMs: number;
  cameraFrames: number;
  processedFrames: number;
  droppedFrames: number;
  inFlight: number;
  /** Most processFrame calls ever outstanding at once (the policy keeps it at 1). */
  maxInFlight: number;
}

export interface FileProgress {
  done: number;
  total: number;
  startedAtMs: number;
  etaSeconds: number | null;
}

/** IDs seen on one processed frame (a bounded log for tests and the track list). */
export interface IdLogEntry {
  frameIndex: number;
  timestampMs: number;
  ids: number[];
}

/** The prompts the last processFrame call carried (tests and the debug view read it). */
export interface SentPrompts {
  frameIndex: number;
  concepts: ConceptPrompt[];
  objects: ObjectPrompt[];
}

export interface VideoState {
  mode: SourceMode;
  status: VideoStatus;
  /** A clear message for the person (permission denied, no camera, unsupported codec…). */
  message: string | null;
  /**
   * Why the last file could not be opened, while the video before it (and its results) stays open; cleared by the
   * next open or run. Shown in place of `message`, as an error.
   */
  openError: string | null;
  devices: CameraDevice[];
  deviceId: string | null;
  detectEvery: number;
  session: VideoSessionInfo | null;
  meta: VideoMeta | null;
  live: LiveStats;
  /** The newest result (live, and the frame being processed in file mode). */
  latest: CompactFrame | null;
  /** File mode: results by frame index, stored compactly (results/frameStore.ts). Mutated in place; see frameVersion. */
  frames: FrameStore;
  /** File mode: hold output back by the hotstart window so unconfirmed tracks never show (reference default). */
  outputDelay: boolean;
  /** Live mode: the same delay as an option (off by default: the picture then lags by the window). */
  liveDelay: boolean;
  notices: TrackNotice[];
  runStats: RunStats | null;
  exportJob: ExportJob | null;
  /** Renamed tracks: the label shown and exported instead of the concept's phrase. */
  trackLabels: Readonly<Record<number, string>>;
  progress: FileProgress | null;
  playback: { frameIndex: number; playing: boolean };
  tracks: TrackTable;
  idLog: IdLogEntry[];
  lastMasklets: MaskletExport | null;
  /** The last YouTube-VIS export (tests read it). */
  lastYtvis: YtvisTrack[] | null;
  /** Bumped whenever what the canvas shows changes. */
  frameVersion: number;
  /** The video source that prompts drawn now belong to (`file:<n>`, `webcam:<n>`); null before any. */
  scope: string | null;
  /** File mode: Pause was pressed; the loop stops before the next frame. */
  pauseRequested: boolean;
  lastSent: SentPrompts | null;
  /** File mode: what the last finished (or cancelled) run used, to offer a re-run when prompts change. */
  lastRun: RunInputs | null;
}

export const MAX_ID_LOG = 2000;
export const DEFAULT_DETECT_EVERY = 1;

export const EMPTY_LIVE_STATS: LiveStats = {
  cameraFps: 0,
  processedFps: 0,
  latencyMs: 0,
  maxLatencyMs: 0,
  cameraFrames: 0,
  processedFrames: 0,
  droppedFrames: 0,
  inFlight: 0,
  maxInFlight: 0,
};

export function initialVideoState(): VideoState {
  return {
    mode: 'image',
    status: 'idle',
    message: null,
    openError: null,
    devices: [],
    deviceId: null,
    detectEvery: DEFAULT_DETECT_EVERY,
    session: null,
    meta: null,
    live: { ...EMPTY_LIVE_STATS },
    latest: null,
    frames: new FrameStore(0),
    outputDelay: true,
    liveDelay: false,
    notices: [],
    runStats: null,
    exportJob: null,
    trackLabels: {},
    progress: null,
    playback: { frameIndex: 0, playing: false },
    tracks: {},
    idLog: [],
    lastMasklets: null,
    lastYtvis: null,
    frameVersion: 0,
    scope: null,
    pauseRequested: false,
    lastSent: null,
    lastRun: null,
  };
}

export const videoStore = createStore<VideoState>()(() => initialVideoState());

export type VideoStore = typeof videoStore;

export function useVideoStore<T>(selector: (s: VideoState) => T): T {
  return useStore(videoStore, selector);
}

/** The frame the canvas should show: the scrubbed/played frame of a processed file, else the newest result. */
export function selectShownFrame(s: VideoState): CompactFrame | null {
  if ((s.status === 'ready' || s.status === 'cancelled' || s.status === 'paused') && s.frames.frameCount > 0) {
    const i = s.playback.frameIndex;
    return s.frames.get(i) ?? (s.latest?.frameIndex === i ? s.latest : null);
  }
  return s.latest;
}

export function selectProgressPercent(s: VideoState): number {
  const p = s.progress;
  if (!p || p.total === 0) return 0;
  return Math.min(100, Math.round((p.done / p.total) * 1000) / 10);
}

export function selectCanExportMasklets(s: VideoState): boolean {
  return s.mode === 'video' && (s.status === 'ready' || s.status === 'cancelled') && s.frames.size > 0;
}

/**
 * Where a prompt drawn now goes: the source, the live session, and the first frame it applies to — live: the next
 * frame sent; paused: the next frame to process (the shown one is done); a loaded or processed file: the shown
 * frame (a re-run replays the file with the prompt from there). Null when prompts cannot be drawn now (no
 * source, processing running, no picture). `nextLiveFrame` is the live session and its next frame number.
 */
export function selectPromptOrigin(
  s: VideoState,
  nextLiveFrame: { session: string; frameIndex: number } | null,
): { scope: string; session: string | null; fromFrame: number } | null {
  if (s.scope === null) return null;
  if (s.mode === 'webcam')
    return s.status === 'live' && nextLiveFrame
      ? { scope: s.scope, session: nextLiveFrame.session, fromFrame: nextLiveFrame.frameIndex }
      : null;
  if (s.mode !== 'video' || !s.meta) return null;
  if (s.status === 'paused') return { scope: s.scope, session: null, fromFrame: s.progress?.done ?? 0 };
  if (s.status === 'ready' || s.status === 'cancelled' || s.status === 'loaded')
    return { scope: s.scope, session: null, fromFrame: s.playback.frameIndex };
  return null;
}

/** Boxes and clicks can be drawn on what is shown now. */
export function selectCanPrompt(s: VideoState): boolean {
  return selectPromptOrigin(s, { session: '', frameIndex: 0 }) !== null;
}

/** The frame whose prompts in force the stage shows (live: all of them). */
export function selectPromptFrame(s: VideoState): number {
  if (s.mode === 'webcam') return Number.MAX_SAFE_INTEGER;
  if (s.status === 'paused') return s.progress?.done ?? 0;
  return s.playback.frameIndex;
}
