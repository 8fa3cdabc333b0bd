/**
 * The opened video file and how its frames are read: WebCodecs through mediabunny (exact frames and timestamps,
 * decoding pipelined ahead of the engine), or — only where WebCodecs is missing, or when `?videoDecode=seek` asks
 * for it (the bench compares the two) — the <video> element stepped by seeks. One file at a time; the actions own it.
 */
import { FramePlayer } from './decode/framePlayer';
import { EditFrameReader } from './decode/editFrames';
import { FrameReader, type DecodedFrame } from './decode/frameReader';
import { isVariableFrameRate } from './decode/frameTable';
import { hasWebCodecs, openMediaFile, type MediaFile } from './decode/mediaFile';
import { grabFileFrame, openVideoFile, seekTo } from './mediaSources';
import { clearBitmap, showBitmap } from './picture';
import { timeOfFrame } from './videoModel';
import { videoElement } from './videoSession';
import type { VideoMeta } from './videoStore';

export type OpenedFile =
  | { kind: 'webcodecs'; file: File; media: MediaFile; player: FramePlayer }
  | { kind: 'seek'; file: File; url: string; meta: VideoMeta };

/** A frame ready for the engine: the model's copy (transferred), its own size, and a picture for the stage. */
export interface SourceFrame {
  index: number;
  timestampMs: number;
  bitmap: ImageBitmap;
  /** Set when `bitmap` was downscaled for the model. */
  sourceSize?: { width: number; height: number };
  /** WebCodecs: the frame at its own size (the stage shows it with its result). */
  display: ImageBitmap | null;
}

export interface FrameStream {
  next(): Promise<SourceFrame | null>;
  cancel(): Promise<void>;
  stats(): { decodeMs: number; maxQueueDepth: number };
}

function preferSeek(): boolean {
  return new URLSearchParams(location.search).get('videoDecode') === 'seek';
}

export async function openFile(file: File): Promise<{ opened: OpenedFile; meta: VideoMeta }> {
  if (hasWebCodecs() && !preferSeek()) {
    const media = await openMediaFile(file);
    clearBitmap();
    const n = media.table.timestampsS.length;
    const meta: VideoMeta = {
      name: file.name,
      width: media.width,
      height: media.height,
      fps: media.fps,
      frameCount: n,
      durationS: media.table.timestampsS[n - 1] + media.table.durationsS[n - 1],
      decoder: 'webcodecs',
      timestampsMs: Array.from(media.table.timestampsS, (t) => Math.round(t * 1e6) / 1e3),
      variableFrameRate: isVariableFrameRate(media.table),
      codec: media.codec,
      container: media.container,
    };
    const opened: OpenedFile = { kind: 'webcodecs', file, media, player: new FramePlayer(media) };
    const first = await opened.player.frame(0);
    if (first) showBitmap(first);
    return { opened, meta };
  }
  clearBitmap();
  const o = await openVideoFile(videoElement(), file);
  const meta: VideoMeta = {
    name: o.name,
    width: o.width,
    height: o.height,
    fps: o.fps,
    frameCount: o.frameCount,
    durationS: o.durationS,
    decoder: 'seek',
    timestampsMs: Array.from({ length: o.frameCount }, (_, i) => (i * 1000) / o.fps),
    variableFrameRate: false,
    codec: null,
    container: null,
  };
  return { opened: { kind: 'seek', file, url: o.url, meta }, meta };
}

/** Frames in order from frame 0: decoded ahead through a bounded queue (WebCodecs) or one seek at a time. */
export function frameStream(opened: OpenedFile, inputSize: number): FrameStream {
  if (opened.kind === 'webcodecs') {
    const reader = new FrameReader(opened.media, inputSize);
    const { width, height } = opened.media;
    return {
      async next() {
        const f: DecodedFrame | null = await reader.next();
        if (!f) return null;
        const resized = f.model.width !== width || f.model.height !== height;
        return {
          index: f.index,
          timestampMs: f.timestampS * 1000,
          bitmap: f.model,
          ...(resized ? { sourceSize: { width, height } } : {}),
          display: f.display,
        };
      },
      cancel: () => reader.cancel(),
      stats: () => {
        const s = reader.getStats();
        return { decodeMs: s.decodeMs, maxQueueDepth: s.maxQueueDepth };
      },
    };
  }
  const video = videoElement();
  let i = 0;
  let decodeMs = 0;
  let stopped = false;
  return {
    async next() {
      if (stopped || i >= opened.meta.frameCount) return null;
      const t0 = performance.now();
      const bitmap = await grabFileFrame(video, i, opened.meta.fps);
      decodeMs += performance.now() - t0;
      const frame = { index: i, timestampMs: opened.meta.timestampsMs[i], bitmap, display: null };
      i++;
      return frame;
    },
    async cancel() {
      stopped = true;
    },
    stats: () => ({ decodeMs, maxQueueDepth: 0 }),
  };
}

/** Frames in any order, for an edit's propagation (decode/editFrames.ts; the seek path seeks each one). */
export interface FrameAccess {
  frame(i: number): Promise<SourceFrame | null>;
  close(): Promise<void>;
}

export function frameAccess(opened: OpenedFile, inputSize: number): FrameAccess {
  if (opened.kind === 'webcodecs') {
    const reader = new EditFrameReader(opened.media, inputSize);
    const { width, height } = opened.media;
    return {
      async frame(i) {
        const f = await reader.frame(i);
        if (!f) return null;
        const resized = f.model.width !== width || f.model.height !== height;
        return {
          index: f.index,
          timestampMs: opened.media.table.timestampsS[f.index] * 1000,
          bitmap: f.model,
          ...(resized ? { sourceSize: { width, height } } : {}),
          display: f.display,
        };
      },
      close: () => reader.close(),
    };
  }
  const video = videoElement();
  return {
    async frame(i) {
      if (i < 0 || i >= opened.meta.frameCount) return null;
      const bitmap = await grabFileFrame(video, i, opened.meta.fps);
      return { index: i, timestampMs: opened.meta.timestampsMs[i], bitmap, display: null };
    },
    async close() {},
  };
}

/** Shows frame i on the stage (decoded, or the element seeked to it). */
export async function showFileFrame(opened: OpenedFile, i: number): Promise<void> {
  if (opened.kind === 'webcodecs') {
    try {
      const bitmap = await opened.player.frame(i);
      if (bitmap) showBitmap(bitmap);
    } catch {
      // A frame past the end of a truncated file (or a closed file): the stage keeps the last picture.
    }
    return;
  }
  const { meta } = opened;
  await seekTo(videoElement(), Math.min(timeOfFrame(i, meta.fps), Math.max(0, meta.durationS - 1e-3)));
}

export function closeFile(opened: OpenedFile | null): void {
  if (!opened) return;
  if (opened.kind === 'webcodecs') {
    opened.player.stop();
    opened.media.input.dispose();
  } else {
    const video = videoElement();
    video.removeAttribute('src');
    video.load();
    URL.revokeObjectURL(opened.url);
  }
  clearBitmap();
}
