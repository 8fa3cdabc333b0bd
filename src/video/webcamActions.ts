/**
 * Live mode: the camera preview plays natively; on every new camera frame the pump sends the newest frame if the
 * engine is idle and drops it otherwise (at most one processFrame in flight). Stats reach the store 4× a second.
 */
import { reportEngineError } from '../engine-client/engineErrors';
import { LivePump } from './livePump';
import { clearBitmap } from './picture';
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
  const pump = new LivePump<ImageBitmap, Awaited<ReturnType<typeof sendFrame>>>({
    capture: async () => (video.readyState >= 2 && video.videoWidth > 0 ? createImageBitmap(video) : null),
    process: (f) => {
      const sessionId = currentSessionId();
      if (!sessionId) throw new Error('aborted: no session');
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
      recordFrame(result, true);
    },
    onError: (err) => {
      if (!run || run.token !== my) return;
      const e = reportEngineError(err, 'Tracking the webcam');
      if (e.code === 'aborted') return;
      videoStore.setState({ status: 'error', message: `Tracking stopped: ${e.message}` });
      void stopWebcam(false);
    },
    release: (bitmap) => bitmap.close(),
    now,
  });
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

export function selectCamera(deviceId: string): void {
  videoStore.setState({ deviceId });
  void startWebcam(deviceId);
}

/** Restarts tracking (new IDs) with the new detector interval when live. */
export function restartLiveSession(): void {
  if (videoStore.getState().mode === 'webcam' && run) void startWebcam();
}
