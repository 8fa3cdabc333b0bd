/**
 * The annotated video: every frame of the file decoded again (WebCodecs via mediabunny), its stored results drawn
 * in (annotate.ts), encoded with WebCodecs via mediabunny at the frame's own timestamp. The codec family follows the
 * input where this browser can encode it (H.264 → MP4/MOV/MKV, VP8/VP9/AV1 → WebM/MKV/MP4), else WebM/VP9.
 * Progress per frame; an AbortSignal cancels (the partial output is discarded, the frame being painted too).
 */
import {
  BufferTarget,
  CanvasSource,
  canEncodeVideo,
  MkvOutputFormat,
  MovOutputFormat,
  Mp4OutputFormat,
  Output,
  QUALITY_HIGH,
  VideoSampleSink,
  WebMOutputFormat,
  type VideoCodec,
} from 'mediabunny';
import type { InstanceColor } from '../../colors';
import { frameAtMediaTime } from '../decode/frameTable';
import type { MediaFile } from '../decode/mediaFile';
import type { CompactFrame, CompactObject } from '../videoModel';
import { drawAnnotations } from './annotate';

export type ExportContainer = 'mp4' | 'mov' | 'webm' | 'mkv';

export interface ExportFormat {
  container: ExportContainer;
  codec: VideoCodec;
}

const HOLDS: Record<ExportContainer, readonly string[]> = {
  mp4: ['avc', 'hevc', 'vp9', 'av1'],
  mov: ['avc', 'hevc'],
  webm: ['vp8', 'vp9', 'av1'],
  mkv: ['avc', 'hevc', 'vp8', 'vp9', 'av1'],
};

/**
 * Output formats to try, best first: the input's codec in the input's container (or the closest container that
 * holds it), then WebM/VP9. Pure.
 */
export function exportCandidates(inputCodec: string, inputContainer: string): ExportFormat[] {
  const out: ExportFormat[] = [];
  const family = ['avc', 'hevc', 'vp8', 'vp9', 'av1'].includes(inputCodec) ? (inputCodec as VideoCodec) : null;
  if (family) {
    const containers: ExportContainer[] = [];
    if (inputContainer in HOLDS && HOLDS[inputContainer as ExportContainer].includes(family))
      containers.push(inputContainer as ExportContainer);
    containers.push(family === 'avc' || family === 'hevc' ? 'mp4' : 'webm');
    for (const container of containers) out.push({ container, codec: family });
  }
  out.push({ container: 'webm', codec: 'vp9' });
  return out.filter((f, i) => out.findIndex((g) => g.container === f.container && g.codec === f.codec) === i);
}

export const EXTENSIONS: Record<ExportContainer, string> = { mp4: 'mp4', mov: 'mov', webm: 'webm', mkv: 'mkv' };

/** The first candidate this browser can encode at this size. */
export async function chooseExportFormat(
  media: Pick<MediaFile, 'codec' | 'container' | 'width' | 'height'>,
): Promise<ExportFormat> {
  const { width, height } = evenSize(media.width, media.height);
  for (const f of exportCandidates(media.codec, media.container)) {
    if (await canEncodeVideo(f.codec, { width, height })) return f;
  }
  throw new Error('This browser cannot encode video (no WebCodecs encoder for H.264 or VP9).');
}

/** Encoders want even sizes (4:2:0 chroma); an odd side gets one pixel of padding. */
function evenSize(w: number, h: number): { width: number; height: number } {
  return { width: w + (w % 2), height: h + (h % 2) };
}

function outputFormat(c: ExportContainer) {
  switch (c) {
    case 'mp4':
      return new Mp4OutputFormat({ fastStart: 'in-memory' });
    case 'mov':
      return new MovOutputFormat({ fastStart: 'in-memory' });
    case 'webm':
      return new WebMOutputFormat();
    case 'mkv':
      return new MkvOutputFormat();
  }
}

export interface AnnotatedExportInput {
  media: MediaFile;
  frameAt: (i: number) => CompactFrame | undefined;
  /** Has the frame's masks painted (by the worker's painter) before it is drawn. */
  prepare: (frame: CompactFrame | undefined, signal: AbortSignal) => Promise<void>;
  colorOf: (o: CompactObject) => InstanceColor;
  labelOf: (o: CompactObject) => string;
  onProgress: (done: number, total: number) => void;
  signal: AbortSignal;
}

export interface AnnotatedExport {
  blob: Blob;
  format: ExportFormat;
  frames: number;
}

export async function exportAnnotatedVideo(x: AnnotatedExportInput): Promise<AnnotatedExport> {
  const { media } = x;
  const format = await chooseExportFormat(media);
  const { width, height } = evenSize(media.width, media.height);
  const canvas = new OffscreenCanvas(width, height);
  const ctx = canvas.getContext('2d', { alpha: false })!;
  const target = new BufferTarget();
  const output = new Output({ format: outputFormat(format.container), target });
  const source = new CanvasSource(canvas, { codec: format.codec, bitrate: QUALITY_HIGH, keyFrameInterval: 2 });
  output.addVideoTrack(source);
  await output.start();
  const total = media.table.timestampsS.length;
  const sink = new VideoSampleSink(media.track);
  let done = 0;
  let last = -1;
  try {
    for await (const sample of sink.samples()) {
      if (x.signal.aborted) {
        sample.close();
        break;
      }
      const i = frameAtMediaTime(media.table, sample.timestamp);
      if (i <= last) {
        sample.close();
        continue;
      }
      last = i;
      const frame = x.frameAt(i);
      await x.prepare(frame, x.signal);
      ctx.fillStyle = '#000';
      ctx.fillRect(0, 0, width, height);
      sample.draw(ctx, 0, 0, media.width, media.height);
      sample.close();
      drawAnnotations(ctx, frame, media.width, media.height, x.colorOf, x.labelOf);
      await source.add(media.table.timestampsS[i], media.table.durationsS[i]);
      done++;
      x.onProgress(done, total);
    }
  } catch (err) {
    await output.cancel();
    throw err;
  }
  if (x.signal.aborted) {
    await output.cancel();
    throw new DOMException('The export was cancelled.', 'AbortError');
  }
  await output.finalize();
  const mime = output.format.mimeType;
  return { blob: new Blob([target.buffer!], { type: mime }), format, frames: done };
}
