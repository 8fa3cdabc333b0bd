/**
 * Live mode: the camera preview plays natively; on every new camera frame the pump sends the newest frame if the
 * engine is idle and drops it otherwise (at most one processFrame in flight). Stats reach the store 4× a second.
 */
import { reportEngineError } from '../engine-client/engineErrors';
import { LivePump } from './livePump';
import { OutputDelay } from './outputDelay';
import { clearBitmap, showBitmap } from './picture';
import { updateTracks } from './videoModel';
import { describeCameraError } from './mediaErrors';
import { attachStream, listCameras, openCamera, stopStream } from './mediaSources';
import { RateMeter } from './videoModel';
import { FrameStore } from './results/frameStore';
import { EMPTY_LIVE_STATS, videoStore } from './videoStore';
import {
  currentSessionId,
  endSession,
  framePrompts,
  recordFrame,
  sendFrame,
  startSession,
  videoElement,
} from './videoSession';

interface LiveRun {
  token: number;
  stream: MediaStream;
  pump: LivePump<ImageBitmap, Awaited<ReturnType<typeof sendFrame>>>;
  cameraMeter: RateMeter;
  processedMeter: RateMeter;
  statsTimer: ReturnType<typeof setInterval>;
  frameHandle: number | null;
  maxLatencyMs: number;
  lastLatencyMs: number;
  startedAtMs: number;
}

let run: LiveRun | null = null;
/** Frees the frames a live output delay still holds. */
let releaseKept: () => void = () => {};
let token = 0;

export async function startWebcam(deviceId: string | null = videoStore.getState().deviceId): Promise<void> {
  await stopWebcam();
  const my = ++token;
  videoStore.setState({
    status: 'opening',
    message: null,
    live: { ...EMPTY_LIVE_STATS },
    meta: null,
    frames: new FrameStore(0),
  });
  let stream: MediaStream;
  try {
    stream = await openCamera(deviceId);
  } catch (err) {
    if (my !== token) return;
    videoStore.setState({ status: 'error', message: describeCameraError(err) });
    void refreshCameras();
    return;
  }
  if (my !== token) {
    stopStream(stream);
    return;
  }
  const video = videoElement();
  clearBitmap(); // the stage shows the camera element
  try {
    await attachStream(video, stream);
    const activeId = stream.getVideoTracks()[0]?.getSettings().deviceId ?? deviceId;
    videoStore.setState({ deviceId: activeId ?? null });
    void refreshCameras();
    await startSession({ mode: 'live', detectEvery: videoStore.getState().detectEvery });
  } catch (err) {
    stopStream(stream);
    if (my !== token) return;
    const e = reportEngineError(err, 'Starting the webcam session');
    videoStore.setState({ status: 'error', message: `Tracking could not start: ${e.message}` });
    return;
  }
  if (my !== token) {
    stopStream(stream);
    return;
  }
  beginLoop(my, stream, video);
}

function beginLoop(my: number, stream: MediaStream, video: HTMLVideoElement): void {
  const now = () => performance.now();
  const cameraMeter = new RateMeter();
  const processedMeter = new RateMeter();
  const startedAtMs = now();
  // Optional output delay (the reference's hotstart delay): results and the frames they belong to are shown
  // `hotstartDelay` processed frames late, so tracks the hotstart rule removes never appear. Kept frames by number.
  const settings = videoStore.getState().session?.settings;
  const delay = videoStore.getState().liveDelay ? new OutputDelay(settings?.hotstartDelay ?? 15) : null;
  const kept = new Map<number, ImageBitmap>();
  const pump = new LivePump<ImageBitmap, Awaited<ReturnType<typeof sendFrame>>>({
    capture: async () => (video.readyState >= 2 && video.videoWidth > 0 ? createImageBitmap(video) : null),
    process: async (f) => {
      const sessionId = currentSessionId();
      if (!sessionId) throw new Error('aborted: no session');
      if (delay) kept.set(f.seq, await createImageBitmap(f.frame));
      return sendFrame({
        sessionId,
        frameIndex: f.seq,
        timestampMs: f.capturedAtMs - startedAtMs,
        bitmap: f.frame,
        ...framePrompts(f.seq, sessionId),
      });
    },
    onResult: (result, _f, latencyMs) => {
      if (!run || run.token !== my) return;
      processedMeter.push(now());
      run.lastLatencyMs = latencyMs;
      run.maxLatencyMs = Math.max(run.maxLatencyMs, latencyMs);
      if (!delay) {
        recordFrame(result, true);
        return;
      }
      const shownBefore = videoStore.getState().latest;
      const released = delay.push(recordFrame(result, false), result.removedReasons);
      // What is on screen stays the last released frame, shown over its own picture.
      videoStore.setState({ latest: shownBefore });
      for (const frame of released) {
        const picture = kept.get(frame.frameIndex);
        kept.delete(frame.frameIndex);
        if (picture) showBitmap(picture);
        videoStore.setState((s) => ({
          latest: frame,
          tracks: updateTracks(s.tracks, frame),
          frameVersion: s.frameVersion + 1,
        }));
      }
      for (const [k, b] of kept)
        if (k < result.frameIndex - delay.delay - 2) {
          b.close();
          kept.delete(k);
        }
    },
    onError: (err) => {
      if (!run || run.token !== my) return;
      const e = reportEngineError(err, 'Tracking the webcam');
      if (e.code === 'cancelled') return;
      videoStore.setState({ status: 'error', message: `Tracking stopped: ${e.message}` });
      void stopWebcam(false);
    },
    release: (bitmap) => bitmap.close(),
    now,
  });
  releaseKept = () => {
    for (const b of kept.values()) b.close();
    kept.clear();
  };
  run = {
    token: my,
    stream,
    pump,
    cameraMeter,
    processedMeter,
    statsTimer: setInterval(publishStats, 250),
    frameHandle: null,
    maxLatencyMs: 0,
    lastLatencyMs: 0,
    startedAtMs,
  };
  videoStore.setState({ status: 'live', message: null });
  const onFrame = () => {
    if (!run || run.token !== my) return;
    cameraMeter.push(now());
    pump.offer();
    run.frameHandle = video.requestVideoFrameCallback(onFrame);
  };
  run.frameHandle = video.requestVideoFrameCallback(onFrame);
}

function publishStats(): void {
  if (!run) return;
  const t = performance.now();
  const p = run.pump.getStats();
  videoStore.setState({
    live: {
      cameraFps: run.cameraMeter.rate(t),
      processedFps: run.processedMeter.rate(t),
      latencyMs: run.lastLatencyMs,
      maxLatencyMs: run.maxLatencyMs,
      cameraFrames: p.offered,
      processedFrames: p.completed,
      droppedFrames: p.dropped,
      inFlight: p.inFlight,
      maxInFlight: p.maxInFlight,
    },
  });
}

/** Stops the camera and the session. `clearStatus` false keeps an error message on screen. */
export async function stopWebcam(clearStatus = true): Promise<void> {
  const r = run;
  run = null;
  token++;
  if (r) {
    r.pump.stop();
    clearInterval(r.statsTimer);
    if (r.frameHandle !== null) videoElement().cancelVideoFrameCallback(r.frameHandle);
    stopStream(r.stream);
    releaseKept();
    clearBitmap();
    const video = videoElement();
    video.pause();
    video.srcObject = null;
  }
  if (clearStatus) videoStore.setState({ status: 'idle' });
  await endSession();
}

/** The live session and the number its next sent frame will have (where a prompt drawn now starts). */
export function liveFrameCursor(): { session: string; frameIndex: number } | null {
  const session = currentSessionId();
  if (!run || !session) return null;
  const p = run.pump.getStats();
  // A frame in flight has read its prompts already; the next one to read them gets number `sent`.
  return { session, frameIndex: p.sent };
}

export async function refreshCameras(): Promise<void> {
  try {
    const devices = await listCameras();
    videoStore.setState({ devices });
  } catch {
    videoStore.setState({ devices: [] });
  }
}

/** Turns the live output delay on or off (the session restarts with it). */
export function setLiveDelay(on: boolean): void {
  videoStore.setState({ liveDelay: on });
  restartLiveSession();
}

export function selectCamera(deviceId: string): void {
  videoStore.setState({ deviceId });
  void startWebcam(deviceId);
}

/** Restarts tracking (new IDs) with the new detector interval when live. */
export function restartLiveSession(): void {
  if (videoStore.getState().mode === 'webcam' && run) void startWebcam();
}
