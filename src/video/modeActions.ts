/** Switching between the still image, a video file and the webcam; the detector interval. */
import { closeVideo } from './fileActions';
import { pruneVideoPrompts } from './videoPromptActions';
import { refreshCameras, restartLiveSession, startWebcam, stopWebcam } from './webcamActions';
import { FrameStore } from './results/frameStore';
import { videoStore, type SourceMode } from './videoStore';

let webcamRuns = 0;

export async function setSourceMode(mode: SourceMode): Promise<void> {
  const prev = videoStore.getState().mode;
  if (prev === mode) return;
  if (prev === 'webcam') await stopWebcam();
  if (prev === 'video') await closeVideo();
  videoStore.setState((s) => ({
    mode,
    status: 'idle',
    message: null,
    session: null,
    meta: null,
    latest: null,
    frames: new FrameStore(0),
    progress: null,
    tracks: {},
    idLog: [],
    frameVersion: s.frameVersion + 1,
    scope: mode === 'webcam' ? `webcam:${++webcamRuns}` : null,
    pauseRequested: false,
    lastSent: null,
    lastRun: null,
  }));
  const scope = videoStore.getState().scope;
  if (scope) pruneVideoPrompts(scope);
  if (mode === 'webcam') {
    void refreshCameras();
    await startWebcam();
  }
}

/** Runs the detector every `n` frames (≥ 1); a live session restarts with it, a file uses it on its next run. */
export function setDetectEvery(n: number): void {
  const value = Number.isFinite(n) ? Math.max(1, Math.min(120, Math.round(n))) : 1;
  if (value === videoStore.getState().detectEvery) return;
  videoStore.setState({ detectEvery: value });
  restartLiveSession();
}
