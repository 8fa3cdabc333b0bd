/**
 * Running the phrases over the folder: each image is its own engine session — open (decode, pre-process, a thumbnail
 * made in the worker), segment (masks at display and full resolution, no bitmaps: the run draws nothing), close — so
 * the single image and a video keep theirs, and nothing is locked. The record is written to IndexedDB at once.
 * Pause takes effect between images; cancel stops the current image through the engine's cancel path. Images left
 * pending are what a later Resume (also after a reload) runs.
 */
import { labelImage } from '../../workers/batch/labelImage';
import { BatchRunner } from '../../workers/batch/runner';
import type { BatchImage } from '../../workers/batch/types';
import { engine } from '../engine-client/engineClient';
import { appStore } from '../store/appStore';
import { loadFile, loadImage, saveImage, saveMeta, saveThumb } from './batchDb';
import { batchStore, putImage, say } from './batchStore';

let runner: BatchRunner<string> | null = null;

export const THUMB_SIDE = 176;

/** Labels one image of the batch with the current phrases and its own exemplar boxes; saves and returns it. */
export async function labelBatchImage(key: string, signal?: AbortSignal): Promise<BatchImage> {
  const meta = batchStore.getState().meta!;
  const [file, record] = await Promise.all([loadFile(key), loadImage(key)]);
  if (!file || !record) throw new Error('This image is no longer in the browser’s storage; add it again.');
  const t0 = performance.now();
  const out = await labelImage(
    engine(),
    { kind: 'blob', blob: file, name: record.name },
    {
      phrases: meta.phrases,
      scoreThreshold: meta.scoreThreshold,
      exemplars: record.exemplars.filter((e) => meta.phrases.includes(e.category)),
      displayMasks: true,
      thumbnailSide: THUMB_SIDE,
      signal,
    },
  );
  const thumb = out.info.thumbnail ?? null;
  if (thumb) await saveThumb(key, thumb);
  // Fixes drawn in review are the user's: they survive a re-run of the detector.
  const fixes = record.annotations.filter((a) => a.source !== 'detector');
  const next: BatchImage = {
    ...record,
    status: 'done',
    error: undefined,
    width: out.info.width,
    height: out.info.height,
    displayWidth: out.info.displayWidth,
    displayHeight: out.info.displayHeight,
    annotations: [...out.annotations, ...fixes],
    // New detections have not been reviewed (a re-run replaces them).
    accepted: false,
    ms: performance.now() - t0,
  };
  await saveImage(next);
  putImage(next, Boolean(thumb));
  return next;
}

/**
 * Runs the phrases over the pending images (and the failed ones with `retryFailed`), or over `rerun`'s images: those
 * keep their labels until each is labelled again, so a cancelled re-run loses none.
 */
export async function startRun(options: { retryFailed?: boolean; rerun?: string[] } = {}): Promise<void> {
  const s = batchStore.getState();
  if (runner) return;
  const meta = s.meta;
  if (!meta || meta.phrases.length === 0) return say('error', 'Type at least one phrase to run.');
  if (!appStore.getState().pack) return say('error', 'No model pack is open yet.');
  const keys =
    options.rerun ??
    s.images.filter((i) => i.status === 'pending' || (options.retryFailed && i.status === 'failed')).map((i) => i.key);
  if (keys.length === 0)
    return say('info', 'Every image is labelled. Re-run all to label them again with the current phrases.');
  const names = new Map(s.images.map((i) => [i.key, i.name]));
  const metaRunning = { ...meta, wasRunning: true, packName: appStore.getState().pack?.name ?? meta.packName };
  batchStore.setState({ meta: metaRunning, message: null });
  await saveMeta(metaRunning);
  runner = new BatchRunner({
    items: keys,
    nameOf: (k) => names.get(k) ?? k,
    process: async (key, signal) => {
      await labelBatchImage(key, signal);
    },
    onItemError: async (key, err) => {
      const record = await loadImage(key);
      if (!record) return;
      const failed: BatchImage = {
        ...record,
        status: 'failed',
        error: (err as { message?: string })?.message ?? String(err),
      };
      await saveImage(failed);
      putImage(failed);
    },
    isFatal: (err) => ['internal', 'no-pack', 'pack-contract'].includes((err as { code?: string })?.code ?? ''),
    onProgress: (p) => batchStore.setState({ run: p }),
  });
  const outcome = await runner.run();
  runner = null;
  const doneMeta = { ...batchStore.getState().meta!, wasRunning: false };
  batchStore.setState({ meta: doneMeta });
  await saveMeta(doneMeta);
  if (outcome.state === 'stopped') {
    say('error', `The run stopped: ${(outcome.error as { message?: string })?.message ?? String(outcome.error)}`);
  } else if (outcome.state === 'cancelled' && options.rerun) {
    const left = keys.length - outcome.done;
    say(
      'info',
      `Re-run cancelled after ${outcome.done} of ${keys.length} images; the other ${left} keep their earlier labels and review.`,
    );
  } else if (outcome.state === 'cancelled') {
    say('info', `Cancelled after ${outcome.done} images; the rest stay pending (Resume runs them).`);
  } else {
    say(
      'info',
      `Labelled ${outcome.done - outcome.failed} images${outcome.failed ? `; ${outcome.failed} failed (see their tiles)` : ''}.`,
    );
  }
}

export function pauseRun(): void {
  runner?.pause();
}

export function resumeRun(): void {
  if (runner) runner.resume();
  else void startRun();
}

export function cancelRun(): void {
  runner?.cancel();
}

/**
 * Labels every image again with the current phrases: each one's detector results are replaced (review fixes stay)
 * and it is un-accepted when its turn comes. Until then an image keeps its labels — it is not marked pending — so a
 * cancelled or stopped re-run leaves the images it did not reach as they were.
 */
export async function rerunAll(): Promise<void> {
  if (runner) return;
  await startRun({ rerun: batchStore.getState().images.map((i) => i.key) });
}
