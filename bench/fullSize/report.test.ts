import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { CaseAccuracy } from './compare';
import { summarise } from './compare';
import { emptyRunReport, mergeRun, type RunReport } from './report';

const acc = (tp: number, kept: number, ious: number[]): CaseAccuracy => ({
  engineKept: kept,
  torchKept: kept,
  truePositives: tp,
  ious,
  scoreDiffs: [],
});

const run = (over: Partial<RunReport>): RunReport => ({ ...emptyRunReport('p', 'node', 2), openMs: 1, ...over });

test('an updated scenario replaces its figures and accuracy cases; the rest of the kept run stays', () => {
  const kept = run({
    date: '2026-12-06T10:00:00Z',
    timingsMs: { firstRequest: 60_000, videoFrame5: 170_000 },
    graphRuns: { videoFrame5: { memory: 15 } },
    nonGraphShare: 0.004,
    peakRssBytes: 9e9,
    accuracy: summarise({ first: acc(10, 10, [1]), 'video-frame0': acc(0, 5, []) }),
    errors: { video: 'old failure', click: 'kept failure' },
    cpuMs: { first: 100, video: 400 },
  });
  const fresh = run({
    date: '2026-12-07T04:00:00Z',
    timingsMs: { videoFrame5: 150_000 },
    graphRuns: { videoFrame5: { memory: 14 } },
    peakRssBytes: 8e9,
    accuracy: summarise({ 'video-frame0': acc(5, 5, [0.99]) }),
    cpuMs: { video: 350 },
  });
  const m = mergeRun(kept, fresh, ['video']);
  assert.deepEqual(m.timingsMs, { firstRequest: 60_000, videoFrame5: 150_000 });
  assert.deepEqual(m.graphRuns.videoFrame5, { memory: 14 });
  assert.equal(m.nonGraphShare, 0.004);
  assert.equal(m.peakRssBytes, 9e9);
  assert.deepEqual(m.errors, { click: 'kept failure' });
  assert.deepEqual(m.cpuMs, { first: 100, video: 350 });
  assert.equal(m.date, '2026-12-06T10:00:00Z');
  assert.deepEqual(m.updates, [{ date: '2026-12-07T04:00:00Z', scenarios: ['video'] }]);
  // F1 over both cases: 10 + 5 matched of 15 + 15 kept.
  assert.equal(m.accuracy?.instanceF1, 1);
  assert.deepEqual(m.accuracy?.cases['video-frame0'].ious, [0.99]);
  assert.equal(m.wasmHeapBytes, null);
});
