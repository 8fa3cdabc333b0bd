/**
 * Opening and closing the folder workspace, loading a saved batch, adding images, phrases, starting over.
 * Entering switches the app to still images; leaving pauses a run and closes the review's image session. The single
 * image keeps its own engine session throughout, so nothing has to be given back.
 */
import type { BatchImage } from '../../workers/batch/types';
import { appStore } from '../store/appStore';
import { setSourceMode } from '../video/modeActions';
import { videoStore } from '../video/videoStore';
import { addImages, clearBatch, loadImages, loadMeta, saveMeta, type BatchMeta } from './batchDb';
import { batchStore, initialBatchState, say, summarize } from './batchStore';
import { collectDirectoryHandle, collectDrop, collectFiles, type Collected } from './importFiles';
import { pauseRun } from './runActions';
import { closeReviewSession, selectImage } from './reviewActions';

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

function defaultMeta(): BatchMeta {
  const app = appStore.getState();
  return {
    phrases: [...new Set(app.concepts.map((c) => c.phrase.trim()).filter(Boolean))],
    scoreThreshold: app.scoreThreshold,
    packName: app.pack?.name ?? null,
    createdAt: Date.now(),
    wasRunning: false,
  };
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

export async function addCollected(c: Collected): Promise<void> {
  const s = batchStore.getState();
  const known = new Set(s.images.map((i) => i.name));
  const fresh = c.images.filter((i) => !known.has(i.path));
  const repeated = c.images.length - fresh.length;
  const start = s.images.length ? Math.max(...s.images.map((i) => i.index)) + 1 : 0;
  const items = fresh.map(({ path, file }, k) => {
    const index = start + k;
    const image: BatchImage = {
      key: String(index).padStart(6, '0'),
      index,
      name: path,
      bytes: file.size,
      status: 'pending',
      annotations: [],
      exemplars: [],
      accepted: false,
    };
    return { image, file };
  });
  batchStore.setState({ importing: { done: 0, total: items.length, label: 'Saving images…' } });
  try {
    const meta = s.meta ?? defaultMeta();
    await saveMeta(meta);
    await addImages(items);
    batchStore.setState((st) => ({
      meta,
      activeCategory: st.activeCategory ?? meta.phrases[0] ?? null,
      images: [...st.images, ...items.map((i) => summarize(i.image))],
      importing: null,
    }));
    const notes = [
      `Added ${items.length} image${items.length === 1 ? '' : 's'}.`,
      repeated ? `${repeated} already in the batch (kept as they are).` : '',
      c.skipped ? `${c.skipped} other files skipped.` : '',
    ];
    say(
      items.length ? 'info' : 'error',
      items.length ? notes.filter(Boolean).join(' ') : `No new images found. ${notes.slice(1).join(' ')}`,
    );
    if (!batchStore.getState().currentKey && items[0]) await selectImage(items[0].image.key);
  } catch (err) {
    batchStore.setState({ importing: null });
    say(
      'error',
      `The images could not be saved in the browser's storage: ${err instanceof Error ? err.message : String(err)}`,
    );
  }
}

async function guardedCollect(label: string, collect: () => Promise<Collected>): Promise<void> {
  batchStore.setState({ importing: { done: 0, total: null, label } });
  try {
    await addCollected(await collect());
  } catch (err) {
    batchStore.setState({ importing: null });
    if ((err as { name?: string })?.name === 'AbortError') return;
    say('error', `Could not read the files: ${err instanceof Error ? err.message : String(err)}`);
  }
}

export const addFiles = (files: readonly File[]) => guardedCollect('Reading files…', () => collectFiles(files));
export const addDrop = (dt: DataTransfer) => guardedCollect('Reading the dropped folder…', () => collectDrop(dt));

export async function pickDirectory(): Promise<boolean> {
  const picker = (window as unknown as { showDirectoryPicker?: () => Promise<FileSystemDirectoryHandle> })
    .showDirectoryPicker;
  if (!picker) return false;
  await guardedCollect('Reading the folder…', async () => collectDirectoryHandle(await picker()));
  return true;
}

/** Forgets the batch (images, results, review) after the user confirmed. */
export async function startOver(): Promise<void> {
  pauseRun();
  await clearBatch();
  batchStore.setState({ ...initialBatchState(), open: true, loaded: true, meta: defaultMeta() });
}
