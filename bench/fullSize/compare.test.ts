import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeRowMajorRle } from '../../workers/core/rle';
import type { InstanceResult } from '../../workers/protocol/results';
import { iou, matchDetections, matchMasks, summarise } from './compare';

const W = 10;
const H = 10;
function rect(x0: number, y0: number, x1: number, y1: number): Uint8Array {
  const m = new Uint8Array(W * H);
  for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) m[y * W + x] = 1;
  return m;
}
function instance(mask: Uint8Array, score: number, query: number): InstanceResult {
  return {
    instanceId: query + 1,
    conceptId: 'c',
    query,
    score,
    box: [0, 0, W, H],
    area: mask.reduce((a, b) => a + b, 0),
    mask: { width: W, height: H, counts: encodeRowMajorRle(mask, W, H) },
    kind: 'concept',
  } as unknown as InstanceResult;
}

test('matching pairs instances by mask IoU, one to one, best first; F1 counts both sides', () => {
  const a = rect(0, 0, 5, 5);
  const b = rect(5, 5, 10, 10);
  const c = rect(0, 5, 4, 10);
  // Engine: a (slightly shifted) and b; PyTorch: a, b and c (c missed by the engine). Query numbers differ.
  const engine = [instance(rect(0, 0, 5, 4), 0.7, 3), instance(b, 0.9, 8)];
  const torch = {
    scores: new Float32Array([0.72, 0.85, 0.6]),
    kept: [0, 1, 2],
    masks: new Map([
      [0, a],
      [1, b],
      [2, c],
    ]),
  };
  const m = matchDetections(engine, torch);
  assert.equal(m.truePositives, 2);
  assert.deepEqual(
    m.ious.map((x) => Number(x.toFixed(3))),
    [1, 0.8],
  );
  assert.deepEqual(
    m.scoreDiffs.map((x) => Number(x.toFixed(3))),
    [0.05, 0.02],
  );
  const s = summarise({ case: m });
  assert.equal(s.instanceF1, (2 * 2) / (2 + 3));
  assert.equal(s.maskIouMin, 0.8);
});

test('a pair below IoU 0.5 is no match; empty masks on both sides agree', () => {
  const m = matchDetections([instance(rect(0, 0, 2, 2), 0.9, 0)], {
    scores: new Float32Array([0.9]),
    kept: [0],
    masks: new Map([[0, rect(0, 0, 5, 5)]]),
  });
  assert.equal(m.truePositives, 0);
  assert.equal(summarise({ m }).instanceF1, 0);
  assert.equal(iou(new Uint8Array(4), new Uint8Array(4)), 1);
  const none = matchMasks(null, new Uint8Array(W * H));
  assert.equal(none.engineKept + none.torchKept, 0);
  assert.equal(summarise({ none }).instanceF1, 1);
});
