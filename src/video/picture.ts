/**
 * What the video stage draws under the masks: the <video> element (webcam, and files where WebCodecs is missing)
 * or a decoded frame (files decoded with WebCodecs; live mode with an output delay shows the delayed frame).
 * The holder owns the bitmap and closes the one it replaces.
 */
import { videoElement } from './videoSession';

let bitmap: ImageBitmap | null = null;

export interface StagePicture {
  source: CanvasImageSource;
  width: number;
  height: number;
}

/** Shows a decoded frame (the holder takes ownership). */
export function showBitmap(next: ImageBitmap): void {
  if (bitmap && bitmap !== next) bitmap.close();
  bitmap = next;
}

/** Back to the <video> element. */
export function clearBitmap(): void {
  bitmap?.close();
  bitmap = null;
}

/** The picture to draw now, or null when there is none yet. */
export function stagePicture(): StagePicture | null {
  if (bitmap) return { source: bitmap, width: bitmap.width, height: bitmap.height };
  const v = videoElement();
  if (v.videoWidth > 0 && v.videoHeight > 0 && v.readyState >= 2)
    return { source: v, width: v.videoWidth, height: v.videoHeight };
  return null;
}
