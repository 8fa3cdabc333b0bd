/**
 * File mode: open a video, process every frame in order (progress, ETA, cancel), then play, pause and scrub
 * with each frame's stored result, and export masklets.
 */
import { baseName, downloadBlob } from '../actions/download';
import { reportEngineError } from '../engine-client/engineErrors';
import { appStore, type AppState } from '../store/appStore';
import { buildMasklets } from './masklets';
import { looksLikeVideo } from './mediaErrors';
import { grabFileFrame, openVideoFile, seekTo, VideoOpenError } from './mediaSources';
import { firstChangedFrame, runInputs } from '../store/videoPrompts';
import { pruneVideoPrompts } from './videoPromptActions';
import { estimateEtaSeconds, frameAtTime, timeOfFrame, type CompactFrame } from './videoModel';
import { videoStore, type VideoState } from './videoStore';
import {
  endSession,
  framePrompts,
  recordFrame,
  sendFrame,
  sentPhrases,
  startSession,
  videoElement,
} from './videoSession';

let fileUrl: string | null = null;
let runToken = 0;
let playHandle: number | null = null;
let fileCount = 0;
/** Resolves the paused processing loop (resume or cancel). */
let resumeLoop: (() => void) | null = null;

export function openFirstVideoFile(files: FileList | readonly File[] | null): void {
  const file = files?.[0];
  if (!file) return;
  void openVideo(file);
}

export async function openVideo(file: File): Promise<void> {
  await closeVideo();
  const my = ++runToken;
  if (!looksLikeVideo(file)) {
    videoStore.setState({
      status: 'error',
      message: `“${file.name}” is not a video. Open an MP4 or WebM file.`,
    });
    return;
  }
  videoStore.setState({ status: 'opening', message: null, meta: null, frames: [], progress: null, latest: null });
  const video = videoElement();
  try {
    const opened = await openVideoFile(video, file);
    if (my !== runToken) {
      URL.revokeObjectURL(opened.url);
      return;
    }
    fileUrl = opened.url;
    const scope = `file:${++fileCount}`;
    pruneVideoPrompts(scope);
    videoStore.setState((s) => ({
      scope,
      lastRun: null,
      status: 'loaded',
      meta: {
        name: opened.name,
        width: opened.width,
        height: opened.height,
        fps: opened.fps,
        frameCount: opened.frameCount,
        durationS: opened.durationS,
      },
      playback: { frameIndex: 0, playing: false },
      tracks: {},
      idLog: [],
      frameVersion: s.frameVersion + 1,
    }));
  } catch (err) {
    if (my !== runToken) return;
    const message = err instanceof VideoOpenError ? err.message : `“${file.name}” could not be opened: ${String(err)}`;
    videoStore.setState({ status: 'error', message });
    return;
  }
  if (appStore.getState().concepts.some((c) => c.phrase.trim() !== '')) void processVideo();
}

/**
 * Processes every frame in order with the prompts in force at each frame. `keepBefore` (a re-run): the results of
 * frames before it stay on screen while the file is replayed from frame 0 (the tracker state cannot be rewound);
 * they are replaced by the replay's identical results, and frames from `keepBefore` on by new ones.
 */
export async function processVideo(options: { keepBefore?: number } = {}): Promise<void> {
  const meta = videoStore.getState().meta;
  if (!meta) return;
  pause();
  const my = ++runToken;
  const total = meta.frameCount;
  const keepBefore = Math.max(0, Math.min(total, options.keepBefore ?? 0));
  const kept = videoStore.getState().frames.slice(0, keepBefore);
  videoStore.setState({
    status: 'processing',
    message: null,
    frames: Object.assign(new Array<CompactFrame | undefined>(total), kept),
    progress: { done: 0, total, startedAtMs: performance.now(), etaSeconds: null },
    playback: { frameIndex: 0, playing: false },
    pauseRequested: false,
  });
  const video = videoElement();
  try {
    const sessionId = await startSession({
      mode: 'file',
      detectEvery: videoStore.getState().detectEvery,
      withCocoRle: true,
    });
    let startedAtMs = performance.now();
    for (let i = 0; i < total; i++) {
      if (my !== runToken) return;
      if (videoStore.getState().pauseRequested) {
        const pausedAt = performance.now();
        await waitForResume(i);
        if (my !== runToken) return;
        startedAtMs += performance.now() - pausedAt; // the ETA counts working time only
      }
      const bitmap = await grabFileFrame(video, i, meta.fps);
      if (my !== runToken) {
        bitmap.close();
        return;
      }
      const result = await sendFrame({
        sessionId,
        frameIndex: i,
        timestampMs: (i * 1000) / meta.fps,
        bitmap,
        ...framePrompts(i, null),
      });
      if (my !== runToken) return;
      recordFrame(result, true);
      const done = i + 1;
      videoStore.setState({
        progress: {
          done,
          total,
          startedAtMs,
          etaSeconds: estimateEtaSeconds(done, total, performance.now() - startedAtMs),
        },
        playback: { frameIndex: i, playing: false },
      });
    }
    await endSession();
    if (my !== runToken) return;
    videoStore.setState({ status: 'ready', lastRun: currentRunInputs() });
    await showFrame(keepBefore);
  } catch (err) {
    if (my !== runToken) return;
    await endSession();
    const e = reportEngineError(err, 'Processing the video');
    videoStore.setState({ status: 'error', message: `Processing stopped: ${e.message}`, pauseRequested: false });
  }
}

/** Paused before frame `next`: shows the last frame done (its results) until Resume or Cancel. */
async function waitForResume(next: number): Promise<void> {
  const resumed = new Promise<void>((resolve) => (resumeLoop = resolve));
  videoStore.setState((s) => ({
    status: 'paused',
    message: `Paused before frame ${next + 1}: boxes and clicks you add now apply from frame ${next + 1} on.`,
    playback: { frameIndex: Math.max(0, next - 1), playing: false },
    frameVersion: s.frameVersion + 1,
  }));
  await resumed;
}

/** Pause (processing stops before the next frame) or Resume. */
export function togglePauseProcessing(): void {
  const s = videoStore.getState();
  if (s.status === 'processing') {
    videoStore.setState({ pauseRequested: true });
    return;
  }
  if (s.status !== 'paused') return;
  videoStore.setState({ status: 'processing', pauseRequested: false, message: null });
  const resume = resumeLoop;
  resumeLoop = null;
  resume?.();
}

/** The video-side inputs of the re-run rule (a stable object while they are). */
export function selectRerunInputs(s: VideoState): Pick<VideoState, 'scope' | 'status' | 'lastRun' | 'detectEvery'> {
  if (
    rerunInputsMemo &&
    rerunInputsMemo.scope === s.scope &&
    rerunInputsMemo.status === s.status &&
    rerunInputsMemo.lastRun === s.lastRun &&
    rerunInputsMemo.detectEvery === s.detectEvery
  )
    return rerunInputsMemo;
  rerunInputsMemo = { scope: s.scope, status: s.status, lastRun: s.lastRun, detectEvery: s.detectEvery };
  return rerunInputsMemo;
}
let rerunInputsMemo: ReturnType<typeof selectRerunInputs> | null = null;

/**
 * A processed (or cancelled) file whose prompts changed since its run: the first frame they change, else null.
 */
export function rerunFrom(v: ReturnType<typeof selectRerunInputs>, a: AppState): number | null {
  if (!v.scope || (v.status !== 'ready' && v.status !== 'cancelled')) return null;
  return firstChangedFrame(v.lastRun, runInputs(v.scope, a.concepts, a.videoPrompts, a.scoreThreshold, v.detectEvery));
}

/** Re-runs the file with the current prompts, keeping the results before the first frame they change. */
export function rerunFromHere(): void {
  const from = rerunFrom(videoStore.getState(), appStore.getState());
  if (from === null) return;
  void processVideo({ keepBefore: from });
}

function currentRunInputs() {
  const a = appStore.getState();
  const v = videoStore.getState();
  return runInputs(v.scope ?? '', a.concepts, a.videoPrompts, a.scoreThreshold, v.detectEvery);
}

/** Stops processing; the frames done so far stay (play, scrub, export). */
export async function cancelProcessing(): Promise<void> {
  const s = videoStore.getState();
  if (s.status !== 'processing' && s.status !== 'paused') return;
  runToken++;
  releasePausedLoop();
  await endSession();
  const done = s.progress?.done ?? 0;
  videoStore.setState({
    status: 'cancelled',
    pauseRequested: false,
    lastRun: currentRunInputs(),
    message: `Cancelled after ${done} of ${s.progress?.total ?? 0} frames.`,
  });
  await showFrame(0);
}

/** Shows frame i of the processed file (pauses playback). */
export async function scrubTo(frameIndex: number): Promise<void> {
  pause();
  await showFrame(frameIndex);
}

async function showFrame(frameIndex: number): Promise<void> {
  const meta = videoStore.getState().meta;
  if (!meta) return;
  const i = Math.max(0, Math.min(meta.frameCount - 1, Math.round(frameIndex)));
  videoStore.setState((s) => ({ playback: { frameIndex: i, playing: false }, frameVersion: s.frameVersion + 1 }));
  await seekTo(videoElement(), Math.min(timeOfFrame(i, meta.fps), Math.max(0, meta.durationS - 1e-3)));
}

export function togglePlay(): void {
  const s = videoStore.getState();
  if (s.playback.playing) pause();
  else void play();
}

async function play(): Promise<void> {
  const { meta, playback } = videoStore.getState();
  if (!meta) return;
  const video = videoElement();
  if (playback.frameIndex >= meta.frameCount - 1) await seekTo(video, 0);
  videoStore.setState((s) => ({ playback: { ...s.playback, playing: true } }));
  const onFrame = (_now: number, m: VideoFrameCallbackMetadata) => {
    const st = videoStore.getState();
    if (!st.playback.playing || !st.meta) return;
    const i = frameAtTime(m.mediaTime, st.meta.fps, st.meta.frameCount);
    if (i !== st.playback.frameIndex)
      videoStore.setState((x) => ({ playback: { frameIndex: i, playing: true }, frameVersion: x.frameVersion + 1 }));
    playHandle = video.requestVideoFrameCallback(onFrame);
  };
  playHandle = video.requestVideoFrameCallback(onFrame);
  video.onended = () => pause();
  try {
    await video.play();
  } catch {
    pause();
  }
}

function pause(): void {
  const video = videoElement();
  if (playHandle !== null) video.cancelVideoFrameCallback(playHandle);
  playHandle = null;
  video.onended = null;
  if (!video.paused) video.pause();
  if (videoStore.getState().playback.playing)
    videoStore.setState((s) => ({ playback: { ...s.playback, playing: false } }));
}

/** Builds the masklet JSON (kept on the store for tests) and downloads it. */
export function exportMasklets(download = true): void {
  const s = videoStore.getState();
  if (!s.meta) return;
  const masklets = buildMasklets(
    { name: s.meta.name, width: s.meta.width, height: s.meta.height, frameCount: s.meta.frameCount, fps: s.meta.fps },
    s.frames,
    sentPhrases,
  );
  videoStore.setState({ lastMasklets: masklets });
  if (download)
    downloadBlob(
      new Blob([JSON.stringify(masklets)], { type: 'application/json' }),
      `${baseName(s.meta.name)}.masklets.json`,
    );
}

/** Leaves file mode: stops processing and playback, frees the file. */
export async function closeVideo(): Promise<void> {
  runToken++;
  releasePausedLoop();
  videoStore.setState({ pauseRequested: false });
  pause();
  await endSession();
  const video = videoElement();
  video.removeAttribute('src');
  video.load();
  if (fileUrl) URL.revokeObjectURL(fileUrl);
  fileUrl = null;
}

function releasePausedLoop(): void {
  const resume = resumeLoop;
  resumeLoop = null;
  resume?.();
}
