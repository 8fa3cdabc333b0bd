/**
 * What leaves a processed file: masklet JSON (today's format), YouTube-VIS results JSON for TrackEval, a PNG of the
 * current frame with its masks and labels, and the annotated video (progress, cancel). Also the track edits the
 * exports honour: rename a track's concept, delete a track from a frame on.
 */
import { baseName, downloadBlob } from '../actions/download';
import { appStore } from '../store/appStore';
import { openedFile } from './fileActions';
import { buildMasklets } from './masklets';
import { drawAnnotations } from './export/annotate';
import { EXTENSIONS, exportAnnotatedVideo } from './export/annotatedVideo';
import { buildYtvisResults } from './export/ytvis';
import { stagePicture } from './picture';
import { ensureMaskBitmaps } from '../actions/maskPixels';
import { frameMasks } from './videoOverlay';
import { objectColor, type CompactObject } from './videoModel';
import { sentPhrases } from './videoSession';
import { selectShownFrame, videoStore } from './videoStore';

/** The label drawn and exported after a track's ID: its new name, else its concept's phrase. */
export function trackLabel(o: Pick<CompactObject, 'id' | 'conceptId'>): string {
  const renamed = videoStore.getState().trackLabels[o.id];
  if (renamed !== undefined) return renamed;
  if (o.conceptId.startsWith('object:')) return 'object';
  const phrase = sentPhrases.get(o.conceptId) ?? appStore.getState().concepts.find((c) => c.id === o.conceptId)?.phrase;
  return phrase === undefined ? o.conceptId : phrase === '' ? 'visual' : phrase;
}

function colorOf(o: CompactObject) {
  return objectColor(videoStore.getState().tracks, o);
}

/** Builds the masklet JSON (kept on the store for tests) and downloads it. */
export function exportMasklets(download = true): void {
  const s = videoStore.getState();
  if (!s.meta) return;
  const masklets = buildMasklets(
    { name: s.meta.name, width: s.meta.width, height: s.meta.height, frameCount: s.meta.frameCount, fps: s.meta.fps },
    s.frames.each(),
    sentPhrases,
    s.trackLabels,
  );
  videoStore.setState({ lastMasklets: masklets });
  if (download)
    downloadBlob(
      new Blob([JSON.stringify(masklets)], { type: 'application/json' }),
      `${baseName(s.meta.name)}.masklets.json`,
    );
}

/** YouTube-VIS results (one entry per track, a COCO RLE or null per frame) for TrackEval. */
export function exportYtvis(download = true): ReturnType<typeof buildYtvisResults> | null {
  const s = videoStore.getState();
  if (!s.meta) return null;
  const results = buildYtvisResults(
    { name: s.meta.name, width: s.meta.width, height: s.meta.height, frameCount: s.meta.frameCount },
    s.frames.each(),
    sentPhrases,
    s.trackLabels,
  );
  videoStore.setState({ lastYtvis: results });
  if (download)
    downloadBlob(
      new Blob([JSON.stringify(results)], { type: 'application/json' }),
      `${baseName(s.meta.name)}.ytvis-results.json`,
    );
  return results;
}

/** The current frame at its own size with masks, IDs and labels, as a PNG. */
export async function exportFramePng(download = true): Promise<Blob | null> {
  const s = videoStore.getState();
  const picture = stagePicture();
  if (!picture) return null;
  await ensureMaskBitmaps(frameMasks(selectShownFrame(s)));
  const canvas = new OffscreenCanvas(picture.width, picture.height);
  const ctx = canvas.getContext('2d')!;
  ctx.drawImage(picture.source, 0, 0, picture.width, picture.height);
  drawAnnotations(ctx, selectShownFrame(s), picture.width, picture.height, colorOf, trackLabel);
  const blob = await canvas.convertToBlob({ type: 'image/png' });
  const frameNo = s.mode === 'webcam' ? (s.latest?.frameIndex ?? 0) : s.playback.frameIndex;
  lastExportBlob = blob;
  if (download) downloadBlob(blob, `${baseName(s.meta?.name ?? 'webcam')}.frame-${frameNo + 1}.png`);
  return blob;
}

let exportAbort: AbortController | null = null;
/** The last exported file (PNG or video), for the end-to-end tests. */
export let lastExportBlob: Blob | null = null;

/** Encodes the annotated video (progress on the store; `cancelAnnotatedExport` stops it). */
export async function exportAnnotated(download = true): Promise<Blob | null> {
  const o = openedFile();
  const s = videoStore.getState();
  if (!o || o.kind !== 'webcodecs' || !s.meta || exportAbort) return null;
  const abort = new AbortController();
  exportAbort = abort;
  videoStore.setState({
    exportJob: { status: 'running', done: 0, total: s.meta.frameCount, message: null, format: null },
  });
  try {
    const out = await exportAnnotatedVideo({
      media: o.media,
      frameAt: (i) => videoStore.getState().frames.get(i),
      prepare: (frame, signal) => ensureMaskBitmaps(frameMasks(frame), signal),
      colorOf,
      labelOf: trackLabel,
      signal: abort.signal,
      onProgress: (done, total) =>
        videoStore.setState((x) => ({ exportJob: x.exportJob && { ...x.exportJob, done, total } })),
    });
    const format = `${out.format.container} / ${out.format.codec}`;
    videoStore.setState((x) => ({
      exportJob: x.exportJob && {
        ...x.exportJob,
        status: 'done',
        format,
        message: `Exported ${out.frames} frames (${format}).`,
      },
    }));
    lastExportBlob = out.blob;
    if (download) downloadBlob(out.blob, `${baseName(s.meta.name)}.annotated.${EXTENSIONS[out.format.container]}`);
    return out.blob;
  } catch (err) {
    const cancelled = abort.signal.aborted;
    videoStore.setState((x) => ({
      exportJob: x.exportJob && {
        ...x.exportJob,
        status: cancelled ? 'cancelled' : 'error',
        message: cancelled ? 'Export cancelled.' : `The annotated video could not be exported: ${String(err)}`,
      },
    }));
    return null;
  } finally {
    exportAbort = null;
  }
}

export function cancelAnnotatedExport(): void {
  exportAbort?.abort();
}

/** Renames the concept a track is shown and exported as (empty: back to its phrase). */
export function renameTrack(id: number, label: string): void {
  const name = label.trim();
  videoStore.setState((s) => {
    const next = { ...s.trackLabels };
    if (name === '') delete next[id];
    else next[id] = name;
    return { trackLabels: next, frameVersion: s.frameVersion + 1 };
  });
}
