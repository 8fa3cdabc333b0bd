import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BoundedQueue } from './boundedQueue';
import {
  averageFps,
  buildFrameTable,
  endsEarlyMessage,
  expectedFrameCount,
  frameAtMediaTime,
  isVariableFrameRate,
} from './frameTable';
import { modelCopySize } from './frameReader';

test('bounded queue: the producer waits when full, items come out once and in order, close ends the stream', async () => {
  const q = new BoundedQueue<number>(2);
  const log: string[] = [];
  const producer = (async () => {
    for (let i = 0; i < 5; i++) {
      await q.put(i);
      log.push(`put ${i} (depth ${q.depth})`);
    }
    q.close();
  })();
  await new Promise((r) => setTimeout(r, 10));
  assert.deepEqual(log, ['put 0 (depth 1)', 'put 1 (depth 2)'], 'waits at capacity');
  const got: number[] = [];
  for (;;) {
    const r = await q.take();
    if (r.done) break;
    got.push(r.value);
  }
  await producer;
  assert.deepEqual(got, [0, 1, 2, 3, 4]);
  assert.equal(q.maxDepth, 2);
});

test('bounded queue: an error reaches the consumer after the queued items; cancel discards what is queued', async () => {
  const q = new BoundedQueue<number>(3);
  await q.put(1);
  q.fail(new Error('ends early'));
  assert.deepEqual(await q.take(), { value: 1, done: false });
  await assert.rejects(q.take(), /ends early/);

  const discarded: number[] = [];
  const c = new BoundedQueue<number>(1, (n) => discarded.push(n));
  await c.put(7);
  const blocked = c.put(8); // waits for room
  c.cancel();
  assert.equal(await blocked, false);
  assert.deepEqual(discarded.sort(), [7, 8]);
  assert.deepEqual(await c.take(), { value: undefined, done: true });
});

test('frame table: presentation order from decode order, exact VFR timestamps, durations, frame at a time', () => {
  // Decode order with a B-frame reordering; variable gaps.
  const table = buildFrameTable([
    { timestamp: 0, duration: 0.05 },
    { timestamp: 0.15, duration: 0.15 },
    { timestamp: 0.05, duration: 0.1 },
    { timestamp: 0.3, duration: 0.05 },
  ]);
  assert.deepEqual([...table.timestampsS], [0, 0.05, 0.15, 0.3]);
  assert.deepEqual(
    [...table.durationsS].map((d) => Math.round(d * 1000)),
    [50, 100, 150, 50],
  );
  assert.equal(isVariableFrameRate(table), true);
  assert.equal(frameAtMediaTime(table, 0.149), 1);
  assert.equal(frameAtMediaTime(table, 0.15), 2);
  assert.equal(frameAtMediaTime(table, 9), 3);
  assert.equal(frameAtMediaTime(table, -1), 0);
  const cfr = buildFrameTable(Array.from({ length: 44 }, (_, i) => ({ timestamp: i / 10, duration: 0.1 })));
  assert.equal(averageFps(cfr), 10);
  assert.equal(isVariableFrameRate(cfr), false);
  // A constant 30 fps in a 1 ms timebase (WebM, MKV): gaps of 33 and 34 ms are rounding, not a variable rate.
  const ms30 = buildFrameTable(
    Array.from({ length: 90 }, (_, i) => ({ timestamp: Math.round((i * 1000) / 30) / 1000, duration: 0.033 })),
  );
  assert.equal(isVariableFrameRate(ms30), false);
  const vfr30 = buildFrameTable(
    Array.from({ length: 90 }, (_, i) => ({
      timestamp: Math.round((i * 1000) / 30 + (i % 2) * 8) / 1000,
      duration: 0.033,
    })),
  );
  assert.equal(isVariableFrameRate(vfr30), true);
});

test('a file whose metadata runs past its packets is expected to hold more frames; the message names both', () => {
  assert.equal(expectedFrameCount(44, 4.4, 4.4, 10), 44);
  assert.equal(expectedFrameCount(12, 1.2, 4.4, 10), 44);
  assert.equal(expectedFrameCount(44, 4.4, null, 10), 44);
  assert.match(endsEarlyMessage('cut.mp4', 12, 44), /“cut\.mp4” stopped at frame 12 of 44: the file ends early/);
});

test('the model copy is the pack input square only when the frame has more pixels', () => {
  assert.deepEqual(modelCopySize(1920, 1080, 1008), { width: 1008, height: 1008 });
  assert.deepEqual(modelCopySize(320, 240, 448), { width: 320, height: 240 });
});
