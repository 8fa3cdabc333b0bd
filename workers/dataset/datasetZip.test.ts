/** The dataset zip streams: each image's files leave before the next image is read, and a cancel stops it cleanly. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { unzipSync, strFromU8 } from 'fflate';
import { encodeCocoRle } from '../core/rle';
import type { BatchAnnotation } from '../batch/types';
import { writeDataset, DEFAULT_DATASET_OPTIONS, type DatasetEntry } from './datasetZip';

const W = 40;
const H = 30;

function square(x: number, category: string): BatchAnnotation {
  const m = new Uint8Array(W * H);
  for (let y = 5; y < 15; y++) for (let i = x; i < x + 10; i++) m[y * W + i] = 1;
  return {
    key: `d${x}`,
    category,
    score: 0.9,
    bboxXywh: [x, 5, 10, 10],
    area: 100,
    rle: encodeCocoRle(m, W, H),
    source: 'detector',
  };
}

const entries = (n: number): DatasetEntry[] =>
  Array.from({ length: n }, (_, i) => ({
    name: `dir/img_${i}.png`,
    width: W,
    height: H,
    annotations: [square(2, 'red'), square(20, i % 2 ? 'blue' : 'red')],
    imageBytes: async () => Uint8Array.of(137, 80, 78, 71, i),
  }));

const concat = (chunks: Uint8Array[]) => {
  const out = new Uint8Array(chunks.reduce((s, c) => s + c.length, 0));
  let p = 0;
  for (const c of chunks) out.set(c, (p += c.length) - c.length);
  return out;
};

test('each image’s files leave before the next image is read; coco.json numbers images and annotations in order', async () => {
  const log: string[] = [];
  const chunks: Uint8Array[] = [];
  const all = entries(4);
  const source = {
    count: all.length,
    names: all.map((e) => e.name),
    *images() {
      for (const [k, e] of all.entries()) {
        log.push(`read ${k}`);
        yield e;
      }
    },
  };
  const out = await writeDataset(
    ['red', 'blue'],
    DEFAULT_DATASET_OPTIONS,
    source,
    (c) => {
      const bytes = c.reduce((s, x) => s + x.length, 0);
      if (bytes > 0) log.push('wrote bytes');
      chunks.push(...c);
    },
    { pack: 'demo', now: new Date(0) },
  );
  // First pass: read k, its bytes written, then read k+1.
  assert.deepEqual(log.slice(0, 8), [
    'read 0',
    'wrote bytes',
    'read 1',
    'wrote bytes',
    'read 2',
    'wrote bytes',
    'read 3',
    'wrote bytes',
  ]);
  assert.deepEqual([out.images, out.annotations], [4, 8]);
  const files = unzipSync(concat(chunks));
  assert.deepEqual(files['images/dir/img_3.png'], Uint8Array.of(137, 80, 78, 71, 3));
  const coco = JSON.parse(strFromU8(files['coco.json']));
  assert.deepEqual(
    coco.images.map((i: { id: number; file_name: string }) => [i.id, i.file_name]),
    all.map((e, k) => [k + 1, e.name]),
  );
  assert.deepEqual(
    coco.annotations.map((a: { id: number; image_id: number; category_id: number }) => [
      a.id,
      a.image_id,
      a.category_id,
    ]),
    [
      [1, 1, 1],
      [2, 1, 1],
      [3, 2, 1],
      [4, 2, 2],
      [5, 3, 1],
      [6, 3, 1],
      [7, 4, 1],
      [8, 4, 2],
    ],
  );
  assert.equal(Object.keys(files).filter((f) => f.startsWith('masks/instances/')).length, 4);
});

test('a cancel stops the export between images with the coded error; no image after it is read', async () => {
  const controller = new AbortController();
  let read = 0;
  const source = {
    count: 10,
    names: entries(10).map((e) => e.name),
    *images() {
      for (const e of entries(10)) {
        read++;
        yield e;
      }
    },
  };
  await assert.rejects(
    writeDataset(['red', 'blue'], DEFAULT_DATASET_OPTIONS, source, () => {}, {
      pack: 'demo',
      now: new Date(0),
      signal: controller.signal,
      onProgress: (done) => done === 3 && controller.abort(),
    }),
    (e: { code: string }) => e.code === 'cancelled',
  );
  assert.equal(read, 4, 'the fourth image was read, then the export stopped');
});
