/**
 * `npm run label -- merge`: a folder labelled by one process and as 4 shards (`--shard auto/4` under a Kubernetes
 * index), the shards merged in a shuffled order, gives the same dataset — the same COCO images, categories and
 * annotations (ids included: the merge numbers them as one process does), and every other file of the zip
 * (YOLO labels, data.yaml, PNG masks, images) byte for byte. A shard labelled with its phrases in another order is
 * mapped back by category name; shards of other settings, overlapping or missing shards are refused.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { strFromU8, unzipSync } from 'fflate';
import { demoEngine, DEMO_PACK_DIR } from '../../tests/helpers/demoPackEngine';
import { randomScene, renderScene } from '../scenes/scene';
import { encodePng } from '../scenes/png';
import type { Engine } from '../../workers/engine/engine';
import { parseLabelArgs, runLabel } from './label';
import { checkZipLimits, mergeDatasets, MergeRefused, shardZipsBeside } from './merge';
import { datasetEntryPaths } from '../../workers/dataset/datasetZip';
import type { ZipIndex } from './zipEntries';
import { datasetDifferences } from '../cluster/compareDatasets';

let dir: string;
let engine: Engine;
const quiet = { log: () => {}, status: () => {} };

const labelArgs = (out: string, extra: string[] = [], env: Record<string, string> = {}) =>
  parseLabelArgs(
    ['--pack', DEMO_PACK_DIR, '--images', join(dir, 'in'), '--phrases', 'red, blue, green', '--out', out, ...extra],
    env,
  )!;

const unzip = (path: string) => unzipSync(new Uint8Array(readFileSync(path)));
const coco = (files: Record<string, Uint8Array>) => JSON.parse(strFromU8(files['coco.json']));

/** Shard k (1-based) of 4 as Kubernetes would start it. */
async function labelShard(k: number, out: string, extra: string[] = []): Promise<string> {
  const args = labelArgs(out, ['--shard', 'auto/4', ...extra], { JOB_COMPLETION_INDEX: String(k - 1) });
  const summary = await runLabel(args, { ...quiet, engine });
  return summary.zip!;
}

describe('label merge', () => {
  let one: Record<string, Uint8Array>;
  let shards: string[];

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'sam3-merge-'));
    mkdirSync(join(dir, 'in', 'sub'), { recursive: true });
    for (let i = 0; i < 9; i++) {
      const scene = renderScene(
        randomScene(300 + i, 200, 150, i % 5, ['red', 'blue', 'green'], { minSize: 24, maxSize: 50, gap: 8 }),
      );
      writeFileSync(
        join(dir, 'in', `${i % 3 ? '' : 'sub/'}img${i}.png`),
        encodePng(scene.width, scene.height, scene.data),
      );
    }
    writeFileSync(join(dir, 'in', 'broken.png'), new Uint8Array([137, 80, 78, 71, 13, 10, 26, 10, 0, 0]));
    engine = await demoEngine();
    const whole = await runLabel(labelArgs(join(dir, 'one.zip')), { ...quiet, engine });
    assert.equal(whole.labelled, 9);
    one = unzip(join(dir, 'one.zip'));
    shards = [];
    for (let k = 1; k <= 4; k++) shards.push(await labelShard(k, join(dir, 'dataset.zip')));
    assert.deepEqual(
      shards.map((s) => s.slice(dir.length + 1)),
      [1, 2, 3, 4].map((k) => `dataset.shard-${k}-of-4.zip`),
    );
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('4 shards merged = one process: COCO annotations with their ids, YOLO, masks, images', async () => {
    assert.deepEqual(shardZipsBeside(join(dir, 'dataset.zip')), shards);
    const summary = await mergeDatasets(join(dir, 'merged.zip'), [shards[2], shards[0], shards[3], shards[1]]);
    const merged = unzip(join(dir, 'merged.zip'));
    const [a, b] = [coco(merged), coco(one)];
    assert.deepEqual(a.images, b.images);
    assert.deepEqual(a.categories, b.categories);
    assert.deepEqual(a.annotations, b.annotations);
    assert.ok(b.annotations.length >= 10, `${b.annotations.length} annotations`);
    // Every file but coco.json's info and the README, byte for byte (the check npm run test:cluster makes).
    assert.deepEqual(
      datasetDifferences(
        new Uint8Array(readFileSync(join(dir, 'one.zip'))),
        new Uint8Array(readFileSync(join(dir, 'merged.zip'))),
      ),
      [],
    );
    assert.deepEqual(Object.keys(merged).sort(), Object.keys(one).sort());
    assert.match(strFromU8(merged['README.txt']), /Merged by npm run label -- merge from 4 shard zips/);
    // What each shard contributed, in shard order; the broken file is counted where it failed.
    assert.deepEqual(
      summary.shards.map((s) => [s.shard, s.images]),
      [1, 2, 3, 4].map((k) => [[k, 4], coco(unzip(shards[k - 1])).images.length]),
    );
    assert.equal(
      summary.shards.reduce((n, s) => n + (s.failed ?? 0), 0),
      1,
    );
    assert.equal(summary.annotations, b.annotations.length);
    assert.equal(a.info.run.images_failed, 1);
    assert.equal(a.info.run.images_listed, 10);
  });

  test('a shard labelled with its phrases in another order is mapped by category name', async () => {
    const reordered = await labelShard(2, join(dir, 'reordered.zip'), ['--phrases', 'green, red, blue']);
    assert.deepEqual(
      coco(unzip(reordered)).categories.map((c: { name: string }) => c.name),
      ['green', 'red', 'blue'],
    );
    await mergeDatasets(join(dir, 'mixed.zip'), [shards[0], reordered, shards[2], shards[3]]);
    const merged = unzip(join(dir, 'mixed.zip'));
    assert.deepEqual(coco(merged).annotations, coco(one).annotations);
    for (const name of Object.keys(one).filter((n) => n.startsWith('labels/') || n.startsWith('masks/'))) {
      assert.deepEqual(merged[name], one[name], name);
    }
    assert.equal(strFromU8(merged['data.yaml']), strFromU8(one['data.yaml']));
  });

  test('shards of other settings, missing, repeated or overlapping shards are refused before writing', async () => {
    const other = await labelShard(2, join(dir, 'strict.zip'), ['--threshold', '0.6']);
    await assert.rejects(
      mergeDatasets(join(dir, 'x.zip'), [shards[0], other, shards[2], shards[3]]),
      (err: Error) =>
        err instanceof MergeRefused &&
        err.message.includes('disagree on the score threshold') &&
        err.message.includes('dataset.shard-1-of-4.zip, dataset.shard-3-of-4.zip, dataset.shard-4-of-4.zip: 0.5') &&
        err.message.includes('strict.shard-2-of-4.zip: 0.6'),
    );
    await assert.rejects(mergeDatasets(join(dir, 'x.zip'), [shards[0], shards[1], shards[3]]), /shard 3\/4 is missing/);
    await assert.rejects(mergeDatasets(join(dir, 'x.zip'), [shards[0], shards[0]]), /are both shard 1\/4/);
    await assert.rejects(mergeDatasets(join(dir, 'x.zip'), [join(dir, 'one.zip'), shards[1]]), /number of shards/);
    await assert.rejects(mergeDatasets(shards[0], shards), /is one of the shards/);
    const partial = await mergeDatasets(join(dir, 'partial.zip'), [shards[0], shards[1], shards[3]], true);
    assert.deepEqual(partial.missing, [3]);
    assert.equal(partial.images, coco(one).images.length - coco(unzip(shards[2])).images.length);
    assert.throws(() => unzip(join(dir, 'x.zip')), /ENOENT/);
  });

  test('a merge past what the zip writer can address (65,535 files or 4 GiB) is refused before writing', () => {
    const index = (sizes: Record<string, number>) =>
      ({
        path: 'x.zip',
        entries: new Map(Object.entries(sizes).map(([name, compressedSize]) => [name, { compressedSize }])),
      }) as unknown as ZipIndex;
    const names = Array.from({ length: 16_400 }, (_, i) => `img${i}.png`);
    const paths = datasetEntryPaths(names);
    const many = index(Object.fromEntries([...paths.values()].flatMap((p) => Object.values(p).map((e) => [e, 100]))));
    const of = (name: string) => ({ index: many, paths: paths.get(name)! });
    assert.throws(
      () => checkZipLimits(names.map(of)),
      /would hold 65,603 files and .* GiB, past what this zip writer can address/,
    );
    assert.doesNotThrow(() => checkZipLimits(names.slice(0, 16_000).map(of)));
    const big = index({ 'images/huge.png': 5 * 2 ** 30 });
    assert.throws(
      () => checkZipLimits([{ index: big, paths: datasetEntryPaths(['huge.png']).get('huge.png')! }]),
      /5\.0 GiB/,
    );
  });
});
