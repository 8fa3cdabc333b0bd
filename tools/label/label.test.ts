/**
 * `npm run label` on generated folders with the demo pack: counts per image, a bad file reported without stopping
 * the run, EXIF orientation, resume after an interruption from the progress file, and shards that split a folder.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { unzipSync, strFromU8 } from 'fflate';
import jpeg from 'jpeg-js';
import { demoEngine } from '../../tests/helpers/demoPackEngine';
import { randomScene, renderScene, type Scene } from '../scenes/scene';
import { encodePng } from '../scenes/png';
import { DEMO_PACK_DIR } from '../../tests/helpers/demoPackEngine';
import type { Engine } from '../../workers/engine/engine';
import { exitCodeOf, EXIT, listImages, parseLabelArgs, runLabel, shardOf, type LabelArgs } from './label';
import { decodeImageFile } from './decodeImageFile';
import { progressPath } from './labelState';

let dir: string;
let engine: Engine;
const scenes = new Map<string, Scene>();

/** A JPEG with an EXIF APP1 segment whose Orientation tag is `orientation`. */
function jpegWithOrientation(scene: Scene, orientation: number): Uint8Array {
  const raw = jpeg.encode({ width: scene.width, height: scene.height, data: scene.data }, 95).data;
  const tiff = [0x4d, 0x4d, 0, 42, 0, 0, 0, 8, 0, 1, 0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, orientation, 0, 0, 0, 0, 0, 0];
  const body = [...Buffer.from('Exif\0\0', 'binary'), ...tiff];
  const app1 = [0xff, 0xe1, (body.length + 2) >> 8, (body.length + 2) & 0xff, ...body];
  return new Uint8Array([...raw.subarray(0, 2), ...app1, ...raw.subarray(2)]);
}

const args = (extra: string[] = []): LabelArgs =>
  parseLabelArgs([
    '--pack',
    DEMO_PACK_DIR,
    '--images',
    join(dir, 'in'),
    '--phrases',
    'red, blue',
    '--out',
    join(dir, 'out.zip'),
    ...extra,
  ])!;

const quiet = { log: () => {}, status: () => {} };

describe('npm run label', () => {
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'sam3-label-'));
    mkdirSync(join(dir, 'in', 'b'), { recursive: true });
    for (let i = 0; i < 6; i++) {
      const scene = renderScene(
        randomScene(40 + i, 256, 192, 1 + (i % 4), ['red', 'blue', 'green'], { minSize: 30, maxSize: 60, gap: 10 }),
      );
      const name = `${i % 2 ? 'b/' : ''}p${i}.png`;
      scenes.set(name, scene);
      writeFileSync(join(dir, 'in', name), encodePng(scene.width, scene.height, scene.data));
    }
    writeFileSync(join(dir, 'in', 'broken.png'), new Uint8Array([137, 80, 78, 71, 13, 10, 26, 10, 0, 0]));
    engine = await demoEngine();
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('labels every image (counts per phrase), reports a broken file and goes on, writes the dataset zip', async () => {
    const out = join(dir, 'all.zip');
    const summary = await runLabel({ ...args(), out }, { ...quiet, engine });
    const { state, labelled, skipped, failed, total } = summary;
    assert.deepEqual(
      { state, labelled, skipped, failed, total },
      { state: 'done', labelled: 6, skipped: 0, failed: 1, total: 7 },
    );
    assert.equal(exitCodeOf(summary, null), EXIT.imagesFailed);
    const files = unzipSync(new Uint8Array(readFileSync(out)));
    const coco = JSON.parse(strFromU8(files['coco.json']));
    assert.equal(coco.images.length, 6);
    for (const im of coco.images as { id: number; file_name: string }[]) {
      const scene = scenes.get(im.file_name)!;
      for (const [k, phrase] of ['red', 'blue'].entries()) {
        const n = coco.annotations.filter(
          (a: { image_id: number; category_id: number }) => a.image_id === im.id && a.category_id === k + 1,
        ).length;
        assert.equal(n, scene.shapes.filter((s) => s.colour === phrase).length, `${im.file_name} ${phrase}`);
      }
    }
    const failure = readFileSync(progressPath(out), 'utf8')
      .split('\n')
      .find((l) => l.includes('broken.png'))!;
    assert.match(JSON.parse(failure).error, /broken\.png.*not a readable PNG/);
  });

  test('stopped after 3 images, the same command resumes and the zip equals an uninterrupted run', async () => {
    const controller = new AbortController();
    let n = 0;
    const first = await runLabel(args(), {
      ...quiet,
      engine,
      signal: controller.signal,
      onImage: () => ++n === 3 && controller.abort(),
    });
    assert.equal(first.state, 'cancelled');
    assert.equal(first.zip, null);
    const second = await runLabel(args(), { ...quiet, engine });
    assert.equal(second.skipped, 3);
    assert.equal(second.labelled + second.failed, 4);
    const resumed = JSON.parse(strFromU8(unzipSync(new Uint8Array(readFileSync(join(dir, 'out.zip'))))['coco.json']));
    const whole = JSON.parse(strFromU8(unzipSync(new Uint8Array(readFileSync(join(dir, 'all.zip'))))['coco.json']));
    assert.deepEqual(resumed.annotations, whole.annotations);
    assert.deepEqual(resumed.images, whole.images);
    assert.throws(
      () => parseLabelArgs(['--pack', 'p', '--images', 'i', '--phrases', 'a', '--out', 'o', '--shard', '3/2']),
      /--shard 3\/2/,
    );
    await assert.rejects(runLabel({ ...args(['--threshold', '0.6']) }, { ...quiet, engine }), /other settings/);
  });

  test('shards 1/2 and 2/2 split the folder without overlap', async () => {
    const all = listImages(join(dir, 'in'));
    const a = shardOf(all, [1, 2]);
    const b = shardOf(all, [2, 2]);
    assert.deepEqual([...a, ...b].sort(), all);
    assert.equal(a.filter((x) => b.includes(x)).length, 0);
    const lines: string[] = [];
    const s = await runLabel(
      { ...args(['--shard', '2/2']), out: join(dir, 'shard2.zip') },
      { ...quiet, engine, status: (l) => lines.push(l) },
    );
    assert.equal(s.total, b.length);
    // The progress line names the shard and gives this run's throughput and the shard's ETA.
    assert.match(
      lines.at(-1)!,
      new RegExp(`^shard 2/2 \\[${b.length}/${b.length}\\] 100\\.0% · \\d+\\.\\d\\d img/s · ETA 0s`),
    );
    // More shards than images: the empty shard writes an empty dataset (so a merge finds every shard) and succeeds.
    const empty = await runLabel({ ...args(['--shard', '8/8']), out: join(dir, 'shard8.zip') }, { ...quiet, engine });
    assert.deepEqual([empty.state, empty.total, exitCodeOf(empty, null)], ['done', 0, EXIT.done]);
    assert.deepEqual(
      JSON.parse(strFromU8(unzipSync(new Uint8Array(readFileSync(join(dir, 'shard8.zip'))))['coco.json'])).images,
      [],
    );
    assert.match(lines[2], /^shard 2\/2 \[1\/\d\] .* img\/s · ETA \d+s/);
  });

  test('a JPEG’s EXIF orientation is applied (6: rotated a quarter turn)', async () => {
    const scene = scenes.get('p0.png')!;
    const img = await decodeImageFile(jpegWithOrientation(scene, 6), 'rot.jpg');
    assert.deepEqual([img.width, img.height], [scene.height, scene.width]);
    // Upright pixel (x, y) is stored pixel (y, h − 1 − x).
    const [x, y] = [10, 30];
    const stored = scene.data[((scene.height - 1 - x) * scene.width + y) * 4];
    assert.ok(Math.abs(img.data[(y * img.width + x) * 4] - stored) < 24, 'red channel of the rotated pixel');
  });
});
