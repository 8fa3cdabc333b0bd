/**
 * Opening and closing the folder workspace, loading a saved batch, adding images, phrases, starting over.
 * Entering switches the app to still images; leaving pauses a run and closes the review's image session. The single
 * image keeps its own engine session throughout, so nothing has to be given back.
 */
import { setSourceMode } from '../video/modeActions';
import { videoStore } from '../video/videoStore';
import { clearBatch, loadImages, loadMeta, saveMeta } from './batchDb';
import { batchStore, initialBatchState, say, summarize } from './batchStore';
import { defaultBatchMeta as defaultMeta } from './importActions';
import { pauseRun } from './runActions';
import { closeReviewSession, selectImage } from './reviewActions';

// Adding images lives in importActions.ts (limits, the import worker, progress and cancel).
export { addCollected, addDrop, addFiles, pickDirectory } from './importActions';

export async function openWorkspace(): Promise<void> {
  if (videoStore.getState().mode !== 'image') await setSourceMode('image');
  batchStore.setState({ open: true });
  if (!batchStore.getState().loaded) await loadSavedBatch();
}

export async function closeWorkspace(): Promise<void> {
  pauseRun();
  batchStore.setState({ open: false, fix: null });
  closeReviewSession();
}

export async function loadSavedBatch(): Promise<void> {
  try {
    const [meta, images] = await Promise.all([loadMeta(), loadImages()]);
    batchStore.setState({
      loaded: true,
      meta: meta ?? defaultMeta(),
      activeCategory: (meta ?? defaultMeta()).phrases[0] ?? null,
      images: images.map((i) => summarize(i)),
    });
    const left = images.filter((i) => i.status === 'pending').length;
    if (meta?.wasRunning && left > 0) {
      say('info', `The page closed during a run: ${left} images are left. Press Resume to continue where it stopped.`);
    }
    const first = images.find((i) => i.status === 'done') ?? images[0];
    if (first) await selectImage(first.key);
  } catch (err) {
    batchStore.setState({ loaded: true });
    say('error', `The saved batch could not be read (${err instanceof Error ? err.message : String(err)}).`);
  }
}

/** The phrases the run uses (comma-separated); results already made keep the phrases they were made with. */
export async function setBatchPhrases(text: string): Promise<void> {
  const phrases = [
    ...new Set(
      text
        .split(',')
        .map((p) => p.trim().replace(/\s+/g, ' '))
        .filter(Boolean),
    ),
  ];
  const meta = { ...(batchStore.getState().meta ?? defaultMeta()), phrases };
  batchStore.setState((s) => ({
    meta,
    activeCategory: phrases.includes(s.activeCategory ?? '') ? s.activeCategory : (phrases[0] ?? null),
  }));
  await saveMeta(meta);
}

export async function setBatchThreshold(value: number): Promise<void> {
  const meta = { ...(batchStore.getState().meta ?? defaultMeta()), scoreThreshold: Math.min(0.99, Math.max(0, value)) };
  batchStore.setState({ meta });
  await saveMeta(meta);
}

/** Forgets the batch (images, results, review) after the user confirmed. */
export async function startOver(): Promise<void> {
  pauseRun();
  await clearBatch();
  batchStore.setState({ ...initialBatchState(), open: true, loaded: true, meta: defaultMeta() });
}
