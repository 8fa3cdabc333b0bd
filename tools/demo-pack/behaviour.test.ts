import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { Tokenizer } from '@huggingface/tokenizers';
import { randomScene, renderScene, SHAPES_SAMPLE, type Scene, type SceneSpec } from '../scenes/scene.ts';
import { buildPack } from './pack.ts';
import { PALETTE } from '../scenes/palette.ts';
import { buildTokenizerJson } from './tokenizer.ts';
import {
  detect,
  encodeImage,
  encodeText,
  iou,
  loadSessions,
  type BoxPrompt,
  type DetectorResult,
  type Sessions,
} from './testUtil.ts';

let s: Sessions;
const tok = new Tokenizer(buildTokenizerJson() as never, {} as never);

before(async () => {
  s = await loadSessions(buildPack());
});

async function run(scene: Scene, text: string, boxes: BoxPrompt[] = []): Promise<DetectorResult> {
  return detect(s, scene, await encodeImage(s, scene), await encodeText(s, tok.encode(text).ids), boxes);
}

/** Every shape of `colour` is found once, with mask IoU ≥ 0.95 and a box within 2 px; nothing else is found. */
function assertMatches(scene: Scene, r: DetectorResult, colour: string, label: string): void {
  const gts = scene.shapes.filter((g) => g.colour === colour);
  assert.equal(r.detections.length, gts.length, `${label}: ${colour} count`);
  for (const gt of gts) {
    const d = r.detections.find((x) => iou(x.mask, gt.mask) > 0.5);
    assert.ok(d, `${label}: ${colour} shape at ${gt.box} not found`);
    assert.ok(iou(d.mask, gt.mask) >= 0.95, `${label}: ${colour} IoU ${iou(d.mask, gt.mask).toFixed(3)}`);
    d.box.forEach((v, i) => assert.ok(Math.abs(v - gt.box[i]) <= 2, `${label}: box ${d.box} vs ${gt.box}`));
  }
}

test('shapes sample: red ×2, green, blue, yellow found exactly; purple and unknown words find nothing', async () => {
  const scene = renderScene(SHAPES_SAMPLE);
  for (const colour of ['red', 'green', 'blue', 'yellow'])
    assertMatches(scene, await run(scene, colour), colour, 'shapes');
  for (const text of ['purple', 'dog', 'a school bus', '']) {
    const r = await run(scene, text);
    assert.equal(r.detections.length, 0, text);
    assert.ok(r.presence < 0, `${text}: presence ${r.presence}`);
  }
  const red = await run(scene, 'red');
  assert.ok(red.presence > 4);
  assert.ok(red.detections[0].box[1] <= red.detections[1].box[1], 'queries are in raster order of the first cell');
});

test('phrases: "Red  Square" and "GREY" work; two colour words give the union', async () => {
  const scene = renderScene(SHAPES_SAMPLE);
  assertMatches(scene, await run(scene, 'Red  Square'), 'red', 'phrase');
  const both = await run(scene, 'red and blue');
  assert.equal(both.detections.length, 3);
  const grey: SceneSpec = {
    width: 480,
    height: 360,
    background: 'white',
    shapes: [{ kind: 'rect', colour: 'gray', x0: 40, y0: 40, x1: 200, y1: 160 }],
  };
  const gs = renderScene(grey);
  for (const w of ['gray', 'GREY']) assertMatches(gs, await run(gs, w), 'gray', w);
});

const seeds = [3, 11, 29];
for (const seed of seeds) {
  test(`random noisy scene #${seed}: every colour present is segmented (IoU ≥ 0.95, boxes ±2 px)`, async () => {
    const colours = ['red', 'green', 'blue', 'yellow', 'orange', 'purple', 'black', 'cyan'];
    const size: [number, number] = seed === 11 ? [800, 600] : [640, 480];
    const spec = randomScene(seed, size[0], size[1], 7, colours, { minSize: 48, maxSize: 140, gap: 18, noise: 12 });
    const scene = renderScene(spec);
    const vision = await encodeImage(s, scene);
    for (const colour of new Set(scene.shapes.map((x) => x.colour))) {
      const r = await detect(s, scene, vision, await encodeText(s, tok.encode(colour).ids));
      assertMatches(scene, r, colour, `seed ${seed}`);
    }
  });
}

const twoRed: SceneSpec = {
  width: 640,
  height: 480,
  background: 'white',
  shapes: [
    { kind: 'rect', colour: 'red', x0: 60, y0: 80, x1: 200, y1: 220 },
    { kind: 'rect', colour: 'red', x0: 380, y0: 240, x1: 560, y1: 400 },
    { kind: 'circle', colour: 'green', cx: 480, cy: 120, r: 60 },
    { kind: 'rect', colour: 'green', x0: 80, y0: 300, x1: 180, y1: 420 },
    { kind: 'rect', colour: 'green', x0: 260, y0: 60, x1: 330, y1: 160 },
    { kind: 'rect', colour: 'blue', x0: 250, y0: 250, x1: 330, y1: 420 },
  ],
};

test('a negative box on one of two red squares removes exactly that one; padding boxes are ignored', async () => {
  const scene = renderScene(twoRed);
  const [a, b] = scene.shapes;
  const neg = await run(scene, 'red', [
    { box: [b.box[0] - 10, b.box[1] - 10, b.box[2] + 10, b.box[3] + 10], label: 0 },
  ]);
  assert.equal(neg.detections.length, 1);
  assert.ok(iou(neg.detections[0].mask, a.mask) >= 0.95);
  // A negative box over only a third of the square does not remove it.
  const part = await run(scene, 'red', [{ box: [b.box[0], b.box[1], b.box[0] + 50, b.box[3]], label: 0 }]);
  assert.equal(part.detections.length, 2);
  // Label −10 slots are padding, whatever their box.
  const padded = await run(scene, 'red', [
    { box: b.box, label: -10 },
    { box: [0, 0, 0, 0], label: -10 },
  ]);
  assert.equal(padded.detections.length, 2);
});

test('a positive box on a green square with "visual" finds every green region (not the background)', async () => {
  const scene = renderScene(twoRed);
  const greenRect = scene.shapes[3];
  const [x0, y0, x1, y1] = greenRect.box;
  const r = await run(scene, 'visual', [{ box: [x0 - 6, y0 - 6, x1 + 6, y1 + 6], label: 1 }]);
  assertMatches(scene, r, 'green', 'exemplar');
  const nothing = await run(scene, 'visual');
  assert.equal(nothing.detections.length, 0);
  // A positive box on the plain background selects the background colour (white), documented behaviour.
  const bg = await run(scene, 'visual', [{ box: [590, 420, 630, 470], label: 1 }]);
  assert.ok(bg.presence > 0);
});

test('scores: area/(area+16) on the 64² grid, so specks score < 0.5; unused queries are empty', async () => {
  const spec: SceneSpec = {
    width: 448,
    height: 448,
    background: 'white',
    shapes: [
      { kind: 'rect', colour: 'blue', x0: 14, y0: 14, x1: 28, y1: 28 }, // 2×2 cells
      { kind: 'rect', colour: 'blue', x0: 196, y0: 196, x1: 252, y1: 252 }, // 8×8 cells
    ],
  };
  const scene = renderScene(spec);
  const vision = await encodeImage(s, scene);
  const r = await detect(s, scene, vision, await encodeText(s, tok.encode('blue').ids), [], 0);
  const used = Array.from(r.logits).filter((l) => l > -10);
  assert.deepEqual(
    used.map((l) => Math.round(Math.exp(l) * 16)),
    [4, 64],
  );
  const probs = used.map((l) => 1 / (1 + Math.exp(-l)));
  assert.ok(probs[0] < 0.5 && probs[1] > 0.75);
  assert.equal(r.detections.filter((d) => d.score > 0.5).length, 1);
  assert.ok(
    Array.from(r.logits)
      .slice(2)
      .every((l) => l === -10),
  );
  assert.equal(PALETTE.length, 12);
});
