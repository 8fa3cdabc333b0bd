import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FrameStore } from './frameStore';
import { mergeTracks, removeTrackRange, restoreChanges } from './trackOps';
import type { CompactFrame } from '../videoModel';

/** Frame i with objects (id, concept, a one-run mask starting at `at`). */
function frame(i: number, objects: { id: number; concept: string; at: number }[]): CompactFrame {
  return {
    frameIndex: i,
    timestampMs: i * 40,
    width: 20,
    height: 10,
    displayWidth: 20,
    displayHeight: 10,
    detectorRan: true,
    objects: objects.map((o) => ({
      id: o.id,
      conceptId: o.concept,
      conceptIndex: o.concept === 'red' ? 0 : 1,
      score: 0.9,
      boxXyxyPx: [0, 0, 1, 1],
      areaPx: 5,
      mask: { width: 20, height: 10, counts: Uint32Array.from([o.at, 5, 195 - o.at]) },
    })),
  };
}

/** Per frame: the IDs with their mask's first pixel and concept. */
function snapshot(store: FrameStore): string[] {
  return Array.from({ length: store.frameCount }, (_, i) =>
    (store.get(i)?.objects ?? []).map((o) => `${o.id}@${o.mask.counts[0]}:${o.conceptId}`).join(' '),
  );
}

function clip(): FrameStore {
  // Track 1 (red) on frames 0–5; track 2 (blue) on 2–3; track 3 (red) takes over the blue object on 4–5 (an ID
  // switch), and on frame 3 both 2 and 3 are present.
  const store = new FrameStore(6);
  for (let i = 0; i < 6; i++) {
    const objs = [{ id: 1, concept: 'red', at: i }];
    if (i === 2 || i === 3) objs.push({ id: 2, concept: 'blue', at: 100 + i });
    if (i >= 3) objs.push({ id: 3, concept: 'red', at: 150 + i });
    store.set(frame(i, objs));
  }
  return store;
}

test('removing a track over a frame range leaves the other frames and tracks; undo restores it exactly', () => {
  const store = clip();
  const before = snapshot(store);
  const changes = removeTrackRange(store, 1, 4, 1);
  assert.deepEqual([...changes.keys()], [1, 2, 3, 4]);
  const after = snapshot(store);
  assert.equal(after[0], before[0]);
  assert.equal(after[5], before[5]);
  for (let i = 1; i <= 4; i++) assert.ok(!store.idsOn(i).includes(1), `frame ${i}: #1 removed`);
  assert.deepEqual(store.idsOn(3), [2, 3]);
  restoreChanges(store, changes);
  assert.deepEqual(snapshot(store), before);
});

test("merging gives the dropped ID's frames to the kept ID with its concept; where both are on a frame the kept mask stays; undo restores", () => {
  const store = clip();
  const before = snapshot(store);
  const changes = mergeTracks(store, 2, 3, { conceptId: 'blue', conceptIndex: 1 });
  assert.deepEqual([...changes.keys()], [3, 4, 5]);
  const after = snapshot(store);
  assert.deepEqual(after, [
    before[0],
    before[1],
    before[2],
    '1@3:red 2@103:blue',
    '1@4:red 2@154:blue',
    '1@5:red 2@155:blue',
  ]);
  assert.ok(
    [...Array(6).keys()].every((i) => !store.idsOn(i).includes(3)),
    '#3 is gone everywhere',
  );
  restoreChanges(store, changes);
  assert.deepEqual(snapshot(store), before);
  assert.equal(mergeTracks(store, 2, 2, { conceptId: 'blue', conceptIndex: 1 }).size, 0);
});
