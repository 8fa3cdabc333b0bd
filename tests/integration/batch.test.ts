/**
 * A folder labelled end to end in Node on the demo pack through the engine's public API: instance counts per image
 * against the generated scenes, pause/resume and cancel + resume giving the same labels, and the dataset .zip
 * (COCO, YOLO, PNG masks) read back and scored against the scenes' ground truth.
 */
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { unzipSync, strFromU8 } from 'fflate';
import { decode as decodePng } from 'fast-png';
import { demoEngine } from '../helpers/demoPackEngine';
import { randomScene, renderScene, type Scene } from '../../tools/scenes/scene';
import type { Engine } from '../../workers/engine/engine';
import { labelImage } from '../../workers/batch/labelImage';
import { BatchRunner } from '../../workers/batch/runner';
import type { BatchAnnotation } from '../../workers/batch/types';
import { writeDataset, DEFAULT_DATASET_OPTIONS } from '../../workers/dataset/datasetZip';
import { encodeCocoRle } from '../../workers/core/rle';
import { evaluatePredictions, type CocoGroundTruth } from '../../workers/eval/evaluate';
import { polygonToRuns, runsIou, segmentationToRuns } from '../../workers/eval/rle';

const PHRASES = ['red', 'blue'];
let engine: Engine;
let scenes: { name: string; scene: Scene }[];

/** 8 scenes with 0–4 shapes of red, blue and green (green is never asked for). */
function makeFolder(): { name: string; scene: Scene }[] {
  return Array.from({ length: 8 }, (_, i) => {
    const count = i % 5;
    const colours = i % 2 ? ['red', 'blue', 'green'] : ['blue', 'red'];
    const spec = randomScene(100 + i, 320, 240, count, colours, { minSize: 30, maxSize: 70, gap: 12 });
    return { name: `sub/scene_${String(i).padStart(2, '0')}.png`, scene: renderScene(spec) };
  });
}

const expectedCount = (scene: Scene, phrase: string) => scene.shapes.filter((s) => s.colour === phrase).length;

async function runFolder(
  items: { name: string; scene: Scene }[],
  results: Map<string, BatchAnnotation[]>,
  control?: (runner: BatchRunner<{ name: string; scene: Scene }>, done: number) => void,
) {
  const runner: BatchRunner<{ name: string; scene: Scene }> = new BatchRunner({
    items,
    nameOf: (x) => x.name,
    process: async ({ name, scene }) => {
      const out = await labelImage(
        engine,
        { kind: 'rgba', name, image: { width: scene.width, height: scene.height, data: scene.data } },
        { phrases: PHRASES, scoreThreshold: 0.5, displayMasks: false },
      );
      results.set(name, out.annotations);
    },
    onProgress: (p) => {
      if (p.current === null && p.state === 'running') control?.(runner, p.done);
    },
  });
  return runner.run();
}

describe('batch labelling on the demo pack', () => {
  const full = new Map<string, BatchAnnotation[]>();
  before(async () => {
    engine = await demoEngine();
    scenes = makeFolder();
  });

  test('every image gets one annotation per shape of each phrase, with the shapes’ masks', async () => {
    const before = await engine.stats();
    const out = await runFolder(scenes, full);
    assert.equal(out.state, 'done');
    for (const { name, scene } of scenes) {
      const anns = full.get(name)!;
      for (const phrase of PHRASES) {
        assert.equal(
          anns.filter((a) => a.category === phrase).length,
          expectedCount(scene, phrase),
          `${name}: ${phrase}`,
        );
      }
      for (const a of anns) {
        const shape = scene.shapes.find(
          (s) =>
            s.colour === a.category &&
            Math.abs(s.box[0] - a.bboxXywh[0]) <= 2 &&
            Math.abs(s.box[1] - a.bboxXywh[1]) <= 2,
        );
        assert.ok(shape, `${name}: ${a.category} at ${a.bboxXywh} matches a shape`);
        const iou = runsIou(
          segmentationToRuns(a.rle, scene.height, scene.width),
          segmentationToRuns(encodeCocoRle(shape.mask, scene.width, scene.height), scene.height, scene.width),
          false,
        );
        assert.ok(iou >= 0.95, `${name}: mask IoU ${iou}`);
      }
    }
    // The image encoder once per image, the text encoder once per phrase for the whole folder.
    const after = await engine.stats();
    assert.equal(after.graphRuns.vision - before.graphRuns.vision, scenes.length);
    assert.ok(after.graphRuns.text - before.graphRuns.text <= PHRASES.length);
    assert.ok(after.cache.images <= 1, 'the engine keeps one image’s features');
  });

  test('pause after 3 images, resume: the same labels', async () => {
    const results = new Map<string, BatchAnnotation[]>();
    let paused = false;
    const out = await runFolder(scenes, results, (runner, done) => {
      if (done === 3 && !paused) {
        paused = true;
        runner.pause();
        setTimeout(() => {
          assert.equal(runner.progress.state, 'paused');
          assert.equal(results.size, 3, 'nothing runs while paused');
          runner.resume();
        }, 30);
      }
    });
    assert.equal(out.state, 'done');
    assert.deepEqual(summary(results), summary(full));
  });

  test('cancel after 5 images leaves the rest; a second run over what is left completes the folder identically', async () => {
    const results = new Map<string, BatchAnnotation[]>();
    const out = await runFolder(scenes, results, (runner, done) => done === 5 && runner.cancel());
    assert.deepEqual(out, { state: 'cancelled', done: 5, failed: 0 });
    assert.equal(results.size, 5);
    const rest = scenes.filter((s) => !results.has(s.name));
    assert.equal((await runFolder(rest, results)).state, 'done');
    assert.deepEqual(summary(results), summary(full));
  });

  test('the dataset zip: COCO re-imports and scores perfectly against the scenes; YOLO and PNG masks agree', async () => {
    const chunks: Uint8Array[] = [];
    const images = scenes.map(({ name, scene }) => ({
      name,
      width: scene.width,
      height: scene.height,
      annotations: full.get(name)!,
      imageBytes: async () => new Uint8Array([1, 2, 3]),
    }));
    await writeDataset(
      PHRASES,
      DEFAULT_DATASET_OPTIONS,
      { count: images.length, names: images.map((i) => i.name), images: () => images },
      (c) => void chunks.push(...c),
      { pack: 'demo', now: new Date(0) },
    );
    const files = unzipSync(concat(chunks));
    const coco = JSON.parse(strFromU8(files['coco.json']));
    assert.deepEqual(coco.categories, [
      { id: 1, name: 'red' },
      { id: 2, name: 'blue' },
    ]);
    assert.equal(coco.images.length, scenes.length);
    assert.equal(coco.annotations.length, [...full.values()].flat().length);
    assert.ok(files['images/sub/scene_00.png'], 'original files under images/');
    assert.match(strFromU8(files['data.yaml']), /names:\n {2}0: "red"\n {2}1: "blue"/);

    // Ground truth from the scenes (red and blue shapes as RLE) → the exported COCO scores 100.
    const gt: CocoGroundTruth = { images: coco.images, categories: coco.categories, annotations: [] };
    scenes.forEach(({ scene }, i) =>
      scene.shapes
        .filter((s) => PHRASES.includes(s.colour))
        .forEach((s) =>
          gt.annotations.push({
            id: gt.annotations.length + 1,
            image_id: i + 1,
            category_id: PHRASES.indexOf(s.colour) + 1,
            segmentation: encodeCocoRle(s.mask, scene.width, scene.height),
            area: s.area,
            iscrowd: 0,
          }),
        ),
    );
    const report = evaluatePredictions(gt, coco);
    assert.ok(report.coco.AP > 0.95, `AP ${report.coco.AP}`);
    assert.ok(report.cgF1 > 95, `cgF1 ${report.cgF1}`);
    assert.ok(report.IL_MCC > 0.99);

    scenes.forEach(({ name, scene }, i) => {
      const stem = name.replace(/\.png$/, '');
      const yolo = strFromU8(files[`labels/${stem}.txt`]).trim().split('\n').filter(Boolean);
      const mine = coco.annotations.filter((a: { image_id: number }) => a.image_id === i + 1);
      assert.equal(yolo.length, mine.length, `${name}: one YOLO line per instance`);
      for (const [k, line] of yolo.entries()) {
        const [cls, ...xy] = line.split(' ').map(Number);
        assert.equal(cls, mine[k].category_id - 1);
        const px = xy.map((v, j) => v * (j % 2 ? scene.height : scene.width));
        const iou = runsIou(
          polygonToRuns(px, scene.height, scene.width),
          segmentationToRuns(mine[k].segmentation, scene.height, scene.width),
          false,
        );
        assert.ok(iou > 0.9, `${name}: YOLO polygon IoU ${iou}`);
      }
      const sem = decodePng(files[`masks/semantic/${stem}.png`]);
      assert.equal(sem.width, scene.width);
      for (const s of scene.shapes) {
        const c = s.box.map(Math.round);
        const cx = Math.floor((c[0] + c[2]) / 2);
        const cy = Math.floor((c[1] + c[3]) / 2);
        if (!s.mask[cy * scene.width + cx]) continue;
        const want = PHRASES.indexOf(s.colour) + 1;
        assert.equal(sem.data[cy * scene.width + cx], want, `${name}: semantic pixel of a ${s.colour} shape`);
      }
    });
  });
});

function summary(m: Map<string, BatchAnnotation[]>) {
  return [...m.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, v]) => [k, v.map((a) => `${a.category}:${a.bboxXywh.join(',')}:${a.area}`)]);
}

function concat(chunks: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(chunks.reduce((s, c) => s + c.length, 0));
  let p = 0;
  for (const c of chunks) {
    out.set(c, p);
    p += c.length;
  }
  return out;
}
