/**
 * The engine end to end in Node (onnxruntime-node) on the demo pack and generated scenes: instance counts,
 * boxes within 2 px, mask IoU ≥ 0.95 with the drawn shapes, and which graphs each action runs.
 */
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { demoEngine, DEMO_PACK_DIR, packFilesSource } from '../helpers/demoPackEngine';
import { renderScene, SHAPES_SAMPLE, type Scene, type SceneSpec } from '../../tools/scenes/scene';
import { decodeMaskToFrame, decodeCocoRle } from '../../workers/core/rle';
import { maskBoundingBox, maskIou } from '../../workers/core/masks';
import type { Engine } from '../../workers/engine/engine';
import type { ConceptPrompt, ExemplarBox, SegmentRequest } from '../../workers/protocol/prompts';
import { SCORE_FLOOR, type InstanceResult } from '../../workers/protocol/results';

let engine: Engine;

/** Graph runs of one request, by role. */
const runs = (vision: number, text: number, detector: number, tracker = 0, trackerVision = 0, memory = 0) => ({
  vision,
  text,
  detector,
  tracker,
  trackerVision,
  memory,
});
let scene: Scene;
let imageId: string;

const concept = (phrase: string, boxes: ExemplarBox[] = [], id = phrase || 'boxes'): ConceptPrompt => ({
  id,
  phrase,
  boxes,
});
const request = (concepts: ConceptPrompt[], scoreThreshold = 0.5): SegmentRequest => ({
  imageId,
  concepts,
  scoreThreshold,
});

function shapesOf(colour: string) {
  return scene.shapes.filter((s) => s.colour === colour);
}

/** Each ground-truth shape of `colour` has exactly one instance with a box within 2 px and mask IoU ≥ 0.95. */
function assertMatchesShapes(instances: InstanceResult[], colour: string) {
  const shapes = shapesOf(colour);
  assert.equal(instances.length, shapes.length, `${colour}: ${instances.length} instances for ${shapes.length} shapes`);
  for (const shape of shapes) {
    const match = instances.find((inst) => inst.boxXyxyPx.every((v, i) => Math.abs(v - shape.box[i]) <= 2));
    assert.ok(match, `${colour} shape at ${shape.box} has no instance with a box within 2 px`);
    const mask = decodeMaskToFrame(match.mask);
    const iou = maskIou(mask, shape.mask);
    assert.ok(iou >= 0.95, `${colour} shape at ${shape.box}: mask IoU ${iou.toFixed(3)} < 0.95`);
  }
}

describe('image concepts on the demo pack', () => {
  before(async () => {
    engine = await demoEngine();
    scene = renderScene(SHAPES_SAMPLE);
    const info = await engine.openImage({
      kind: 'rgba',
      name: 'shapes.png',
      image: { width: scene.width, height: scene.height, data: scene.data },
    });
    imageId = info.imageId;
    assert.equal(info.displayWidth, scene.width);
  });

  test('"red" finds both red squares with exact boxes and masks; one run of each graph', async () => {
    const r = await engine.segment(request([concept('red')]));
    assertMatchesShapes(r.instances, 'red');
    assert.deepEqual(r.graphRuns, runs(1, 1, 1));
    assert.deepEqual(
      r.instances.map((i) => i.instanceId),
      [1, 2],
    );
    assert.ok(r.instances.every((i) => i.score > 0.5 && i.score <= 1));
  });

  test('a second phrase on the same image runs no vision graph', async () => {
    const r = await engine.segment(request([concept('green')]));
    assertMatchesShapes(r.instances, 'green');
    assert.deepEqual(r.graphRuns, runs(0, 1, 1));
  });

  test('a phrase seen before runs only what is not cached (nothing)', async () => {
    const r = await engine.segment(request([concept('Red ')]));
    assert.equal(r.instances.length, 2);
    assert.deepEqual(r.graphRuns, runs(0, 0, 0));
  });

  test('an absent colour and an unknown word find nothing, with low presence', async () => {
    const r = await engine.segment(request([concept('purple'), concept('giraffe')]));
    assert.equal(r.instances.length, 0);
    assert.ok(r.concepts[0].presence < 0.1, `presence of purple = ${r.concepts[0].presence}`);
    assert.equal(r.concepts[1].count, 0);
  });

  test('several concepts at once: each instance its own ID, tagged with its concept', async () => {
    const reds = (await engine.segment(request([concept('red')]))).instances.map((i) => i.instanceId);
    const r = await engine.segment(request([concept('red'), concept('blue'), concept('yellow')]));
    assert.equal(r.instances.length, 4);
    const ids = r.instances.map((i) => i.instanceId);
    assert.equal(new Set(ids).size, 4, `IDs ${ids} are not distinct`);
    // Adding concepts renumbers nothing: the red squares keep their IDs.
    assert.deepEqual(ids.slice(0, 2), reds);
    assert.deepEqual(
      r.instances.map((i) => i.conceptIndex),
      [0, 0, 1, 2],
    );
    assertMatchesShapes(
      r.instances.filter((i) => i.conceptIndex === 1),
      'blue',
    );
  });

  test('the threshold filters without running any graph', async () => {
    const all = await engine.segment(request([concept('red')], 0.5));
    const scores = all.instances.map((i) => i.score).sort((a, b) => a - b);
    const between = (scores[0] + scores[1]) / 2;
    const r = await engine.segment(request([concept('red')], between));
    assert.equal(r.instances.length, 1);
    assert.ok(r.instances[0].score > between);
    assert.deepEqual(r.graphRuns, runs(0, 0, 0));
    const none = await engine.segment(request([concept('red')], 0.999));
    assert.equal(none.instances.length, 0);
    assert.deepEqual(none.graphRuns, runs(0, 0, 0));
  });

  test('COCO export: one category per phrase, RLE masks equal to the drawn instances', async () => {
    const req = request([concept('red'), concept('green')]);
    const shown = await engine.segment(req);
    const coco = await engine.exportCoco({ imageId, request: req });
    assert.deepEqual(
      coco.categories.map((c) => c.name),
      ['red', 'green'],
    );
    assert.equal(coco.annotations.length, shown.instances.length);
    assert.deepEqual(coco.images[0], { id: 1, file_name: 'shapes.png', width: 640, height: 480 });
    for (const [k, ann] of coco.annotations.entries()) {
      const inst = shown.instances[k];
      assert.equal(ann.category_id, inst.conceptIndex + 1);
      assert.equal(ann.score, inst.score);
      const [x1, y1, x2, y2] = inst.boxXyxyPx;
      assert.deepEqual(ann.bbox, [x1, y1, x2 - x1, y2 - y1]);
      const fromCoco = decodeCocoRle(ann.segmentation);
      const drawn = decodeMaskToFrame(inst.mask);
      assert.equal(maskIou(fromCoco, drawn), 1);
      assert.equal(ann.area, inst.areaPx);
    }
  });
});

describe('instance IDs, the score floor and the numbers the list shows', () => {
  test('an ID belongs to its object: the same at every threshold, new objects get new IDs', async () => {
    const idsAt = async (t: number) =>
      new Map((await engine.segment(request([concept('red')], t))).instances.map((i) => [i.query, i.instanceId]));
    const mid = await idsAt(0.5);
    const low = await idsAt(0);
    const high = await idsAt(0.9);
    for (const [q, id] of mid) {
      assert.equal(low.get(q), id, `query ${q}: #${id} at 0.50 but #${low.get(q)} at 0.00`);
      if (high.has(q)) assert.equal(high.get(q), id);
    }
    assert.deepEqual(await idsAt(0.5), mid, 'back at 0.50 the same IDs');
  });

  test('no threshold shows empty masks: the floor applies and every instance has pixels', async () => {
    const r = await engine.segment(request([concept('red'), concept('blue')], 0));
    assert.ok(r.instances.length >= 3);
    for (const inst of r.instances) {
      assert.ok(inst.score > SCORE_FLOOR, `#${inst.instanceId} scores ${inst.score}`);
      assert.ok(inst.areaPx > 0, `#${inst.instanceId} is empty`);
      assert.ok(decodeMaskToFrame(inst.mask).some((v) => v !== 0));
      const [x1, y1, x2, y2] = inst.boxXyxyPx;
      assert.ok(x2 > x1 && y2 > y1);
    }
  });

  test("the list shows the mask's own box and area at full size, exactly what the export writes", async () => {
    const big = renderScene({ ...SHAPES_SAMPLE, width: 1280, height: 960 } as SceneSpec);
    const info = await engine.openImage({
      kind: 'rgba',
      name: 'big.png',
      image: { width: big.width, height: big.height, data: big.data },
    });
    const req: SegmentRequest = { imageId: info.imageId, concepts: [concept('red')], scoreThreshold: 0.5 };
    const shown = await engine.segment(req);
    const coco = await engine.exportCoco({ imageId: info.imageId, request: req });
    assert.ok(shown.instances.length > 0);
    for (const inst of shown.instances) {
      const ann = coco.annotations.find((a) => a.id === inst.instanceId)!;
      const full = decodeCocoRle(ann.segmentation);
      assert.equal(
        inst.areaPx,
        full.reduce((n, v) => n + v, 0),
      );
      const box = maskBoundingBox(full, big.width, big.height)!;
      assert.deepEqual(inst.boxXyxyPx, box);
      assert.deepEqual(ann.bbox, [box[0], box[1], box[2] - box[0], box[3] - box[1]]);
    }
    const back = await engine.openImage({
      kind: 'rgba',
      name: 'shapes.png',
      image: { width: scene.width, height: scene.height, data: scene.data },
    });
    imageId = back.imageId;
  });
});

describe('annotator edits on the demo pack', () => {
  test('hide, delete and move are applied to what is shown and to the export alike, without running a graph', async () => {
    const red = concept('red');
    const blue = concept('blue');
    const plain = await engine.segment(request([red, blue]));
    assert.equal(plain.instances.length, 3);
    const [r1, r2, b1] = plain.instances;
    const req: SegmentRequest = {
      ...request([red, blue]),
      edits: [
        { instanceId: r1.instanceId, hidden: true },
        { instanceId: r2.instanceId, conceptId: blue.id },
        { instanceId: b1.instanceId, deleted: true },
      ],
    };
    const shown = await engine.segment(req);
    assert.deepEqual(shown.graphRuns, runs(0, 0, 0));
    assert.deepEqual(
      shown.instances.map((i) => [i.instanceId, i.conceptId, i.conceptIndex, i.hidden === true]),
      [
        [r1.instanceId, red.id, 0, true],
        [r2.instanceId, blue.id, 1, false],
      ],
    );
    assert.deepEqual(
      shown.concepts.map((c) => c.count),
      [0, 1],
    );
    const coco = await engine.exportCoco({ imageId, request: req });
    assert.deepEqual(
      coco.annotations.map((a) => [a.id, a.category_id]),
      [[r2.instanceId, 2]],
      'hidden and deleted ones are not exported; the moved one is exported as "blue"',
    );
    assert.equal(coco.categories[1].name, 'blue');
  });
});

describe('exemplar boxes on the demo pack', () => {
  test('refining a concept with an exemplar box keeps the IDs of the objects it still finds', async () => {
    const before = await engine.segment(request([concept('red', [], 'red')]));
    const [first, second] = shapesOf('red');
    const near = (i: InstanceResult, box: number[]) => i.boxXyxyPx.every((v, k) => Math.abs(v - box[k]) <= 2);
    const keptBefore = before.instances.find((i) => near(i, first.box))!;
    const negative: ExemplarBox = { id: 'n0', xyxyPx: [...second.box], polarity: 'negative' };
    const after = await engine.segment(request([concept('red', [negative], 'red')]));
    assert.equal(after.instances.length, 1);
    assert.ok(near(after.instances[0], first.box));
    assert.equal(after.instances[0].instanceId, keptBefore.instanceId);
  });

  test('a negative box on one of two red squares removes it and keeps the other', async () => {
    const [first, second] = shapesOf('red');
    const negative: ExemplarBox = { id: 'n1', xyxyPx: [...first.box], polarity: 'negative' };
    const r = await engine.segment(request([concept('red', [negative], 'red')]));
    assert.equal(r.instances.length, 1);
    assert.ok(r.instances[0].boxXyxyPx.every((v, i) => Math.abs(v - second.box[i]) <= 2));
    assert.deepEqual(r.graphRuns, runs(0, 0, 1));
  });

  test('a positive box on a green region with no phrase finds every green region', async () => {
    const spec: SceneSpec = {
      width: 480,
      height: 360,
      background: [236, 236, 236],
      shapes: [
        { kind: 'rect', colour: 'green', x0: 30, y0: 30, x1: 130, y1: 130 },
        { kind: 'rect', colour: 'green', x0: 300, y0: 200, x1: 420, y1: 320 },
        { kind: 'circle', colour: 'red', cx: 250, cy: 90, r: 50 },
      ],
    };
    const local = renderScene(spec);
    const info = await engine.openImage({
      kind: 'rgba',
      name: 'greens.png',
      image: { width: local.width, height: local.height, data: local.data },
    });
    const box: ExemplarBox = { id: 'p1', xyxyPx: [...local.shapes[0].box], polarity: 'positive' };
    const r = await engine.segment({ imageId: info.imageId, concepts: [concept('', [box])], scoreThreshold: 0.5 });
    assert.equal(r.instances.length, 2);
    assert.deepEqual(r.graphRuns, runs(1, 1, 1));
    // Back to the shared scene for later tests.
    const back = await engine.openImage({
      kind: 'rgba',
      name: 'shapes.png',
      image: { width: scene.width, height: scene.height, data: scene.data },
    });
    imageId = back.imageId;
  });
});

describe('bad packs', () => {
  test('a pack whose detector has the wrong contract gives a clear message and the old pack keeps working', async () => {
    const text = new Uint8Array(readFileSync(join(DEMO_PACK_DIR, 'text.onnx')));
    const manifest = JSON.parse(readFileSync(join(DEMO_PACK_DIR, 'manifest.json'), 'utf8'));
    manifest.graphs.detector.file = { path: 'detector.onnx', size: text.byteLength };
    const source = packFilesSource(DEMO_PACK_DIR, {
      'detector.onnx': text,
      'manifest.json': new TextEncoder().encode(JSON.stringify(manifest)),
    });
    await assert.rejects(engine.openPack(source), (err: { code: string; message: string }) => {
      assert.equal(err.code, 'pack-contract');
      assert.match(err.message, /detector\.onnx does not have the usls-v2-decoder contract/);
      return true;
    });
    const r = await engine.segment(request([concept('red')]));
    assert.equal(r.instances.length, 2);
  });

  test('a graph file whose size and sha256 match the manifest but that is not ONNX is refused with its file name', async () => {
    const junk = new Uint8Array(4096).map((_, i) => (i * 7919) % 251);
    const manifest = JSON.parse(readFileSync(join(DEMO_PACK_DIR, 'manifest.json'), 'utf8'));
    const sha256 = createHash('sha256').update(junk).digest('hex');
    manifest.graphs.text.file = { path: 'text.onnx', size: junk.byteLength, sha256 };
    const source = packFilesSource(DEMO_PACK_DIR, {
      'text.onnx': junk,
      'manifest.json': new TextEncoder().encode(JSON.stringify(manifest)),
    });
    await assert.rejects(engine.openPack(source), (err: { code: string; message: string; detail?: string }) => {
      assert.equal(err.code, 'pack-contract');
      assert.match(err.message, /^text\.onnx \(the text graph\) could not be opened by onnxruntime/);
      assert.ok(err.detail && err.detail.length > 0, 'onnxruntime’s own message is kept as the detail');
      return true;
    });
    const r = await engine.segment(request([concept('red')]));
    assert.equal(r.instances.length, 2, 'the demo pack keeps working');
  });

  test('a truncated graph file is refused with its name and sizes', async () => {
    const vision = new Uint8Array(readFileSync(join(DEMO_PACK_DIR, 'vision.onnx')));
    const source = packFilesSource(DEMO_PACK_DIR, { 'vision.onnx': vision.slice(0, vision.length >> 1) });
    await assert.rejects(engine.openPack(source), (err: { code: string; message: string }) => {
      assert.equal(err.code, 'integrity');
      assert.match(err.message, /vision\.onnx/);
      return true;
    });
  });
});
