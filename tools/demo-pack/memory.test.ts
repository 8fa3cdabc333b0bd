import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { parseMemoryConstants } from '../../workers/adapters/memoryAdapter.ts';
import { renderScene, squareShape, type Scene, type ShapeSpec } from '../scenes/scene.ts';
import { MEMORY_COLOUR_CHANNEL, MEMORY_DIM, MEMORY_MASK_CHANNEL, NUM_MASKMEM, TOKENS } from './memoryGraphs.ts';
import { buildPack } from './pack.ts';
import { paletteIndex } from '../scenes/palette.ts';
import {
  encodeImage,
  iou,
  loadMemorySessions,
  loadSessions,
  memoryAttend,
  memoryDecode,
  memoryEncode,
  track,
  upsampleMask,
  type MemorySessions,
  type Sessions,
  type Vision,
} from './testUtil.ts';
import { FEAT_DIM, GRID0 } from './visionGraph.ts';

const files = buildPack();
let s: Sessions;
let m: MemorySessions;

before(async () => {
  s = await loadSessions(files);
  m = await loadMemorySessions(files);
});

const S = 448;
const scene = (shapes: ShapeSpec[]): Scene => renderScene({ width: S, height: S, background: [236, 236, 236], shapes });
const square = (x: number, y: number, colour = 'red', size = 56): ShapeSpec => squareShape(x, y, size, colour);
const area = (mask: Uint8Array) => mask.reduce((a, v) => a + v, 0);
const maskOf = (logits: Float32Array) => upsampleMask(logits, 0, GRID0, S, S);
const raw2 = (v: Vision) => Float32Array.from(v['image_embeddings.2'].data as Float32Array);
const PAD: [number, number, number][] = [[0, 0, -1]];
const RED = paletteIndex('red');

/** Conditioning: the decoder with a positive point on raw features, then the memory of its mask (from points). */
async function condition(v: Vision, x: number, y: number) {
  const d = await memoryDecode(m, v, raw2(v), [[x, y, 1]]);
  const memory = await memoryEncode(m, v, d.logits, true);
  return { d, memory };
}

test('constants.json parses with the engine parser: [7][64] temporal rows, zero no_memory_embedding, 64×256 proj', () => {
  const c = parseMemoryConstants(files['constants.json']);
  assert.equal(c.temporalEncoding.length, NUM_MASKMEM);
  assert.ok(c.temporalEncoding.every((r) => r.length === MEMORY_DIM));
  assert.equal(c.noMemoryEmbedding.length, FEAT_DIM);
  assert.ok(c.noMemoryEmbedding.every((x) => x === 0));
  assert.equal(c.pointerTposProj?.weight.length, MEMORY_DIM);
  assert.equal(c.pointerTposProj?.bias.length, MEMORY_DIM);
});

test('memory encoder: channel 0 = mask fraction per token, 1..12 = fraction × palette fractions; pts binarize', async () => {
  const sc = scene([square(112, 112)]); // exactly tokens 8..11 × 8..11
  const v = await encodeImage(s, sc);
  const logits = new Float32Array(GRID0 * GRID0).fill(-10);
  for (let y = 32; y < 48; y++) for (let x = 32; x < 48; x++) logits[y * GRID0 + x] = 10;
  const hard = await memoryEncode(m, v, logits, true);
  const soft = await memoryEncode(m, v, logits, false);
  assert.equal(hard.tokens.length, TOKENS * MEMORY_DIM);
  const at = (t: Float32Array, row: number, col: number, ch: number) => t[(row * 32 + col) * MEMORY_DIM + ch];
  assert.ok(Math.abs(at(hard.tokens, 9, 9, 0) - 1) < 1e-6);
  assert.ok(Math.abs(at(hard.tokens, 9, 9, 1 + RED) - 1) < 1e-6);
  assert.equal(at(hard.tokens, 2, 2, 0), 0);
  assert.ok(at(soft.tokens, 9, 9, 0) > 0.99 && at(soft.tokens, 9, 9, 0) < 1);
  assert.ok(at(soft.tokens, 2, 2, 0) > 0 && at(soft.tokens, 2, 2, 0) < 1e-4, 'sigmoid(−10) background');
  for (let ch = 13; ch < MEMORY_DIM; ch++) assert.equal(at(hard.tokens, 9, 9, ch), 0);
  // The position encoding is constant and the same for both.
  assert.deepEqual(hard.pos, soft.pos);
  assert.ok(hard.pos.some((x) => x !== 0));
});

test('memory attention: dynamic S (1, 3, 7 blocks) and P; the LAST block is written into channels 200..212', async () => {
  const sc = scene([square(112, 112), square(300, 300, 'blue')]);
  const v = await encodeImage(s, sc);
  const { memory: red } = await condition(v, 140, 140);
  const { memory: blue } = await condition(v, 328, 328);
  const empty = await memoryEncode(m, v, new Float32Array(GRID0 * GRID0).fill(-10), false);
  const raw = raw2(v);
  const T = TOKENS;
  for (const [blocks, P, want] of [
    [[red.tokens], 4, 'red'],
    [[blue.tokens, empty.tokens, red.tokens], 8, 'red'],
    [[red.tokens, red.tokens, red.tokens, red.tokens, red.tokens, red.tokens, blue.tokens], 64, 'blue'],
    [[red.tokens, empty.tokens], 12, 'none'],
  ] as const) {
    const f = await memoryAttend(m, v, [...blocks], P);
    for (let ch = 0; ch < FEAT_DIM; ch++) {
      if (ch >= MEMORY_MASK_CHANNEL && ch < MEMORY_COLOUR_CHANNEL + 12) continue;
      for (let t = 0; t < T; t += 37) assert.equal(f[ch * T + t], raw[ch * T + t], `copied ch ${ch}`);
    }
    const mask = f.subarray(MEMORY_MASK_CHANNEL * T, (MEMORY_MASK_CHANNEL + 1) * T);
    const colour = Array.from({ length: 12 }, (_, k) => f[(MEMORY_COLOUR_CHANNEL + k) * T + 500]);
    if (want === 'none') {
      assert.ok(mask.every((x) => x === 0));
      assert.ok(colour.every((x) => x === 0));
      continue;
    }
    const cls = paletteIndex(want);
    assert.ok(colour[cls] > 0.8, `${blocks.length} blocks: colour ${colour}`);
    assert.ok(Math.abs(colour.reduce((a, b) => a + b, 0) - 1) < 1e-5);
    const centre = want === 'red' ? 9 * 32 + 9 : 22 * 32 + 22;
    assert.ok(mask[centre] > 0.99, `${blocks.length} blocks: mask at the ${want} square`);
    assert.equal(mask[2 * 32 + 2], 0);
  }
});

test('conditioning decode: a positive point equals the tracker exact candidate; box corners (2, 3) = the tracker box', async () => {
  const sc = scene([square(60, 60), square(250, 80), square(100, 300, 'green', 80), square(300, 300, 'blue')]);
  const v = await encodeImage(s, sc);
  const plane = GRID0 * GRID0;
  const cases: { pts: [number, number, number][]; box?: [number, number, number, number] }[] = [
    { pts: [[80, 80, 1]] },
    {
      pts: [
        [80, 80, 1],
        [270, 100, 1],
        [262, 92, 0],
      ],
    },
    { pts: [[5, 5, 1]] }, // background: nothing
    { pts: [], box: [90, 290, 190, 390] },
    { pts: [[330, 330, 1]], box: [90, 290, 190, 390] },
  ];
  for (const c of cases) {
    const corners: [number, number, number][] = c.box
      ? [
          [c.box[0], c.box[1], 2],
          [c.box[2], c.box[3], 3],
        ]
      : [];
    const d = await memoryDecode(m, v, raw2(v), [...c.pts, ...corners]);
    const [t] = await track(s, sc, v, [{ points: c.pts, ...(c.box ? { box: c.box } : {}) }]);
    assert.deepEqual(d.logits, t.logits.slice(plane, 2 * plane), JSON.stringify(c));
    assert.equal(d.objectScore, t.objectScore);
    assert.equal(d.iou, t.iouScores[1]);
  }
  const [first] = await track(s, sc, v, [{ points: [[80, 80, 1]] }]);
  assert.ok(iou(first.masks[1], sc.shapes[0].mask) >= 0.95);
});

test('tracked decode (padding point only) follows a moved square, not a same-colour square 150 px away', async () => {
  const before = scene([square(100, 100)]);
  const vb = await encodeImage(s, before);
  const { d: cond, memory } = await condition(vb, 128, 128);
  assert.ok(iou(maskOf(cond.logits), before.shapes[0].mask) >= 0.95);
  for (const [dx, dy] of [
    [20, 0],
    [0, 20],
    [-14, 14],
  ]) {
    // The square moved by 20 px; another red square of the same size sits 150 px to the right of its old place.
    const after = scene([square(100 + dx, 100 + dy), square(250 + 56, 100)]);
    const va = await encodeImage(s, after);
    const conditioned = await memoryAttend(m, va, [memory.tokens]);
    const d = await memoryDecode(m, va, conditioned, PAD);
    const mask = maskOf(d.logits);
    assert.ok(iou(mask, after.shapes[0].mask) >= 0.95, `moved ${dx},${dy}: IoU ${iou(mask, after.shapes[0].mask)}`);
    assert.equal(iou(mask, after.shapes[1].mask), 0);
    assert.equal(d.objectScore, 10);
    assert.equal(d.iou, Math.fround(0.9));
    const high = upsampleMask(d.high, 0, S, S, S);
    assert.ok(iou(high, after.shapes[0].mask) >= 0.95, 'high_res_masks');
    // The pointer: [class shares (12), centroid x, y, area, 0…].
    assert.ok(d.pointer[RED] > 0.99);
    assert.ok(Math.abs(d.pointer[12] - (128 + dx) / S) < 0.02, `centroid x ${d.pointer[12]}`);
    assert.ok(Math.abs(d.pointer[13] - (128 + dy) / S) < 0.02, `centroid y ${d.pointer[13]}`);
    assert.ok(d.pointer.subarray(15).every((x) => x === 0));
  }
  // Both squares near the remembered place: the one overlapping the blurred memory most (the nearer) wins.
  const two = scene([square(100, 130), square(30, 200)]);
  const v2 = await encodeImage(s, two);
  const d2 = await memoryDecode(m, v2, await memoryAttend(m, v2, [memory.tokens]), PAD);
  assert.ok(iou(maskOf(d2.logits), two.shapes[0].mask) >= 0.95);
});

test('tracked decode: absent colour, a far-away-only object or an empty memory → empty mask, object score −10', async () => {
  const before = scene([square(100, 100)]);
  const vb = await encodeImage(s, before);
  const { memory } = await condition(vb, 128, 128);
  const empty = await memoryEncode(m, vb, new Float32Array(GRID0 * GRID0).fill(-10), false);
  const cases: [string, ShapeSpec[], Float32Array][] = [
    ['only a green square at the same place', [square(100, 100, 'green')], memory.tokens],
    ['only a red square 150 px away', [square(306, 100)], memory.tokens],
    ['only a red square far below', [square(100, 320)], memory.tokens],
    ['the square is back but the memory is empty', [square(100, 100)], empty.tokens],
    ['nothing at all', [], memory.tokens],
  ];
  for (const [what, shapes, tokens] of cases) {
    const v = await encodeImage(s, scene(shapes));
    const d = await memoryDecode(m, v, await memoryAttend(m, v, [tokens]), PAD);
    assert.equal(d.objectScore, -10, what);
    assert.equal(d.iou, 0, what);
    assert.ok(
      d.logits.every((x) => x === -10),
      what,
    );
    assert.ok(
      d.pointer.every((x) => x === 0),
      what,
    );
    assert.equal(area(maskOf(d.logits)), 0, what);
  }
});

test('a tracking loop (memory of the previous frame each time) follows a square across the frame', async () => {
  // 12 frames, 14 px per frame to the right; a same-colour distractor on another row and a blue one nearby.
  const at = (t: number) => [square(20 + 14 * t, 60), square(300 - 10 * t, 300), square(40 + 14 * t, 180, 'blue')];
  let v = await encodeImage(s, scene(at(0)));
  const { memory } = await condition(v, 48, 88);
  const bank = [memory.tokens];
  for (let t = 1; t < 12; t++) {
    const sc = scene(at(t));
    v = await encodeImage(s, sc);
    const d = await memoryDecode(m, v, await memoryAttend(m, v, bank.slice(-NUM_MASKMEM)), PAD);
    assert.ok(iou(maskOf(d.logits), sc.shapes[0].mask) >= 0.95, `frame ${t}`);
    bank.push((await memoryEncode(m, v, d.logits, false)).tokens);
  }
});
