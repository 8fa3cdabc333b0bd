/**
 * Names that cannot collide: images whose paths differ only by folder or extension — a/x.png, b/x.png, x.jpg,
 * dup.png, dup.jpg — each keep their own files in the dataset zip, written by the app's writer, by `npm run label`
 * and by `label merge` over shards that split dup.png from dup.jpg. Every archive entry is listed once in the zip's
 * central directory, and each image's YOLO label and PNG masks are its own (the masks equal its COCO annotations).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { strFromU8, unzipSync } from 'fflate';
import { decode as decodePng } from 'fast-png';
import { demoEngine, DEMO_PACK_DIR } from '../helpers/demoPackEngine';
import { randomScene, renderScene, type Scene } from '../../tools/scenes/scene';
import { encodePng } from '../../tools/scenes/png';
import type { Engine } from '../../workers/engine/engine';
import type { BatchAnnotation } from '../../workers/batch/types';
import { decodeCocoRle, encodeCocoRle } from '../../workers/core/rle';
import { DEFAULT_DATASET_OPTIONS, datasetEntryPaths, writeDataset } from '../../workers/dataset/datasetZip';
import { blobSource, readZipDirectory } from '../../src/batch/zipDirectory';
import { parseLabelArgs, runLabel } from '../../tools/label/label';
import { mergeDatasets } from '../../tools/label/merge';
import { datasetDifferences } from '../../tools/cluster/compareDatasets';

const NAMES = ['a/x.png', 'b/x.png', 'x.jpg', 'dup.png', 'dup.jpg'];

/** Every entry name in the zip's central directory, duplicates included (an unzip to an object would hide them). */
async function entryNames(zip: Uint8Array): Promise<string[]> {
  return (await readZipDirectory(blobSource(new Blob([zip as Uint8Array<ArrayBuffer>])))).entries.map((e) => e.name);
}

interface CocoOut {
  images: { id: number; file_name: string; width: number; height: number }[];
  annotations: { image_id: number; category_id: number; segmentation: { size: [number, number]; counts: string } }[];
}

/**
 * Checks every image's files in an unzipped dataset against its COCO annotations: the semantic mask holds exactly
 * their pixels with their category, the instance mask numbers them, the YOLO file has one line per annotation with
 * its class. Returns the number of mask pixels per image (so callers can see the images differ).
 */
function checkOwnFiles(files: Record<string, Uint8Array>): Map<string, number> {
  const coco = JSON.parse(strFromU8(files['coco.json'])) as CocoOut;
  const paths = datasetEntryPaths(coco.images.map((i) => i.file_name));
  const pixels = new Map<string, number>();
  for (const im of coco.images) {
    const p = paths.get(im.file_name)!;
    const anns = coco.annotations.filter((a) => a.image_id === im.id);
    const expected = new Uint8Array(im.width * im.height);
    for (const a of anns) decodeCocoRle(a.segmentation).forEach((v, i) => v && (expected[i] = a.category_id));
    const semantic = decodePng(files[p.semantic]);
    assert.deepEqual([semantic.width, semantic.height], [im.width, im.height], im.file_name);
    assert.deepEqual(Uint8Array.from(semantic.data), expected, `${p.semantic} is ${im.file_name}'s own mask`);
    const instances = decodePng(files[p.instances]);
    assert.equal(Math.max(0, ...instances.data), anns.length, `${p.instances}: ${im.file_name}'s instances`);
    const lines = strFromU8(files[p.yolo]).split('\n').filter(Boolean);
    assert.deepEqual(
      lines.map((l) => Number(l.split(' ')[0])).sort(),
      anns.map((a) => a.category_id - 1).sort(),
      `${p.yolo} holds ${im.file_name}'s labels`,
    );
    pixels.set(
      im.file_name,
      expected.reduce((n, v) => n + (v ? 1 : 0), 0),
    );
  }
  return pixels;
}

test('entry paths: stems where they are unique (as Ultralytics looks labels up), whole paths where they collide', () => {
  const paths = datasetEntryPaths([...NAMES, 'Dup.jpeg', 'x.png.jpg', 'c\\y.png']);
  const of = (n: string) => paths.get(n)!;
  assert.deepEqual(of('a/x.png'), {
    image: 'images/a/x.png',
    yolo: 'labels/a/x.txt',
    semantic: 'masks/semantic/a/x.png',
    instances: 'masks/instances/a/x.png',
  });
  assert.equal(of('b/x.png').yolo, 'labels/b/x.txt');
  assert.equal(of('x.jpg').semantic, 'masks/semantic/x.png');
  assert.equal(of('c\\y.png').yolo, 'labels/c/y.txt');
  // dup.png, dup.jpg and Dup.jpeg collide (letter case too: they would on Windows and macOS).
  assert.deepEqual(
    ['dup.png', 'dup.jpg', 'Dup.jpeg'].map((n) => [of(n).image, of(n).yolo, of(n).semantic]),
    [
      ['images/dup.png', 'labels/dup.png.txt', 'masks/semantic/dup.png.png'],
      ['images/dup.jpg', 'labels/dup.jpg.txt', 'masks/semantic/dup.jpg.png'],
      ['images/Dup.jpeg', 'labels/Dup.jpeg.txt', 'masks/semantic/Dup.jpeg.png'],
    ],
  );
  // x.png.jpg's stem is x.png — free here; with an image x.png beside an x.jpg it would be taken: ~2.
  assert.equal(of('x.png.jpg').yolo, 'labels/x.png.txt');
  const crowded = datasetEntryPaths(['x.png', 'x.jpg', 'x.png.jpg']);
  assert.deepEqual(
    ['x.jpg', 'x.png', 'x.png.jpg'].map((n) => crowded.get(n)!.yolo),
    ['labels/x.jpg.txt', 'labels/x.png.txt', 'labels/x.png~2.txt'],
  );
  // The same names whatever order they come in (shards list their own images only).
  assert.deepEqual([...datasetEntryPaths([...NAMES].reverse())].sort(), [...datasetEntryPaths(NAMES)].sort());
});

test("the app's dataset writer: five same-stem images, every entry once, each image's masks its own", async () => {
  const W = 30;
  const H = 20;
  const square = (x: number, category: string): BatchAnnotation => {
    const m = new Uint8Array(W * H);
    for (let y = 4; y < 12; y++) for (let i = x; i < x + 4; i++) m[y * W + i] = 1;
    return {
      key: `d${x}`,
      category,
      score: 0.9,
      bboxXywh: [x, 4, 4, 8],
      area: 32,
      rle: encodeCocoRle(m, W, H),
      source: 'detector',
    };
  };
  // Image k: a red square at x = 5k, and for odd k a blue one 6 px right of it — no two images' masks are alike.
  const entries = NAMES.map((name, k) => ({
    name,
    width: W,
    height: H,
    annotations: [square(5 * k, 'red'), ...(k % 2 ? [square(5 * k + 6, 'blue')] : [])],
    imageBytes: async () => Uint8Array.of(k),
  }));
  const chunks: Uint8Array[] = [];
  await writeDataset(
    ['red', 'blue'],
    DEFAULT_DATASET_OPTIONS,
    { count: entries.length, names: NAMES, images: () => entries },
    (c) => void chunks.push(...c),
    { pack: 'demo', now: new Date(0) },
  );
  const zip = new Uint8Array(chunks.reduce((s, c) => s + c.length, 0));
  chunks.reduce((at, c) => (zip.set(c, at), at + c.length), 0);
  const names = await entryNames(zip);
  assert.deepEqual(
    names.filter((n, i) => names.indexOf(n) !== i),
    [],
    'no entry is written twice',
  );
  assert.ok(names.includes('labels/dup.png.txt') && names.includes('labels/dup.jpg.txt'));
  assert.ok(names.includes('labels/a/x.txt') && names.includes('labels/b/x.txt') && names.includes('labels/x.txt'));
  const files = unzipSync(zip);
  NAMES.forEach((n, k) => assert.deepEqual(files[`images/${n}`], Uint8Array.of(k), `images/${n} is its own file`));
  const coco = JSON.parse(strFromU8(files['coco.json'])) as CocoOut;
  assert.deepEqual(
    coco.images.map((i) => i.file_name),
    NAMES,
    "COCO's file_name is the image's own path",
  );
  checkOwnFiles(files);
  assert.match(strFromU8(files['README.txt']), /labels\/dup\.png\.txt, labels\/dup\.jpg\.txt/);
  assert.match(strFromU8(files['README.txt']), /byte for byte.*EXIF orientation is not applied/);
  assert.match(strFromU8(files['README.txt']), /upright image, EXIF orientation applied/);
});

describe('npm run label and label merge', () => {
  let dir: string;
  let engine: Engine;
  const quiet = { log: () => {}, status: () => {} };
  const args = (out: string, extra: string[] = []) =>
    parseLabelArgs([
      '--pack',
      DEMO_PACK_DIR,
      '--images',
      join(dir, 'in'),
      '--phrases',
      'red, blue',
      '--out',
      out,
      ...extra,
    ])!;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'sam3-names-'));
    mkdirSync(join(dir, 'in', 'a'), { recursive: true });
    mkdirSync(join(dir, 'in', 'b'));
    // PNG bytes under every name (the command reads a file by its content); each a different scene.
    NAMES.forEach((name, k) => {
      const scene: Scene = renderScene(
        randomScene(700 + k, 120, 90, 1 + k, ['red', 'blue'], { minSize: 12, maxSize: 30, gap: 6 }),
      );
      writeFileSync(join(dir, 'in', name), encodePng(scene.width, scene.height, scene.data));
    });
    engine = await demoEngine();
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('one process, and two shards that split dup.png from dup.jpg merged: the same unique entries', async () => {
    const one = await runLabel(args(join(dir, 'one.zip')), { ...quiet, engine });
    assert.equal(one.labelled, 5);
    const oneZip = new Uint8Array(readFileSync(join(dir, 'one.zip')));
    const names = await entryNames(oneZip);
    assert.deepEqual(
      names.filter((n, i) => names.indexOf(n) !== i),
      [],
      'no entry is written twice',
    );
    const files = unzipSync(oneZip);
    const pixels = checkOwnFiles(files);
    assert.equal(new Set(pixels.values()).size, 5, `each image has its own masks: ${[...pixels.values()]}`);
    assert.ok(files['labels/dup.png.txt'] && files['labels/dup.jpg.txt'] && files['labels/a/x.txt']);

    // Path order a/x.png, b/x.png, dup.jpg, dup.png, x.jpg: shard 1 of 2 takes dup.jpg, shard 2 dup.png — each
    // alone in its shard, so each shard names it labels/dup.txt; the merge gives them the one-process names.
    for (const k of [1, 2]) await runLabel(args(join(dir, 'dataset.zip'), ['--shard', `${k}/2`]), { ...quiet, engine });
    const shard1 = unzipSync(new Uint8Array(readFileSync(join(dir, 'dataset.shard-1-of-2.zip'))));
    assert.ok(shard1['labels/dup.txt'], 'a shard with only dup.jpg names its files by the stem');
    await mergeDatasets(join(dir, 'merged.zip'), [
      join(dir, 'dataset.shard-2-of-2.zip'),
      join(dir, 'dataset.shard-1-of-2.zip'),
    ]);
    const mergedZip = new Uint8Array(readFileSync(join(dir, 'merged.zip')));
    const merged = await entryNames(mergedZip);
    assert.deepEqual(
      merged.filter((n, i) => merged.indexOf(n) !== i),
      [],
      'no entry is written twice',
    );
    assert.deepEqual(datasetDifferences(oneZip, mergedZip), [], 'the merge equals the one-process dataset');
    checkOwnFiles(unzipSync(mergedZip));
  });
});
