/** Clear words for camera and video failures. Pure: takes the error's name/code, not a live object. */

export function describeCameraError(err: unknown): string {
  const name = (err as { name?: unknown } | null)?.name;
  switch (name) {
    case 'NotAllowedError':
    case 'PermissionDeniedError':
    case 'SecurityError':
      return 'Camera permission was denied. Allow camera access for this page in the browser’s site settings, then try again.';
    case 'NotFoundError':
    case 'DevicesNotFoundError':
    case 'OverconstrainedError':
    case 'ConstraintNotSatisfiedError':
      return 'No camera found. Connect a camera (or pick another one) and try again.';
    case 'NotReadableError':
    case 'TrackStartError':
    case 'AbortError':
      return 'The camera could not be started: it may be in use by another application.';
    default:
      break;
  }
  if (typeof navigator !== 'undefined' && !navigator.mediaDevices?.getUserMedia)
    return 'This browser gives no camera access here (a secure https:// or localhost page is needed).';
  const message = (err as { message?: unknown } | null)?.message;
  return `The camera could not be started${typeof message === 'string' && message ? `: ${message}` : '.'}`;
}

/** MediaError codes (HTMLMediaElement.error.code). */
export const MEDIA_ERR_ABORTED = 1;
export const MEDIA_ERR_DECODE = 3;
export const MEDIA_ERR_SRC_NOT_SUPPORTED = 4;

export function describeVideoError(code: number | undefined, fileName: string): string {
  switch (code) {
    case MEDIA_ERR_SRC_NOT_SUPPORTED:
      return `“${fileName}” can’t be played here: its container or codec isn’t supported by this browser. Try an MP4 (H.264) or a WebM (VP8, VP9 or AV1) file.`;
    case MEDIA_ERR_DECODE:
      return `“${fileName}” could not be decoded: the file may be damaged or use an unsupported codec profile.`;
    case MEDIA_ERR_ABORTED:
      return `Opening “${fileName}” was aborted.`;
    default:
      return `“${fileName}” could not be opened as a video.`;
  }
}

export const VIDEO_ACCEPT = 'video/mp4,video/webm,video/quicktime,video/x-matroska,.mp4,.webm,.m4v,.mov,.mkv';

/** A quick check on the name and type before trying to decode (the decoder has the last word). */
export function looksLikeVideo(file: { name: string; type: string }): boolean {
  return file.type.startsWith('video/') || /\.(mp4|m4v|webm|mov|mkv)$/i.test(file.name);
}
