import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildMasklets } from './masklets';
import { objectAt, type CompactFrame } from './videoModel';
import {
  initialVideoState,
  selectCanPrompt,
  selectPromptFrame,
  selectPromptOrigin,
  type VideoState,
} from './videoStore';

const meta = {
  name: 'a.webm',
  width: 320,
  height: 240,
  fps: 10,
  frameCount: 40,
  durationS: 4,
  decoder: 'webcodecs' as const,
  timestampsMs: Array.from({ length: 40 }, (_, i) => i * 100),
  variableFrameRate: false,
  codec: 'vp8',
  container: 'webm',
};
const state = (patch: Partial<VideoState>): VideoState => ({ ...initialVideoState(), ...patch });

test('where a prompt drawn now applies from', () => {
  const cursor = { session: 's1', frameIndex: 57 };
  assert.equal(selectPromptOrigin(state({ mode: 'webcam', status: 'live' }), cursor), null, 'no source yet');
  assert.deepEqual(selectPromptOrigin(state({ mode: 'webcam', status: 'live', scope: 'webcam:1' }), cursor), {
    scope: 'webcam:1',
    session: 's1',
    fromFrame: 57,
  });
  assert.equal(selectPromptOrigin(state({ mode: 'webcam', status: 'opening', scope: 'webcam:1' }), cursor), null);
  const file = { mode: 'video' as const, scope: 'file:3', meta };
  const paused = state({
    ...file,
    status: 'paused',
    progress: { done: 14, total: 40, startedAtMs: 0, etaSeconds: null },
    playback: { frameIndex: 13, playing: false },
  });
  assert.deepEqual(selectPromptOrigin(paused, null), { scope: 'file:3', session: null, fromFrame: 14 });
  assert.equal(selectPromptFrame(paused), 14);
  const ready = state({ ...file, status: 'ready', playback: { frameIndex: 25, playing: false } });
  assert.deepEqual(selectPromptOrigin(ready, null), { scope: 'file:3', session: null, fromFrame: 25 });
  assert.equal(selectCanPrompt(ready), true);
  assert.equal(selectCanPrompt(state({ ...file, status: 'processing' })), false, 'not while frames change under you');
});

test('the tracked object under a frame pixel', () => {
  // 4×2 display mask for a 8×4 frame: object 7 owns the right half of the top row.
  const frame: CompactFrame = {
    frameIndex: 0,
    timestampMs: 0,
    width: 8,
    height: 4,
    displayWidth: 4,
    displayHeight: 2,
    detectorRan: true,
    objects: [
      {
        id: 7,
        conceptId: 'c',
        conceptIndex: 0,
        score: 0.9,
        boxXyxyPx: [4, 0, 8, 2],
        areaPx: 8,
        mask: { width: 4, height: 2, counts: Uint32Array.from([2, 2, 4]) },
      },
    ],
  };
  assert.equal(objectAt(frame, 5, 1), 7);
  assert.equal(objectAt(frame, 1, 1), null);
  assert.equal(objectAt(frame, 5, 3), null);
  assert.equal(objectAt(null, 5, 1), null);
});

test('masklets: objects made by clicks share the category "object"', () => {
  const frame = (ids: [number, string][]): CompactFrame => ({
    frameIndex: 0,
    timestampMs: 0,
    width: 4,
    height: 4,
    displayWidth: 4,
    displayHeight: 4,
    detectorRan: true,
    objects: ids.map(([id, conceptId]) => ({
      id,
      conceptId,
      conceptIndex: 0,
      score: 1,
      boxXyxyPx: [0, 0, 1, 1],
      areaPx: 1,
      mask: { width: 4, height: 4, counts: Uint32Array.from([16]) },
    })),
  });
  const m = buildMasklets(
    { name: 'x', width: 4, height: 4, frameCount: 1, fps: 1 },
    [
      frame([
        [1, 'concept:red'],
        [4, 'object:4'],
        [5, 'object:5'],
      ]),
    ],
    new Map([['concept:red', 'red']]),
  );
  assert.deepEqual(m.categories, [
    { id: 1, name: 'red' },
    { id: 2, name: 'object' },
  ]);
  assert.deepEqual(
    m.frames[0].objects.map((o) => o.categoryId),
    [1, 2, 2],
  );
});
