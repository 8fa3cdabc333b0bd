/**
 * The batch's persistent state in IndexedDB (the `idb` wrapper): the batch settings, one record per image
 * (status, annotations with their review state, exemplars), the source files and thumbnails as Blobs (Chromium
 * stores them as files, not in memory). Everything survives a reload; a batch that was running becomes paused.
 * The dataset worker reads the same database to build the export.
 */
import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import type { BatchImage } from '../../workers/batch/types';

export interface BatchMeta {
  phrases: string[];
  scoreThreshold: number;
  /** Pack the results came from. */
  packName: string | null;
  createdAt: number;
  /** The run was going when the page closed: it comes back paused. */
  wasRunning: boolean;
}

interface BatchSchema extends DBSchema {
  meta: { key: string; value: BatchMeta };
  images: { key: string; value: BatchImage };
  files: { key: string; value: Blob };
  thumbs: { key: string; value: Blob };
}

export const BATCH_DB = 'sam3-batch';
let dbPromise: Promise<IDBPDatabase<BatchSchema>> | null = null;

export function batchDb(): Promise<IDBPDatabase<BatchSchema>> {
  dbPromise ??= openDB<BatchSchema>(BATCH_DB, 1, {
    upgrade(db) {
      db.createObjectStore('meta');
      db.createObjectStore('images');
      db.createObjectStore('files');
      db.createObjectStore('thumbs');
    },
  });
  return dbPromise;
}

/** Test hook: forget the open connection (fake-indexeddb resets). */
export function resetBatchDbConnection(): void {
  dbPromise = null;
}

export async function loadMeta(): Promise<BatchMeta | undefined> {
  return (await batchDb()).get('meta', 'batch');
}

export async function saveMeta(meta: BatchMeta): Promise<void> {
  await (await batchDb()).put('meta', meta, 'batch');
}

export async function loadImages(): Promise<BatchImage[]> {
  const all = await (await batchDb()).getAll('images');
  return all.sort((a, b) => a.index - b.index);
}

/** Every image's key, in the folder's order (keys are zero-padded indices), without reading the records. */
export async function imageKeys(): Promise<string[]> {
  return ((await (await batchDb()).getAllKeys('images')) as string[]).sort();
}

export async function loadImage(key: string): Promise<BatchImage | undefined> {
  return (await batchDb()).get('images', key);
}

export async function saveImage(image: BatchImage): Promise<void> {
  await (await batchDb()).put('images', image, image.key);
}

export async function loadFile(key: string): Promise<Blob | undefined> {
  return (await batchDb()).get('files', key);
}

export async function loadThumb(key: string): Promise<Blob | undefined> {
  return (await batchDb()).get('thumbs', key);
}

export async function saveThumb(key: string, blob: Blob): Promise<void> {
  await (await batchDb()).put('thumbs', blob, key);
}

/** Adds images (record + file) in one transaction each batch of 50, so a big folder does not hold one huge one. */
export async function addImages(items: { image: BatchImage; file: Blob }[]): Promise<void> {
  const db = await batchDb();
  for (let i = 0; i < items.length; i += 50) {
    const tx = db.transaction(['images', 'files'], 'readwrite');
    const puts = items
      .slice(i, i + 50)
      .flatMap(({ image, file }) => [
        tx.objectStore('images').put(image, image.key),
        tx.objectStore('files').put(file, image.key),
      ]);
    // The transaction's error says why (a full disk: QuotaExceededError); its requests then only fail as aborted.
    await Promise.all([...puts.map((p) => p.catch(() => {})), tx.done]);
  }
}

export async function clearBatch(): Promise<void> {
  const db = await batchDb();
  const tx = db.transaction(['meta', 'images', 'files', 'thumbs'], 'readwrite');
  await Promise.all([
    tx.objectStore('meta').clear(),
    tx.objectStore('images').clear(),
    tx.objectStore('files').clear(),
    tx.objectStore('thumbs').clear(),
    tx.done,
  ]);
}
