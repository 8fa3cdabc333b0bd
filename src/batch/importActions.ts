/**
 * Adding images to the folder workspace, from a folder (picker, input or drop), a multi-select or zip archives.
 * The page only gathers files; the import worker (import.worker.ts) lists every archive's directory and plans the
 * import: which files are images, which are skipped and why (each named), in the one path order of every route.
 * Then, before a byte is inflated or stored, the storage check against the browser's quota; then the images are
 * read (archive entries inflated in the worker, checked against their declared sizes and CRCs) and stored a batch
 * at a time, each batch shown as it lands, with progress and Cancel. A cancelled or failed import keeps what it
 * stored; nothing already in the workspace is touched.
 */
import { createStore } from 'zustand/vanilla';
import * as Comlink from 'comlink';
import type { BatchImage } from '../../workers/batch/types';
import { describeSkipped, entryLabel, type Skipped } from '../../workers/batch/importLimits';
import { appStore } from '../store/appStore';
import { addImages, saveMeta, type BatchMeta } from './batchDb';
import { batchStore, say, summarize } from './batchStore';
import { selectImage } from './reviewActions';
import { collectDirectoryHandle, collectDrop, collectFiles, type Collected, type CollectOptions } from './importFiles';
import { importBatches, storageShortfall, type PlanItem } from './importPlan';
import { ArchiveImporter, type EntryResult, type ImportReader } from './archiveImporter';

/** The last import's skipped files, each with its reason (listed under the notice), and whether one is running. */
export interface ImportState {
  running: boolean;
  skipped: Skipped[];
}

export const importStore = createStore<ImportState>()(() => ({ running: false, skipped: [] }));

/** The batch settings a new batch starts with: the single-image view's phrases and threshold. */
export function defaultBatchMeta(): BatchMeta {
  const app = appStore.getState();
  return {
    phrases: [...new Set(app.concepts.map((c) => c.phrase.trim()).filter(Boolean))],
    scoreThreshold: app.scoreThreshold,
    packName: app.pack?.name ?? null,
    createdAt: Date.now(),
    wasRunning: false,
  };
}

class Cancelled extends Error {
  constructor() {
    super('The import was cancelled.');
    this.name = 'AbortError';
  }
}

/** The running import: its abort signal, and the worker to terminate on cancel. */
let current: { abort: AbortController; reader: ImportReader; close(): void } | null = null;

/** The import worker (or, without workers, the same code in process); closing it stops whatever it inflates. */
function openReader(signal: AbortSignal): { reader: ImportReader; close(): void } {
  if (typeof Worker === 'undefined' || typeof window === 'undefined') {
    return { reader: new ArchiveImporter(), close: () => {} };
  }
  const worker = new Worker(new URL('./import.worker.ts', import.meta.url), { type: 'module' });
  const remote = Comlink.wrap<ImportReader>(worker);
  // A terminated worker never answers: every call also ends when the import is cancelled.
  const stopped = new Promise<never>((_, reject) => signal.addEventListener('abort', () => reject(new Cancelled())));
  stopped.catch(() => {});
  return {
    reader: {
      plan: (loose, archives) => Promise.race([remote.plan(loose, archives), stopped]),
      read: (requests) => Promise.race([remote.read(requests), stopped]),
    },
    close: () => worker.terminate(),
  };
}

/** Stops the running import after what it has stored (the worker stops inflating at once). */
export function cancelImport(): void {
  current?.abort.abort();
  current?.close();
}

const plural = (n: number, one: string, many = `${one}s`) => `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;

function progress(label: string, done = 0, total: number | null = null): void {
  batchStore.setState({ importing: { done, total, label } });
}

/**
 * Runs one import: `collect` gathers the files (on the page), the rest is described in the module comment. Only one
 * import runs at a time.
 */
export async function importCollected(
  label: string,
  collect: (options: CollectOptions) => Promise<Collected>,
): Promise<void> {
  if (current) {
    say('error', 'Images are being added already: wait for that to finish, or cancel it, first.');
    return;
  }
  const abort = new AbortController();
  const { reader, close } = openReader(abort.signal);
  current = { abort, reader, close };
  importStore.setState({ running: true, skipped: [] });
  progress(label);
  try {
    await runImport(label, collect, reader, abort.signal);
  } catch (err) {
    if ((err as { name?: string })?.name !== 'AbortError') {
      say('error', `Could not read the files: ${err instanceof Error ? err.message : String(err)}`);
    } else if (abort.signal.aborted) say('info', 'Cancelled before any image was added.');
  } finally {
    close();
    current = null;
    batchStore.setState({ importing: null });
    importStore.setState({ running: false });
  }
}

async function runImport(
  label: string,
  collect: (options: CollectOptions) => Promise<Collected>,
  reader: ImportReader,
  signal: AbortSignal,
): Promise<void> {
  const collected = await collect({
    signal,
    onFound: (n) => progress(`${label.replace(/…$/, '')}: ${plural(n, 'file')} found…`),
  });
  const archiveNames = collected.archives.map((a) => a.path);
  progress(archiveNames.length ? `Reading ${archiveNames.join(', ')}…` : 'Checking the files…');
  const plan = await reader.plan(
    collected.files.map((f) => ({ path: f.path, size: f.file.size })),
    collected.archives.map((a) => ({ name: a.path, file: a.file })),
  );
  const skipped = [...plan.skipped];
  const s = batchStore.getState();
  const known = new Set(s.images.map((i) => i.name));
  const fresh = plan.items.filter((i) => !known.has(i.path));
  const repeated = plan.items.length - fresh.length;
  const report = (added: number, lead: string) => {
    importStore.setState({ skipped });
    const notes = [
      lead,
      repeated ? `${plural(repeated, 'image')} already in the batch (kept as they are).` : '',
      describeSkipped(skipped),
    ];
    say(added ? 'info' : 'error', notes.filter(Boolean).join(' '));
  };
  if (fresh.length === 0) {
    report(0, 'No new images found.');
    return;
  }

  const bytes = fresh.reduce((sum, i) => sum + i.bytes, 0);
  const estimate = typeof navigator === 'undefined' ? null : await navigator.storage?.estimate?.().catch(() => null);
  const shortfall = storageShortfall(fresh.length, bytes, estimate ?? null);
  if (shortfall) {
    report(0, shortfall);
    return;
  }

  const meta = s.meta ?? defaultBatchMeta();
  await saveMeta(meta);
  batchStore.setState((st) => ({ meta, activeCategory: st.activeCategory ?? meta.phrases[0] ?? null }));
  let next = s.images.reduce((m, i) => Math.max(m, i.index + 1), 0);
  let added = 0;
  let firstKey: string | null = null;
  const total = fresh.length;
  const sourceLabel = (item: PlanItem) =>
    item.source.kind === 'zip' ? entryLabel(archiveNames[item.source.archive], item.path) : item.path;

  /** One batch's files: loose ones as they are, archive entries read (inflated and checked) by the worker. */
  const load = async (batch: PlanItem[]): Promise<EntryResult[]> => {
    const fromZip = batch.flatMap((item, k) =>
      item.source.kind === 'zip'
        ? [{ k, archive: item.source.archive, entry: item.source.entry, path: item.path }]
        : [],
    );
    const read = fromZip.length ? await reader.read(fromZip) : [];
    const out: EntryResult[] = batch.map((item) =>
      item.source.kind === 'file' ? collected.files[item.source.index].file : { error: '' },
    );
    fromZip.forEach((r, i) => (out[r.k] = read[i]));
    return out;
  };

  let done = 0;
  const batches = importBatches(fresh);
  try {
    // The next batch is read while this one is stored.
    let pending = batches.length ? load(batches[0]) : null;
    for (const [b, batch] of batches.entries()) {
      const results = await pending!;
      pending = b + 1 < batches.length ? load(batches[b + 1]) : null;
      pending?.catch(() => {});
      const items: { image: BatchImage; file: Blob }[] = [];
      for (const [k, item] of batch.entries()) {
        const r = results[k];
        if (!(r instanceof Blob)) {
          skipped.push({ path: sourceLabel(item), kind: 'damaged', detail: r.error });
          continue;
        }
        const index = next++;
        const image: BatchImage = {
          key: String(index).padStart(6, '0'),
          index,
          name: item.path,
          bytes: r.size,
          status: 'pending',
          annotations: [],
          exemplars: [],
          accepted: false,
        };
        items.push({ image, file: r });
      }
      if (signal.aborted) throw new Cancelled();
      // Stored 50 at a time (one transaction each): what the grid shows is what IndexedDB holds, even when the
      // storage runs out in the middle of a batch.
      for (let at = 0; at < items.length; at += 50) {
        const part = items.slice(at, at + 50);
        await addImages(part);
        added += part.length;
        firstKey ??= part[0].image.key;
        batchStore.setState((st) => ({ images: [...st.images, ...part.map((i) => summarize(i.image))] }));
      }
      done += batch.length;
      progress(`Adding images: ${done.toLocaleString('en-US')} of ${total.toLocaleString('en-US')}…`, done, total);
      if (signal.aborted) throw new Cancelled();
    }
    report(added, `Added ${plural(added, 'image')}.`);
  } catch (err) {
    const kept = added ? ` The ${plural(added, 'image')} added before stay.` : ' Nothing was added.';
    if ((err as { name?: string })?.name === 'AbortError') {
      report(added, `Cancelled after ${done.toLocaleString('en-US')} of ${plural(total, 'image')}.${kept}`);
    } else {
      const why = err instanceof Error ? err.message || err.name : String(err);
      const what =
        (err as { name?: string })?.name === 'QuotaExceededError'
          ? "The browser's storage ran out"
          : 'Adding the images stopped';
      importStore.setState({ skipped });
      say('error', `${what} after ${added.toLocaleString('en-US')} of ${plural(total, 'image')} (${why}).${kept}`);
    }
  }
  if (!batchStore.getState().currentKey && firstKey) await selectImage(firstKey);
}

/** Images (or zips) from an <input multiple>, or the folder input's files with their relative paths. */
export const addFiles = (files: readonly File[]) => importCollected('Reading files…', async () => collectFiles(files));

/** A drop of files, folders or zips. */
export const addDrop = (dt: DataTransfer) => importCollected('Reading the dropped folder…', collectDrop(dt));

/** Files already gathered (tests, and callers with their own source). */
export const addCollected = (c: Collected) => importCollected('Saving images…', async () => c);

/** Opens the directory picker where the browser has one; false where it has not (use the folder input). */
export async function pickDirectory(): Promise<boolean> {
  const picker = (window as unknown as { showDirectoryPicker?: () => Promise<FileSystemDirectoryHandle> })
    .showDirectoryPicker;
  if (!picker) return false;
  let dir: FileSystemDirectoryHandle;
  try {
    dir = await picker();
  } catch (err) {
    if ((err as { name?: string })?.name === 'AbortError') return true; // the person closed the picker
    throw err;
  }
  await importCollected('Reading the folder…', (options) => collectDirectoryHandle(dir, options));
  return true;
}
