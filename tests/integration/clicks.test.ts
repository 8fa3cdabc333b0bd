/**
 * Click refinement on the demo pack (issue 3): a click refines an instance through the tracker's prompt decoder
 * and keeps its ID; a click elsewhere creates a new object; candidates are ranked by predicted IoU; a click runs
 * only the prompt decoder.
 */
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { demoEngine } from '../helpers/demoPackEngine';
import { buildPack } from '../../tools/demo-pack/pack';
import { createEngine } from '../../workers/engine/engine';
import { createNodeRuntime } from '../../workers/ort/nodeRuntime';
import { MemoryByteStore } from '../../workers/packs/byteStore';
import { renderScene, SHAPES_SAMPLE, type Scene } from '../../tools/scenes/scene';
import { decodeMaskToFrame } from '../../workers/core/rle';
import { maskIou } from '../../workers/core/masks';
import type { Engine } from '../../workers/engine/engine';
import type { ConceptPrompt, ObjectPrompt, SegmentRequest } from '../../workers/protocol/prompts';
import type { InstanceResult } from '../../workers/protocol/results';

let engine: Engine;
let scene: Scene;
let imageId: string;
const red: ConceptPrompt = { id: 'red', phrase: 'red', boxes: [] };
const req = (concepts: ConceptPrompt[], objects: ObjectPrompt[] = []): SegmentRequest => ({
  imageId,
  concepts,
  objects,
  scoreThreshold: 0.5,
});
const centre = (b: number[]): [number, number] => [(b[0] + b[2]) / 2, (b[1] + b[3]) / 2];
const iouWith = (inst: InstanceResult, shape: Scene['shapes'][number]) =>
  maskIou(decodeMaskToFrame(inst.mask), shape.mask);

describe('clicks on the demo pack', () => {
  before(async () => {
    engine = await demoEngine();
    scene = renderScene(SHAPES_SAMPLE);
    imageId = (await engine.openImage({ kind: 'rgba', name: 's.png', image: { ...scene } })).imageId;
  });

  test('a click refines an instance, keeps its ID, and runs only the prompt decoder', async () => {
    const first = await engine.segment(req([red]));
    assert.equal(first.instances.length, 2);
    const second = first.instances[1];
    const square = scene.shapes.filter((s) => s.colour === 'red')[1];
    const click: ObjectPrompt = {
      id: 'o1',
      points: [{ id: 'p1', xyPx: centre(square.box), polarity: 'positive' }],
      candidate: 0,
      refines: { conceptId: second.conceptId, query: second.query },
    };
    const r = await engine.segment(req([red], [click]));
    assert.equal(r.instances.length, 2);
    const refined = r.instances.find((i) => i.objectId === 'o1')!;
    assert.equal(refined.instanceId, second.instanceId);
    assert.equal(refined.source, 'object');
    assert.ok(iouWith(refined, square) >= 0.95, `refined mask IoU ${iouWith(refined, square)}`);
    assert.deepEqual(r.graphRuns, { vision: 0, text: 0, detector: 0, tracker: 1, trackerVision: 0, memory: 0 });
    // Candidates: best first by predicted IoU, and each differs.
    assert.equal(refined.candidates!.selected, 0);
    const ious = refined.candidates!.iou;
    assert.deepEqual(
      [...ious].sort((a, b) => b - a),
      ious,
    );
    const other = await engine.segment(req([red], [{ ...click, candidate: 1 }]));
    const alt = other.instances.find((i) => i.objectId === 'o1')!;
    assert.equal(alt.instanceId, second.instanceId);
    assert.notDeepEqual(alt.mask.counts, refined.mask.counts);
    assert.deepEqual(other.graphRuns, { vision: 0, text: 0, detector: 0, tracker: 0, trackerVision: 0, memory: 0 });
  });

  test('a click where there is no instance creates a new object after the detector instances', async () => {
    const circle = scene.shapes.find((s) => s.colour === 'green')!;
    const click: ObjectPrompt = {
      id: 'o2',
      points: [{ id: 'p2', xyPx: centre(circle.box), polarity: 'positive' }],
      candidate: 0,
    };
    const r = await engine.segment(req([red], [click]));
    assert.equal(r.instances.length, 3);
    const obj = r.instances[2];
    assert.equal(obj.instanceId, 3);
    assert.equal(obj.objectId, 'o2');
    assert.equal(obj.conceptIndex, -1);
    assert.ok(iouWith(obj, circle) >= 0.95);
    const coco = await engine.exportCoco({ imageId, request: req([red], [click]) });
    assert.deepEqual(
      coco.categories.map((c) => c.name),
      ['red', 'object'],
    );
    assert.deepEqual(
      coco.annotations.map((a) => [a.id, a.category_id]),
      [
        [1, 1],
        [2, 1],
        [3, 2],
      ],
    );
  });

  test('a negative point cuts its region out of the object', async () => {
    const [a, b] = scene.shapes.filter((s) => s.colour === 'red');
    const both: ObjectPrompt = {
      id: 'o3',
      points: [
        { id: 'p1', xyPx: centre(a.box), polarity: 'positive' },
        { id: 'p2', xyPx: centre(b.box), polarity: 'positive' },
      ],
      candidate: 0,
    };
    const union = (await engine.segment(req([], [both]))).instances[0];
    assert.ok(union.areaPx > a.area + b.area * 0.9);
    const cut: ObjectPrompt = {
      ...both,
      points: [...both.points, { id: 'p3', xyPx: [centre(b.box)[0] + 5, centre(b.box)[1]], polarity: 'negative' }],
    };
    const only = (await engine.segment(req([], [cut]))).instances[0];
    assert.ok(iouWith(only, a) >= 0.95, `IoU with the first square ${iouWith(only, a)}`);
  });
});

describe('a click that finds nothing', () => {
  test('is reported as empty and never listed, labelled or exported as a 0 px object', async () => {
    const plain = {
      id: 'o4',
      points: [{ id: 'p4', xyPx: [620, 20] as [number, number], polarity: 'positive' as const }],
      candidate: 0,
    };
    const r = await engine.segment(req([red], [plain]));
    assert.deepEqual(r.emptyObjects, ['o4']);
    assert.equal(r.instances.length, 2);
    assert.ok(r.instances.every((i) => i.objectId === undefined && i.areaPx > 0));
    const coco = await engine.exportCoco({ imageId, request: req([red], [plain]) });
    assert.equal(coco.annotations.length, 2);
    assert.ok(!coco.categories.some((c) => c.name === 'object'));
  });
});

describe('a pack with a separate tracker encoder', () => {
  test('the tracker encoder runs only on the first click on an image, then is cached', async () => {
    const files = buildPack('split');
    const split = createEngine({ createRuntime: () => createNodeRuntime(), store: new MemoryByteStore() });
    await split.init();
    const info = await split.openPack({
      kind: 'files',
      files: Object.entries(files).map(([path, bytes]) => ({
        path,
        data: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer,
      })),
    });
    assert.deepEqual(
      info.graphs.map((g) => g.role),
      ['vision', 'text', 'detector', 'tracker', 'trackerVision'],
    );
    const local = renderScene(SHAPES_SAMPLE);
    const id = (await split.openImage({ kind: 'rgba', name: 's.png', image: { ...local } })).imageId;
    const square = local.shapes.filter((s) => s.colour === 'red')[0];
    const click = (x: number): ObjectPrompt => ({
      id: 'o',
      points: [{ id: 'p', xyPx: [x, centre(square.box)[1]], polarity: 'positive' }],
      candidate: 0,
    });
    const first = await split.segment({ imageId: id, concepts: [red], objects: [click(100)], scoreThreshold: 0.5 });
    assert.equal(first.graphRuns.trackerVision, 1);
    assert.equal(first.graphRuns.tracker, 1);
    const second = await split.segment({ imageId: id, concepts: [red], objects: [click(110)], scoreThreshold: 0.5 });
    assert.deepEqual([second.graphRuns.vision, second.graphRuns.trackerVision, second.graphRuns.tracker], [0, 0, 1]);
    assert.ok(
      iouWith(
        second.instances.find((i) => i.objectId === 'o')!,
        square,
      ) >= 0.95,
    );
  });
});
