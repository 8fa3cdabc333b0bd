import { test } from 'node:test';
import assert from 'node:assert/strict';
import { keptQueries, queryBoxXyxyPx, scoreQueries, sigmoid } from './postprocess';

const close = (a: number, b: number, tol = 1e-6): void => assert.ok(Math.abs(a - b) <= tol, `${a} vs ${b}`);

test('sigmoid: known values and no overflow', () => {
  assert.equal(sigmoid(0), 0.5);
  close(sigmoid(Math.log(3)), 0.75, 1e-12); // 1/(1 + 1/3)
  close(sigmoid(-Math.log(3)), 0.25, 1e-12);
  assert.equal(sigmoid(1000), 1);
  assert.equal(sigmoid(-1000), 0);
  assert.ok(Number.isFinite(sigmoid(-800)));
});

test('scoreQueries multiplies by σ(presence)', () => {
  const logits = new Float32Array([0, Math.log(3), -Math.log(3)]);
  const s = scoreQueries(logits, Math.log(3)); // σ(presence) = 0.75
  close(s[0], 0.375);
  close(s[1], 0.5625);
  close(s[2], 0.1875);
});

test('scoreQueries without presence is σ(logit)', () => {
  const s = scoreQueries(new Float32Array([0, Math.log(3)]), null);
  close(s[0], 0.5);
  close(s[1], 0.75);
});

test('keptQueries: strict threshold, descending score, ties by index', () => {
  const scores = new Float32Array([0.5, 0.9, 0.2, 0.7, 0.9, 0.50001]);
  assert.deepEqual(keptQueries(scores, 0.5), [1, 4, 3, 5]);
  assert.deepEqual(keptQueries(scores, 0.95), []);
});

test('queryBoxXyxyPx: xyxy layout scaled and clipped', () => {
  const boxes = new Float32Array([0, 0, 1, 1, 0.25, 0.5, 1.5, 0.75]);
  assert.deepEqual(queryBoxXyxyPx(boxes, 1, 'xyxy-norm', 200, 100), [50, 50, 200, 75]);
  assert.deepEqual(queryBoxXyxyPx(boxes, 0, 'xyxy-norm', 200, 100), [0, 0, 200, 100]);
});

test('queryBoxXyxyPx: cxcywh layout converted then scaled and clipped', () => {
  // cx 0.5, cy 0.5, w 0.5, h 0.25 → xyxy (0.25, 0.375, 0.75, 0.625) → × (400, 800) = (100, 300, 300, 500).
  // Second box cx 0.875, w 0.5 → x from 0.625 to 1.125 → (250, 450) clipped at 400; y 0.25..0.75 → 200..600.
  const boxes = new Float32Array([0.5, 0.5, 0.5, 0.25, 0.875, 0.5, 0.5, 0.5]);
  assert.deepEqual(queryBoxXyxyPx(boxes, 0, 'cxcywh-norm', 400, 800), [100, 300, 300, 500]);
  assert.deepEqual(queryBoxXyxyPx(boxes, 1, 'cxcywh-norm', 400, 800), [250, 200, 400, 600]);
  assert.throws(() => queryBoxXyxyPx(boxes, 2, 'cxcywh-norm', 400, 800), RangeError);
});
