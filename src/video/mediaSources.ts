/**
 * Browser media plumbing for video mode: the camera (getUserMedia, device list) and video files (an
 * HTMLVideoElement stepped frame by frame with seeks). No store, no engine: the actions compose these.
 */
import { describeVideoError, MEDIA_ERR_SRC_NOT_SUPPORTED } from './mediaErrors';
import { estimateFps, timeOfFrame } from './videoModel';

export interface CameraInfo {
  deviceId: string;
  label: string;
}

/** Cameras the page may use (labels are empty until permission was granted once). */
export async function listCameras(): Promise<CameraInfo[]> {
  if (!navigator.mediaDevices?.enumerateDevices) return [];
  const devices = await navigator.mediaDevices.enumerateDevices();
  return devices
    .filter((d) => d.kind === 'videoinput')
    .map((d, i) => ({ deviceId: d.deviceId, label: d.label || `Camera ${i + 1}` }));
}

/** Opens a camera (a specific one when `deviceId` is given). Throws the browser's DOMException on failure. */
export async function openCamera(deviceId: string | null): Promise<MediaStream> {
  if (!navigator.mediaDevices?.getUserMedia) throw new DOMException('getUserMedia unavailable', 'NotSupportedError');
  return navigator.mediaDevices.getUserMedia({
    audio: false,
    video: deviceId ? { deviceId: { exact: deviceId } } : { width: { ideal: 640 }, height: { ideal: 480 } },
  });
}

export function stopStream(stream: MediaStream | null): void {
  stream?.getTracks().forEach((t) => t.stop());
}

function once(target: EventTarget, ok: string, fail = 'error', timeoutMs = 15_000): Promise<Event> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`timed out waiting for ${ok}`));
    }, timeoutMs);
    const onOk = (e: Event) => {
      cleanup();
      resolve(e);
    };
    const onFail = (e: Event) => {
      cleanup();
      reject(e);
    };
    const cleanup = () => {
      clearTimeout(timer);
      target.removeEventListener(ok, onOk);
      target.removeEventListener(fail, onFail);
    };
    target.addEventListener(ok, onOk);
    target.addEventListener(fail, onFail);
  });
}

/** Shows a camera stream in the element and waits for its first frame. */
export async function attachStream(video: HTMLVideoElement, stream: MediaStream): Promise<void> {
  video.srcObject = stream;
  video.muted = true;
  video.playsInline = true;
  const ready = video.readyState >= 2 ? Promise.resolve() : once(video, 'loadeddata');
  await video.play();
  await ready;
}

export class VideoOpenError extends Error {}

export interface OpenedFile {
  url: string;
  name: string;
  width: number;
  height: number;
  durationS: number;
  fps: number;
  frameCount: number;
}

/**
 * Loads a file into the element: metadata, the real duration (MediaRecorder WebM files report Infinity until a
 * seek to the end), and the frame rate measured from a short muted playback. Leaves the element at frame 0.
 */
export async function openVideoFile(video: HTMLVideoElement, file: File): Promise<OpenedFile> {
  const url = URL.createObjectURL(file);
  video.srcObject = null;
  video.muted = true;
  video.playsInline = true;
  video.preload = 'auto';
  video.src = url;
  try {
    await once(video, 'loadedmetadata');
  } catch {
    URL.revokeObjectURL(url);
    throw new VideoOpenError(describeVideoError(video.error?.code ?? MEDIA_ERR_SRC_NOT_SUPPORTED, file.name));
  }
  if (video.videoWidth === 0 || video.videoHeight === 0) {
    URL.revokeObjectURL(url);
    throw new VideoOpenError(`“${file.name}” has no video track this browser can decode.`);
  }
  try {
    let durationS = video.duration;
    if (!Number.isFinite(durationS)) {
      video.currentTime = 1e9;
      await once(video, 'seeked');
      durationS = video.duration;
      if (!Number.isFinite(durationS)) durationS = video.currentTime;
    }
    const fps = await measureFps(video);
    await seekTo(video, 0);
    const frameCount = Math.max(1, Math.round(durationS * fps));
    return { url, name: file.name, width: video.videoWidth, height: video.videoHeight, durationS, fps, frameCount };
  } catch (err) {
    URL.revokeObjectURL(url);
    if (err instanceof Event) throw new VideoOpenError(describeVideoError(video.error?.code, file.name));
    throw err;
  }
}

/** Frame rate from the media times of frames presented during a short muted playback from the start. */
async function measureFps(video: HTMLVideoElement): Promise<number> {
  if (!('requestVideoFrameCallback' in video)) return 30;
  await seekTo(video, 0);
  const times: number[] = [];
  await new Promise<void>((resolve) => {
    const deadline = setTimeout(finish, 2500);
    function finish() {
      clearTimeout(deadline);
      video.pause();
      resolve();
    }
    const onFrame = (_now: number, meta: VideoFrameCallbackMetadata) => {
      times.push(meta.mediaTime);
      if (times.length >= 12 || video.ended) finish();
      else video.requestVideoFrameCallback(onFrame);
    };
    video.requestVideoFrameCallback(onFrame);
    video.play().catch(finish);
    video.addEventListener('ended', finish, { once: true });
  });
  return estimateFps(times, 30);
}

export async function seekTo(video: HTMLVideoElement, timeS: number): Promise<void> {
  const seeked = once(video, 'seeked');
  video.currentTime = timeS;
  await seeked;
}

/** Seeks to frame i (its middle) and returns it as a bitmap. */
export async function grabFileFrame(video: HTMLVideoElement, frameIndex: number, fps: number): Promise<ImageBitmap> {
  const target = Math.min(timeOfFrame(frameIndex, fps), Math.max(0, video.duration - 1e-3) || 0);
  await seekTo(video, target);
  return createImageBitmap(video);
}
