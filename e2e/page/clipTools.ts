/**
 * End-to-end test tools, loaded on demand (`window.__sam3.videoTools()`; never by the app itself): encode a scene
 * clip in the page with WebCodecs + mediabunny (any container/codec this browser encodes, constant or variable frame
 * rate, exact timestamps), and read a video back (frame count, timestamps, pixels at given places) to check exports.
 */
import {
  BufferTarget,
  CanvasSource,
  MkvOutputFormat,
  MovOutputFormat,
  Mp4OutputFormat,
  Output,
  VideoSampleSink,
  WebMOutputFormat,
  type VideoCodec,
} from 'mediabunny';
import { openMediaFile } from '../../src/video/decode/mediaFile';
import { lastExportBlob } from '../../src/video/exportActions';

export interface ClipRect {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
  rgb: number[];
}

export interface ClipSpec {
  name: string;
  width: number;
  height: number;
  container: 'mp4' | 'mov' | 'webm' | 'mkv';
  codec: VideoCodec;
  /** Per frame: background and rectangles. */
  frames: { background: number[]; rects: ClipRect[] }[];
  /** Presentation time of each frame in seconds (variable gaps make a VFR file). */
  timestampsS: number[];
  /** Keep only this fraction of the file's bytes (a truncated file). */
  truncateTo?: number;
}

const FORMATS = {
  mp4: () => new Mp4OutputFormat({ fastStart: 'in-memory' }),
  mov: () => new MovOutputFormat({ fastStart: 'in-memory' }),
  webm: () => new WebMOutputFormat(),
  mkv: () => new MkvOutputFormat(),
};
const MIME = { mp4: 'video/mp4', mov: 'video/quicktime', webm: 'video/webm', mkv: 'video/x-matroska' };

export async function encodeClip(spec: ClipSpec): Promise<File> {
  const canvas = new OffscreenCanvas(spec.width, spec.height);
  const ctx = canvas.getContext('2d')!;
  const target = new BufferTarget();
  const output = new Output({ format: FORMATS[spec.container](), target });
  // Every frame a key frame: a truncated file still decodes up to its cut.
  const source = new CanvasSource(canvas, { codec: spec.codec, bitrate: 2e6, keyFrameInterval: 0 });
  output.addVideoTrack(source);
  await output.start();
  for (const [i, f] of spec.frames.entries()) {
    ctx.fillStyle = `rgb(${f.background.join(',')})`;
    ctx.fillRect(0, 0, spec.width, spec.height);
    for (const r of f.rects) {
      ctx.fillStyle = `rgb(${r.rgb.join(',')})`;
      ctx.fillRect(r.x0, r.y0, r.x1 - r.x0, r.y1 - r.y0);
    }
    const t = spec.timestampsS[i];
    const next = spec.timestampsS[i + 1] ?? t + (i > 0 ? t - spec.timestampsS[i - 1] : 0.1);
    await source.add(t, next - t);
  }
  await output.finalize();
  let bytes = new Uint8Array(target.buffer!);
  if (spec.truncateTo !== undefined) bytes = bytes.slice(0, Math.floor(bytes.length * spec.truncateTo));
  return new File([bytes], spec.name, { type: MIME[spec.container] });
}

export interface DecodedSummary {
  codec: string;
  container: string;
  width: number;
  height: number;
  frameCount: number;
  timestampsMs: number[];
  /** RGB at each probe (frame index, x, y), decoded from the file. */
  pixels: number[][];
}

/** Reads a video back: its frames, timestamps and the colour at the given places. */
export async function decodeSummary(
  blob: Blob,
  probes: { frame: number; x: number; y: number }[] = [],
): Promise<DecodedSummary> {
  const media = await openMediaFile(new File([blob], 'check', { type: blob.type }));
  try {
    const canvas = new OffscreenCanvas(media.width, media.height);
    const ctx = canvas.getContext('2d', { willReadFrequently: true })!;
    const pixels: number[][] = probes.map(() => []);
    let decoded = 0;
    for await (const sample of new VideoSampleSink(media.track).samples()) {
      const i = decoded++;
      const wanted = probes.map((p, k) => [p, k] as const).filter(([p]) => p.frame === i);
      if (wanted.length > 0) {
        sample.draw(ctx, 0, 0, media.width, media.height);
        for (const [p, k] of wanted) pixels[k] = [...ctx.getImageData(p.x, p.y, 1, 1).data.slice(0, 3)];
      }
      sample.close();
    }
    return {
      codec: media.codec,
      container: media.container,
      width: media.width,
      height: media.height,
      frameCount: decoded,
      timestampsMs: Array.from(media.table.timestampsS, (t) => Math.round(t * 1e6) / 1e3),
      pixels,
    };
  } finally {
    media.input.dispose();
  }
}

/** The last exported PNG or video. */
export function lastExport(): Blob | null {
  return lastExportBlob;
}

/** The pixel at (x, y) of an image blob (the PNG export). */
export async function imagePixel(blob: Blob, x: number, y: number): Promise<number[]> {
  const bitmap = await createImageBitmap(blob);
  const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
  const ctx = canvas.getContext('2d', { willReadFrequently: true })!;
  ctx.drawImage(bitmap, 0, 0);
  return [...ctx.getImageData(x, y, 1, 1).data.slice(0, 3), bitmap.width, bitmap.height];
}
