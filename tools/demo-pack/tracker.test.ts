import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { renderScene, SHAPES_SAMPLE, type SceneSpec } from '../scenes/scene.ts';
import { buildPack } from './pack.ts';
import { CANDIDATE_IOU } from './trackerGraph.ts';
import { encodeImage, iou, loadSessions, track, type Sessions, type Vision } from './testUtil.ts';

let s: Sessions;
const shapes = renderScene(SHAPES_SAMPLE);
let vision: Vision;

before(async () => {
  s = await loadSessions(buildPack());
  vision = await encodeImage(s, shapes);
});

const area = (m: Uint8Array) => m.reduce((a, v) => a + v, 0);
const centre = (b: [number, number, number, number]): [number, number] => [(b[0] + b[2]) / 2, (b[1] + b[3]) / 2];

test('a positive point inside a red square selects that square only (exact candidate IoU ≥ 0.95)', async () => {
  const [redA, redB] = shapes.shapes;
  const [r] = await track(s, shapes, vision, [{ points: [[...centre(redA.box), 1]] }]);
  assert.ok(iou(r.masks[1], redA.mask) >= 0.95, `IoU ${iou(r.masks[1], redA.mask)}`);
  assert.ok(iou(r.masks[1], redB.mask) === 0);
  assert.equal(r.objectScore, 10);
  assert.deepEqual(
    r.iouScores.map((v) => Math.round(v * 100) / 100),
    [...CANDIDATE_IOU],
  );
  // The best by predicted IoU is the exact one (index 1), and the three candidates differ: shrunk ⊂ exact ⊂ grown.
  assert.equal(r.iouScores.indexOf(Math.max(...r.iouScores)), 1);
  const [sh, ex, gr] = r.masks.map(area);
  assert.ok(sh < ex * 0.95 && gr > ex * 1.05, `${sh} ${ex} ${gr}`);
  assert.ok(iou(r.masks[0], redA.mask) < iou(r.masks[1], redA.mask));
  assert.ok(iou(r.masks[2], redA.mask) < iou(r.masks[1], redA.mask));
});

test('a box around the green circle selects the circle (P = 0)', async () => {
  const green = shapes.shapes[2];
  const [x0, y0, x1, y1] = green.box;
  const [r] = await track(s, shapes, vision, [{ points: [], box: [x0 - 15, y0 - 15, x1 + 15, y1 + 15] }]);
  assert.ok(iou(r.masks[1], green.mask) >= 0.95, `IoU ${iou(r.masks[1], green.mask)}`);
  assert.equal(r.objectScore, 10);
});

test('a box or a point on plain background selects nothing (the background colour is ignored)', async () => {
  const [r, p] = await track(s, shapes, vision, [
    { points: [], box: [580, 400, 630, 470] },
    { points: [[600, 440, 1]], box: [580, 400, 630, 470] },
  ]);
  for (const o of [r, p]) {
    assert.equal(o.objectScore, -10);
    assert.ok(o.masks.every((m) => area(m) === 0));
  }
  // A box mostly on background around a small part of a shape still picks the shape's colour.
  const [corner] = await track(s, shapes, vision, [{ box: [150, 150, 230, 230] }]);
  assert.equal(corner.objectScore, 10);
  const redA = shapes.shapes[0];
  const want = redA.mask.map((v, i) => (v && i % shapes.width >= 150 && Math.floor(i / shapes.width) >= 150 ? 1 : 0));
  assert.ok(iou(corner.masks[1], want) >= 0.8, `IoU ${iou(corner.masks[1], want)}`);
});

test('a box cutting through a shape clips the region to the box', async () => {
  const blue = shapes.shapes[3]; // 80..330 × 280..400
  const [r] = await track(s, shapes, vision, [{ box: [60, 260, 200, 420] }]);
  const want = blue.mask.map((v, i) => (v && i % shapes.width < 200 ? 1 : 0));
  assert.ok(iou(r.masks[1], want) >= 0.95, `IoU ${iou(r.masks[1], want)}`);
});

test('a negative point cuts its region out: two positives on both red squares, one negative → the other', async () => {
  const [redA, redB] = shapes.shapes;
  const both = await track(s, shapes, vision, [
    {
      points: [
        [...centre(redA.box), 1],
        [...centre(redB.box), 1],
      ],
    },
  ]);
  const union = redA.mask.map((v, i) => v | redB.mask[i]);
  assert.ok(iou(both[0].masks[1], union) >= 0.95);
  const cut = await track(s, shapes, vision, [
    {
      points: [
        [...centre(redA.box), 1],
        [...centre(redB.box), 1],
        [redB.box[0] + 20, redB.box[1] + 20, 0],
      ],
    },
  ]);
  assert.ok(iou(cut[0].masks[1], redA.mask) >= 0.95);
  // A negative point on the only selected region leaves nothing.
  const none = await track(s, shapes, vision, [
    {
      points: [
        [...centre(redA.box), 1],
        [redA.box[0] + 10, redA.box[1] + 10, 0],
      ],
    },
  ]);
  assert.equal(none[0].objectScore, -10);
  assert.ok(none[0].masks.every((m) => area(m) === 0));
  assert.deepEqual(none[0].iouScores, [0, 0, 0]);
});

test('several objects at once; padding (−1) and ignore (−10) points; points outside the frame', async () => {
  const [redA, , green, blue] = shapes.shapes;
  const out = await track(s, shapes, vision, [
    { points: [[...centre(redA.box), 1]] },
    {
      points: [
        [...centre(green.box), 1],
        [...centre(blue.box), -10],
        [...centre(blue.box), -1],
      ],
    },
    { points: [[-50, -50, 1]] },
  ]);
  assert.ok(iou(out[0].masks[1], redA.mask) >= 0.95);
  assert.ok(iou(out[1].masks[1], green.mask) >= 0.95);
  assert.equal(out[2].objectScore, -10);
});

test('points and a box together: box region plus positive-point regions minus negative-point regions', async () => {
  const [, , green, , yellow] = shapes.shapes;
  const [x0, y0, x1, y1] = green.box;
  const box: [number, number, number, number] = [x0 - 10, y0 - 10, x1 + 10, y1 + 10];
  const [plus] = await track(s, shapes, vision, [{ points: [[...centre(yellow.box), 1]], box }]);
  const union = green.mask.map((v, i) => v | yellow.mask[i]);
  assert.ok(iou(plus.masks[1], union) >= 0.95, `IoU ${iou(plus.masks[1], union)}`);
  const [cut] = await track(s, shapes, vision, [{ points: [[...centre(green.box), 0]], box }]);
  assert.equal(cut.objectScore, -10);
});

test('touching same-colour shapes merge; a negative point on one removes the merged region', async () => {
  const spec: SceneSpec = {
    width: 448,
    height: 448,
    background: 'white',
    shapes: [
      { kind: 'rect', colour: 'purple', x0: 40, y0: 40, x1: 180, y1: 180 },
      { kind: 'rect', colour: 'purple', x0: 180, y0: 40, x1: 300, y1: 160 },
      { kind: 'rect', colour: 'orange', x0: 300, y0: 260, x1: 400, y1: 400 },
    ],
  };
  const scene = renderScene(spec);
  const v = await encodeImage(s, scene);
  const [a, b] = scene.shapes;
  const [r] = await track(s, scene, v, [{ points: [[100, 100, 1]] }]);
  const union = a.mask.map((x, i) => x | b.mask[i]);
  assert.ok(iou(r.masks[1], union) >= 0.95);
  const [cut] = await track(s, scene, v, [
    {
      points: [
        [100, 100, 1],
        [240, 100, 0],
      ],
    },
  ]);
  assert.equal(cut.objectScore, -10);
});
