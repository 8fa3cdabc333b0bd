import { test } from 'node:test';
import assert from 'node:assert/strict';
import { maskNms } from './nms';

const m = (bits: string): Uint8Array => new Uint8Array(Array.from(bits, Number));

test('greedy suppression by score', () => {
  const items = [
    { score: 0.6, mask: m('11110000') }, // 0
    { score: 0.9, mask: m('11100000') }, // 1: IoU with 0 = 3/4
    { score: 0.8, mask: m('00001111') }, // 2: disjoint from both
    { score: 0.7, mask: m('00000111') }, // 3: IoU with 2 = 3/4
  ];
  // Order 1, 2, 3, 0: keep 1; keep 2; 3 vs 2 = 0.75 > 0.5 → drop; 0 vs 1 = 0.75 → drop.
  assert.deepEqual(maskNms(items, 0.5), [1, 2]);
  // Threshold 0.75: IoU equal to the threshold is not suppressed.
  assert.deepEqual(maskNms(items, 0.75), [1, 2, 3, 0]);
});

test('suppressed items do not suppress others', () => {
  // a (0.9) suppresses b (0.8): IoU 3/5. b would suppress c (IoU 3/5), but b is gone and c vs a is 2/6.
  const items = [
    { score: 0.9, mask: m('1111000') },
    { score: 0.8, mask: m('0111100') },
    { score: 0.7, mask: m('0011110') },
  ];
  assert.deepEqual(maskNms(items, 0.5), [0, 2]);
});

test('ties keep the lower index first; empty input', () => {
  const same = m('1100');
  assert.deepEqual(
    maskNms(
      [
        { score: 0.5, mask: same },
        { score: 0.5, mask: same },
      ],
      0.1,
    ),
    [0],
  );
  assert.deepEqual(maskNms([], 0.1), []);
});
