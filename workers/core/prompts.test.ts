import { test } from 'node:test';
import assert from 'node:assert/strict';
import { candidateAt, scalePointsToInput } from './prompts';

test('points and boxes scale from original pixels to the input frame per axis', () => {
  // 640×480 image, 448 input: sx = 0.7, sy = 448/480.
  const s = scalePointsToInput(
    [
      { xyPx: [100, 240], positive: true },
      { xyPx: [640, 0], positive: false },
    ],
    [60, 60, 170, 170],
    640,
    480,
    448,
  );
  assert.deepEqual(
    Array.from(s.points),
    [70, 224, 448, 0].map((v) => Math.fround(v)),
  );
  assert.deepEqual(s.labels, [1, 0]);
  const sy = 448 / 480;
  assert.deepEqual(
    Array.from(s.box!),
    [42, 60 * sy, 119, 170 * sy].map((v) => Math.fround(v)),
  );
});

test('no box and no points give empty arrays, never a padding point', () => {
  const s = scalePointsToInput([], undefined, 100, 100, 1008);
  assert.equal(s.points.length, 0);
  assert.deepEqual(s.labels, []);
  assert.equal(s.box, null);
});

test('candidate selection counts from the best predicted IoU and wraps', () => {
  const order = [1, 0, 2]; // iou e.g. [0.6, 0.9, 0.4]
  assert.equal(candidateAt(order, 0), 1);
  assert.equal(candidateAt(order, 1), 0);
  assert.equal(candidateAt(order, 2), 2);
  assert.equal(candidateAt(order, 3), 1);
  assert.equal(candidateAt(order, -1), 2);
});
