import { test } from 'node:test';
import assert from 'node:assert/strict';
import { OutputDelay } from './outputDelay';
import type { CompactFrame } from './videoModel';
import type { TrackRemovalReason } from '../../workers/protocol';

const mask = { width: 1, height: 1, counts: Uint32Array.from([0, 1]) };

function frame(i: number, objects: [id: number, provisional: boolean][]): CompactFrame {
  return {
    frameIndex: i,
    timestampMs: i * 40,
    width: 1,
    height: 1,
    displayWidth: 1,
    displayHeight: 1,
    detectorRan: true,
    objects: objects.map(([id, provisional]) => ({
      id,
      conceptId: 'c',
      conceptIndex: 0,
      score: 0.9,
      boxXyxyPx: [0, 0, 1, 1],
      areaPx: 1,
      mask,
      ...(provisional ? { provisional: true } : {}),
    })),
  };
}

const ids = (f: CompactFrame) => f.objects.map((o) => o.id);

test('output delay: frames come out `delay` frames late, in order, and all of them after the flush', () => {
  const d = new OutputDelay(3);
  const out: number[] = [];
  for (let i = 0; i < 10; i++) out.push(...d.push(frame(i, [[1, false]])).map((f) => f.frameIndex));
  assert.deepEqual(out, [0, 1, 2, 3, 4, 5, 6]);
  assert.equal(d.pending, 3);
  assert.deepEqual(
    d.flush().map((f) => f.frameIndex),
    [7, 8, 9],
  );
});

test('output delay: a track removed by hotstart within the window is never released; a negative box is not retroactive', () => {
  const d = new OutputDelay(15);
  const released: CompactFrame[] = [];
  // Track 2 is born on frame 3 and removed as unconfirmed on frame 11; track 3 is removed by a negative box on 12.
  for (let i = 0; i < 30; i++) {
    const objects: [number, boolean][] = [[1, i < 15]];
    if (i >= 3 && i < 11) objects.push([2, true]);
    if (i < 12) objects.push([3, i < 15]);
    const reasons: Record<number, TrackRemovalReason> =
      i === 11 ? { 2: 'unconfirmed' } : i === 12 ? { 3: 'negative-box' } : {};
    released.push(...d.push(frame(i, objects), reasons));
  }
  released.push(...d.flush());
  assert.equal(released.length, 30);
  assert.ok(
    released.every((f) => !ids(f).includes(2)),
    'the unconfirmed track never shows',
  );
  assert.deepEqual(
    released.filter((f) => ids(f).includes(3)).map((f) => f.frameIndex),
    [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11],
    'the negatively boxed track shows until the box',
  );
  // Track 1 was confirmed (seen non-provisional from frame 15): released frames show it confirmed throughout.
  assert.ok(released.every((f) => f.objects.find((o) => o.id === 1)?.provisional !== true));
});

test('output delay 0: a pass-through (live preview without delay)', () => {
  const d = new OutputDelay(0);
  const f = frame(0, [[5, true]]);
  assert.deepEqual(d.push(f, { 5: 'unconfirmed' }), [f]);
  assert.deepEqual(d.flush(), []);
});
