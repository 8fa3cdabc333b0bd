import { test } from 'node:test';
import assert from 'node:assert/strict';
import { estimateEta } from '../../workers/protocol/eta';
import type { VideoFrameResult } from '../../workers/protocol';
import {
  compactFrame,
  estimateFps,
  formatEta,
  frameAtTime,
  objectColor,
  OBJECT_HUE_FAMILY,
  RateMeter,
  sortedTracks,
  timeOfFrame,
  trackColor,
  updateTracks,
  type CompactFrame,
  type TrackTable,
} from './videoModel';

type VideoInstance = VideoFrameResult['instances'][number];

function inst(id: number, conceptIndex = 0, extra: Partial<VideoInstance> = {}): VideoInstance {
  return {
    instanceId: id,
    conceptId: `c${conceptIndex}`,
    conceptIndex,
    query: 0,
    score: 0.9,
    presence: 0.95,
    boxXyxyPx: [1, 2, 3, 4],
    areaPx: 4,
    mask: { width: 4, height: 4, counts: Uint32Array.from([5, 2, 9]) },
    source: 'concept',
    ...extra,
  };
}

function result(frameIndex: number, instances: VideoInstance[]): VideoFrameResult {
  return {
    sessionId: 's',
    frameIndex,
    timestampMs: frameIndex * 100,
    instances,
    width: 8,
    height: 8,
    displayWidth: 4,
    displayHeight: 4,
    detectorRan: true,
    born: [],
    removed: [],
    timingsMs: { vision: 3 },
    graphRuns: { vision: 1 },
  };
}

const frame = (i: number, ids: number[], conceptIndex = 0): CompactFrame =>
  compactFrame(
    result(
      i,
      ids.map((id) => inst(id, conceptIndex)),
    ),
  );

test('compactFrame keeps masks, boxes, scores and COCO RLE, and nothing else', () => {
  const f = compactFrame(
    result(3, [inst(2, 1, { cocoRle: { size: [8, 8], counts: 'abc' } }), inst(5, -1, { source: 'object' })]),
  );
  assert.equal(f.frameIndex, 3);
  assert.deepEqual(
    f.objects.map((o) => [o.id, o.conceptIndex, o.cocoRle?.counts]),
    [
      [2, 1, 'abc'],
      [5, OBJECT_HUE_FAMILY, undefined],
    ],
  );
  assert.equal('timingsMs' in f, false);
  assert.deepEqual(f.objects[0].boxXyxyPx, [1, 2, 3, 4]);
});

test('the track table records first and last frame per ID and is unchanged by empty frames', () => {
  let t: TrackTable = {};
  t = updateTracks(t, frame(0, [1, 2]));
  t = updateTracks(t, frame(1, [1, 2]));
  const before = t;
  t = updateTracks(t, frame(2, []));
  assert.equal(t, before);
  t = updateTracks(t, frame(3, [2, 3]));
  assert.deepEqual(
    sortedTracks(t).map((x) => [x.id, x.firstFrame, x.lastFrame, x.frameCount]),
    [
      [1, 0, 1, 2],
      [2, 0, 3, 3],
      [3, 3, 3, 1],
    ],
  );
});

test('a track keeps its colour for life: hue from its concept at birth, shade from its ID', () => {
  let t: TrackTable = {};
  t = updateTracks(t, frame(0, [1, 2], 0));
  // Later the same ID is reported under another concept index (concepts reordered): the colour stays.
  const later = frame(1, [2, 7], 1);
  t = updateTracks(t, later);
  assert.equal(objectColor(t, later.objects[0]).css, trackColor(0, 2).css);
  assert.equal(objectColor(t, later.objects[1]).css, trackColor(1, 7).css);
  // Other objects coming and going never change an ID's colour.
  assert.equal(trackColor(0, 2).css, trackColor(0, 2).css);
  assert.notEqual(trackColor(0, 1).css, trackColor(0, 2).css);
});

test('RateMeter reports events per second over its window', () => {
  const m = new RateMeter(1000);
  for (let i = 0; i <= 10; i++) m.push(i * 100);
  assert.ok(Math.abs(m.rate(1000) - 10) < 0.01);
  assert.equal(m.rate(5000), 0);
});

test('ETA from the average time per frame', () => {
  assert.equal(estimateEta(0, 0, 10), null);
  assert.equal(estimateEta(5000, 5, 5), 5000);
  assert.equal(estimateEta(9000, 10, 0), 0);
  assert.equal(formatEta(null), '—');
  assert.equal(formatEta(0.2), '<1 s');
  assert.equal(formatEta(42.4), '42 s');
  assert.equal(formatEta(125), '2 min 05 s');
});

test('frame rate from presented media times; frame ↔ time', () => {
  assert.equal(estimateFps([0, 0.1, 0.2, 0.3, 0.4]), 10);
  assert.equal(estimateFps([0, 0.099, 0.201, 0.3, 0.4, 0.5]), 10);
  assert.equal(estimateFps([0, 1 / 30, 2 / 30, 4 / 30, 5 / 30]), 30); // a skipped frame does not move the median
  assert.equal(estimateFps([]), 30);
  assert.equal(estimateFps([0.5, 0.5]), 30);
  assert.equal(frameAtTime(timeOfFrame(7, 10), 10, 60), 7);
  assert.equal(frameAtTime(0, 10, 60), 0);
  assert.equal(frameAtTime(99, 10, 60), 59);
});
