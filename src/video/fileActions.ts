/**
 * File mode: open a video, process every frame in order (progress, ETA, pause, cancel), then play, pause and scrub
 * with each frame's stored result. Frames come from fileSource.ts (WebCodecs, decoded ahead of the engine; or the
 * <video> seek path where WebCodecs is missing). Results pass through the hotstart output delay (outputDelay.ts,
 * on by default) into the compact frame store; the stage shows the frame being processed with its provisional
 * tracks marked.
 */
import { reportEngineError } from '../engine-client/engineErrors';
import { appStore, type AppState } from '../store/appStore';
import { FileEndsEarlyError } from './decode/frameReader';
import { closeFile, frameStream, openFile, showFileFrame, type FrameStream, type OpenedFile } from './fileSource';
import { looksLikeVideo } from './mediaErrors';
import { VideoOpenError } from './mediaSources';
import { OutputDelay } from './outputDelay';
import { showBitmap } from './picture';
import { FrameStore } from './results/frameStore';
import { firstChangedFrame, runInputs } from '../store/videoPrompts';
import { pruneVideoPrompts } from './videoPromptActions';
import { estimateEta, isCancelled } from '../../workers/protocol';
import { tracksFromFrames } from './videoModel';
import { videoStore, type VideoState } from './videoStore';
import {
  endSession,
  framePrompts,
  recordFrame,
  sendFrame,
  startSession,
  storeReleased,
  videoElement,
} from './videoSession';
import { frameAtMediaTime } from './decode/frameTable';

/** File mode holds output back by the hotstart window (on by default) or shows it at once. */
export function setOutputDelay(on: boolean): void {
  videoStore.setState({ outputDelay: on });
}

let opened: OpenedFile | null = null;
let fileCount = 0;
/** Opening a file: aborted when another file is opened or video mode is left meanwhile. */
let opening: AbortController | null = null;
/** Resolves the paused processing loop (resume or cancel). */
let resumeLoop: (() => void) | null = null;
/**
 * The run in progress. Aborting its controller is the one way it stops: the loop checks the signal between frames,
 * and the frame in flight is cancelled in the engine through the same signal (callWithSignal).
 */
let active: { controller: AbortController; stream: FrameStream | null; delay: OutputDelay | null } | null = null;
let playHandle: number | null = null;

/** The opened file (exports read it). */
export function openedFile(): OpenedFile | null {
  return opened;
}

export function openFirstVideoFile(files: FileList | readonly File[] | null): void {
  const file = files?.[0];
  if (!file) return;
  void openVideo(file);
}

/**
 * Opens `file` and, once it is open, closes the previous video and processes the new one (when a phrase is typed).
 * A file that cannot be opened leaves the previous video, its results and its tracks as they were (as a bad image
 * leaves the previous image) and says why; a run in progress is stopped first, its frames kept.
 */
export async function openVideo(file: File): Promise<void> {
  opening?.abort();
  const controller = new AbortController();
  opening = controller;
  videoStore.setState({ openError: null });
  const fail = (message: string) => {
    if (opened) videoStore.setState({ openError: message });
    else videoStore.setState({ status: 'error', message });
  };
  if (!looksLikeVideo(file)) {
    fail(`“${file.name}” is not a video. Open an MP4, MOV, WebM or MKV file.`);
    return;
  }
  await cancelProcessing();
  pause();
  if (controller.signal.aborted) return;
  const before = videoStore.getState().status;
  videoStore.setState({ status: 'opening', message: null });
  let o: Awaited<ReturnType<typeof openFile>>;
  try {
    o = await openFile(file);
  } catch (err) {
    if (controller.signal.aborted) return;
    const message = err instanceof VideoOpenError ? err.message : `“${file.name}” could not be opened: ${String(err)}`;
    if (opened) videoStore.setState({ status: before, openError: message });
    else videoStore.setState({ status: 'error', message });
    return;
  } finally {
    if (opening === controller) opening = null;
  }
  if (controller.signal.aborted) {
    closeFile(o.opened);
    return;
  }
  await endSession();
  closeFile(opened);
  opened = o.opened;
  const scope = `file:${++fileCount}`;
  pruneVideoPrompts(scope);
  videoStore.setState((s) => ({
    scope,
    lastRun: null,
    status: 'loaded',
    message: null,
    meta: o.meta,
    frames: new FrameStore(o.meta.frameCount),
    progress: null,
    latest: null,
    runStats: null,
    exportJob: null,
    trackLabels: {},
    playback: { frameIndex: 0, playing: false },
    tracks: {},
    idLog: [],
    notices: [],
    frameVersion: s.frameVersion + 1,
  }));
  if (appStore.getState().concepts.some((c) => c.phrase.trim() !== '')) void processVideo();
}

interface LoopStats {
  waitMs: number;
  engineMs: number;
  frames: number;
}

/**
 * Processes every frame in order with the prompts in force at each frame. `keepBefore` (a re-run): the results of
 * frames before it stay on screen while the file is replayed from frame 0 (the tracker state cannot be rewound);
 * they are replaced by the replay's identical results, and frames from `keepBefore` on by new ones.
 */
export async function processVideo(options: { keepBefore?: number } = {}): Promise<void> {
  const meta = videoStore.getState().meta;
  if (!meta || !opened) return;
  const source = opened;
  videoStore.setState({ openError: null });
  pause();
  await stopActive();
  const run: NonNullable<typeof active> = { controller: new AbortController(), stream: null, delay: null };
  active = run;
  const signal = run.controller.signal;
  const keepBefore = Math.max(0, Math.min(meta.frameCount, options.keepBefore ?? 0));
  beginRun(keepBefore, meta.frameCount);
  const stats: LoopStats = { waitMs: 0, engineMs: 0, frames: 0 };
  const t0 = performance.now();
  try {
    const sessionId = await startSession({ mode: 'file', detectEvery: videoStore.getState().detectEvery });
    if (signal.aborted) return;
    // The output delay is the session's hotstart window (reference default 15 frames), or none when turned off.
    const v = videoStore.getState();
    run.delay = new OutputDelay(v.outputDelay ? (v.session?.settings.hotstartDelay ?? 15) : 0);
    run.stream = frameStream(source, appStore.getState().pack?.inputSize ?? 1008);
    const finished = await frameLoop(sessionId, run.stream, run.delay, meta.frameCount, stats, signal);
    if (!finished) return;
    storeReleased(run.delay.flush());
    if (active === run) active = null;
    await endSession();
    finishStats(run.stream, stats, t0);
    videoStore.setState({ status: 'ready', lastRun: currentRunInputs() });
    await showFrame(keepBefore);
  } catch (err) {
    if (signal.aborted || isCancelled(err)) return;
    await stopRun(run);
    await endSession();
    if (run.stream) finishStats(run.stream, stats, t0);
    reportRunError(err);
  }
}

/** The store at the start of a run: results before `keepBefore` stay, progress from 0. */
function beginRun(keepBefore: number, total: number): void {
  videoStore.getState().frames.clearFrom(keepBefore);
  videoStore.setState((s) => ({
    status: 'processing',
    message: null,
    progress: { done: 0, total, startedAtMs: performance.now(), etaSeconds: null },
    playback: { frameIndex: 0, playing: false },
    pauseRequested: false,
    runStats: null,
    tracks: tracksFromFrames(s.frames.each()),
    frameVersion: s.frameVersion + 1,
  }));
}

/** Frames through the engine until the stream ends (true) or the run is cancelled (false). */
async function frameLoop(
  sessionId: string,
  stream: FrameStream,
  delay: OutputDelay,
  total: number,
  stats: LoopStats,
  signal: AbortSignal,
): Promise<boolean> {
  let startedAtMs = performance.now();
  for (;;) {
    if (videoStore.getState().pauseRequested) {
      const pausedAt = performance.now();
      await waitForResume(videoStore.getState().progress?.done ?? 0);
      startedAtMs += performance.now() - pausedAt; // the ETA counts working time only
    }
    if (signal.aborted) return false;
    const tw = performance.now();
    const frame = await stream.next();
    stats.waitMs += performance.now() - tw;
    if (!frame) return true;
    if (signal.aborted) {
      frame.bitmap.close();
      frame.display?.close();
      return false;
    }
    const te = performance.now();
    let result;
    try {
      result = await sendFrame(
        {
          sessionId,
          frameIndex: frame.index,
          timestampMs: frame.timestampMs,
          bitmap: frame.bitmap,
          ...(frame.sourceSize ? { sourceSize: frame.sourceSize } : {}),
          ...framePrompts(frame.index, null),
        },
        signal,
      );
    } catch (err) {
      frame.display?.close();
      throw err;
    }
    stats.engineMs += performance.now() - te;
    stats.frames++;
    if (frame.display) showBitmap(frame.display);
    storeReleased(delay.push(recordFrame(result, false), result.removedReasons));
    const done = stats.frames;
    const eta = estimateEta(performance.now() - startedAtMs, done, total - done);
    videoStore.setState({
      progress: { done, total, startedAtMs, etaSeconds: eta === null ? null : eta / 1000 },
      playback: { frameIndex: frame.index, playing: false },
    });
  }
}

/** A run that stopped on an error: a file that ends early keeps the frames before the end; others say why. */
function reportRunError(err: unknown): void {
  if (err instanceof FileEndsEarlyError) {
    // The frames before the end are processed and kept: play, scrub and export them.
    videoStore.setState({
      status: 'cancelled',
      message: err.message,
      lastRun: currentRunInputs(),
      pauseRequested: false,
    });
    void showFrame(0);
    return;
  }
  const e = reportEngineError(err, 'Processing the video');
  videoStore.setState({ status: 'error', message: `Processing stopped: ${e.message}`, pauseRequested: false });
}

function finishStats(stream: FrameStream, s: { waitMs: number; engineMs: number; frames: number }, t0: number): void {
  const meta = videoStore.getState().meta;
  const st = stream.stats();
  videoStore.setState({
    runStats: {
      decoder: meta?.decoder ?? 'webcodecs',
      frames: s.frames,
      wallMs: performance.now() - t0,
      decodeMs: st.decodeMs,
      waitMs: s.waitMs,
      engineMs: s.engineMs,
      maxQueueDepth: st.maxQueueDepth,
    },
  });
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

/** Cancels the running loop (its frame in flight too), stops its decoder and keeps what its output delay held. */
async function stopActive(): Promise<void> {
  const run = active;
  if (run) await stopRun(run);
}

async function stopRun(run: NonNullable<typeof active>): Promise<void> {
  if (active === run) active = null;
  run.controller.abort();
  releasePausedLoop();
  if (run.delay) storeReleased(run.delay.flush());
  await run.stream?.cancel();
}

/** Stops processing; the frames done so far stay (play, scrub, export). */
export async function cancelProcessing(): Promise<void> {
  const s = videoStore.getState();
  if (s.status !== 'processing' && s.status !== 'paused') return;
  await stopActive();
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
  if (!meta || !opened) return;
  const i = Math.max(0, Math.min(meta.frameCount - 1, Math.round(frameIndex)));
  videoStore.setState((s) => ({ playback: { frameIndex: i, playing: false }, frameVersion: s.frameVersion + 1 }));
  await showFileFrame(opened, i);
}

export function togglePlay(): void {
  const s = videoStore.getState();
  if (s.playback.playing) pause();
  else void play();
}

async function play(): Promise<void> {
  const { meta, playback } = videoStore.getState();
  if (!meta || !opened) return;
  const from = playback.frameIndex >= meta.frameCount - 1 ? 0 : playback.frameIndex;
  videoStore.setState((s) => ({ playback: { ...s.playback, playing: true } }));
  if (opened.kind === 'webcodecs') {
    opened.player.play(
      from,
      (i, bitmap) => {
        if (!videoStore.getState().playback.playing) {
          bitmap.close();
          return;
        }
        showBitmap(bitmap);
        videoStore.setState((x) => ({ playback: { frameIndex: i, playing: true }, frameVersion: x.frameVersion + 1 }));
      },
      () => pause(),
    );
    return;
  }
  // The seek path: the element plays natively; each presented frame selects its results.
  const video = videoElement();
  if (from === 0) await showFileFrame(opened, 0);
  const onFrame = (_now: number, m: VideoFrameCallbackMetadata) => {
    const st = videoStore.getState();
    if (!st.playback.playing || !st.meta) return;
    const i = Math.min(st.meta.frameCount - 1, Math.max(0, Math.floor(m.mediaTime * st.meta.fps + 1e-6)));
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
  if (opened?.kind === 'webcodecs') opened.player.stop();
  const video = videoElement();
  if (playHandle !== null) video.cancelVideoFrameCallback(playHandle);
  playHandle = null;
  video.onended = null;
  if (!video.paused) video.pause();
  if (videoStore.getState().playback.playing)
    videoStore.setState((s) => ({ playback: { ...s.playback, playing: false } }));
}

/** The frame shown at media time t (s) of the opened file (VFR aware). */
export function frameAtTime(t: number): number {
  if (opened?.kind === 'webcodecs') return frameAtMediaTime(opened.media.table, t);
  const meta = videoStore.getState().meta;
  return meta ? Math.min(meta.frameCount - 1, Math.max(0, Math.floor(t * meta.fps))) : 0;
}

/** Leaves file mode: stops processing and playback, frees the file. */
export async function closeVideo(): Promise<void> {
  opening?.abort();
  videoStore.setState({ pauseRequested: false });
  pause();
  await stopActive();
  await endSession();
  closeFile(opened);
  opened = null;
}

function releasePausedLoop(): void {
  const resume = resumeLoop;
  resumeLoop = null;
  resume?.();
}
