/**
 * Adding images to the folder workspace in Node (fake-indexeddb; the import worker's code runs in process): a zip
 * bomb adds nothing and says why per entry, the images added before stay; 3,000 entries of a zip land in path
 * order, a batch at a time; skipped files are named in the notice and listed in full; a full browser storage
 * refuses the import before anything is written; Cancel keeps the batches already stored.
 */
import 'fake-indexeddb/auto';
import { beforeEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { zipSync } from 'fflate';
import { rawZip, zerosDeflated } from '../../tools/scenes/rawZip';
import { batchStore, initialBatchState } from '../../src/batch/batchStore';
import { BATCH_DB, batchDb, loadFile, loadImages, resetBatchDbConnection } from '../../src/batch/batchDb';
import { addCollected, cancelImport, importStore } from '../../src/batch/importActions';

const GiB = 2 ** 30;
const png = (seed: number) => new Uint8Array([137, 80, 78, 71, 13, 10, 26, 10, seed & 255, seed >> 8]);
const blob = (b: Uint8Array) => new Blob([b as BlobPart]);
const message = () => batchStore.getState().message?.text ?? '';

beforeEach(async () => {
  (await batchDb()).close();
  resetBatchDbConnection();
  await new Promise((r) => {
    const req = indexedDB.deleteDatabase(BATCH_DB);
    req.onsuccess = req.onerror = r;
  });
  batchStore.setState({
    ...initialBatchState(),
    open: true,
    loaded: true,
    meta: { phrases: ['red'], scoreThreshold: 0.5, packName: null, createdAt: 0, wasRunning: false },
  });
  Reflect.deleteProperty(globalThis, 'navigator');
});

test('a zip bomb adds nothing and names each entry with its declared size and the limit; earlier images stay', async () => {
  await addCollected({
    files: ['c.png', 'a.png', 'b.png'].map((p, i) => ({ path: `f/${p}`, file: blob(png(i)) })),
    archives: [],
  });
  assert.deepEqual(
    batchStore.getState().images.map((i) => i.name),
    ['f/a.png', 'f/b.png', 'f/c.png'],
    'sorted, whatever order the files came in',
  );
  const zeros = zerosDeflated(1.5 * GiB);
  const bomb = rawZip(
    ['a', 'b', 'c', 'd'].map((n) => ({
      name: `${n}.png`,
      data: zeros.data,
      method: 8 as const,
      crc32: zeros.crc32,
      size: 1.5 * GiB,
    })),
  );
  await addCollected({ files: [], archives: [{ path: 'bomb.zip', file: blob(bomb) }] });
  assert.equal(batchStore.getState().message?.kind, 'error');
  assert.match(
    message(),
    /^No new images found\. 4 files skipped — 4 too large \(the limit for one image is 1 GiB\): /,
  );
  assert.match(message(), /bomb\.zip › a\.png \(declares 1\.5 GiB\)/);
  assert.equal(importStore.getState().skipped.length, 4);
  assert.deepEqual(
    (await loadImages()).map((i) => i.name),
    ['f/a.png', 'f/b.png', 'f/c.png'],
  );
  assert.deepEqual(new Uint8Array(await (await loadFile('000000'))!.arrayBuffer()), png(1), 'f/a.png stays');
});

test('3,000 entries of one zip land in path order; the non-images in it are named', async () => {
  const files: Record<string, Uint8Array> = {};
  for (let i = 2999; i >= 0; i--) files[`set/img_${i}.png`] = png(i);
  files['set/labels.txt'] = new Uint8Array([1]);
  files['set/.DS_Store'] = new Uint8Array([1]);
  await addCollected({ files: [], archives: [{ path: 'set.zip', file: blob(zipSync(files)) }] });
  const images = batchStore.getState().images;
  assert.equal(images.length, 3000);
  assert.deepEqual(
    images.slice(0, 3).map((i) => i.name),
    ['set/img_0.png', 'set/img_1.png', 'set/img_2.png'],
  );
  assert.equal(images[2999].name, 'set/img_2999.png');
  assert.equal(
    message(),
    'Added 3,000 images. 2 files skipped — 1 not an image: set.zip › set/labels.txt; 1 a hidden or system file: ' +
      'set.zip › set/.DS_Store.',
  );
  assert.deepEqual(new Uint8Array(await (await loadFile(images[2999].key))!.arrayBuffer()), png(2999));
});

test('a full browser storage refuses the import before a byte is written, with the numbers', async () => {
  Object.defineProperty(globalThis, 'navigator', {
    configurable: true,
    value: { storage: { estimate: async () => ({ quota: 10 * GiB, usage: 10 * GiB - 1000 }) } },
  });
  await addCollected({ files: [{ path: 'a.png', file: blob(png(1)) }], archives: [] });
  assert.match(message(), /^The 1 new image needs 32 KiB of the browser's storage, but only 1,000 B is left/);
  assert.deepEqual(await loadImages(), []);
});

test('Cancel stops between batches: the batches stored stay, the message says how far it got', async () => {
  const files: Record<string, Uint8Array> = {};
  for (let i = 0; i < 1000; i++) files[`c/img_${String(i).padStart(4, '0')}.png`] = png(i);
  const stop = batchStore.subscribe((s) => {
    if ((s.importing?.done ?? 0) > 0) cancelImport();
  });
  await addCollected({ files: [], archives: [{ path: 'c.zip', file: blob(zipSync(files)) }] });
  stop();
  assert.equal(batchStore.getState().images.length, 200);
  assert.equal(message(), 'Cancelled after 200 of 1,000 images. The 200 images added before stay.');
  assert.equal((await loadImages()).length, 200);
});

test('Cancel at once: nothing is added, and the notice says so', async () => {
  const adding = addCollected({ files: [{ path: 'a.png', file: blob(png(1)) }], archives: [] });
  cancelImport();
  await adding;
  assert.equal(message(), 'Cancelled after 0 of 1 image. Nothing was added.');
  assert.deepEqual(await loadImages(), []);
  assert.equal(importStore.getState().running, false);
});

test('the storage running out in the middle: the images stored stay and are shown, the message says so', async () => {
  const put = IDBObjectStore.prototype.put;
  let puts = 0;
  IDBObjectStore.prototype.put = function (this: IDBObjectStore, ...args: Parameters<IDBObjectStore['put']>) {
    // The 3rd transaction of 50 images fails as a full disk does: aborted with QuotaExceededError, none of it kept.
    const request = put.apply(this, args);
    if (this.name === 'files' && ++puts === 120) {
      const tx = this.transaction as unknown as { _abort(name: string): void };
      queueMicrotask(() => tx._abort('QuotaExceededError')); // after the transaction's requests are all made
    }
    return request;
  };
  try {
    const files = Array.from({ length: 300 }, (_, i) => ({
      path: `q/${String(i).padStart(3, '0')}.png`,
      file: blob(png(i)),
    }));
    await addCollected({ files, archives: [] });
  } finally {
    IDBObjectStore.prototype.put = put;
  }
  assert.equal(
    message(),
    "The browser's storage ran out after 100 of 300 images (QuotaExceededError). The 100 images added before stay.",
  );
  assert.equal(batchStore.getState().images.length, 100);
  assert.equal((await loadImages()).length, 100, 'what the grid shows is what is stored');
});
