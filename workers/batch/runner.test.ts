/** The batch runner: order, pause/resume between images, cancel, failures, ETA. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BatchRunner, estimateEta, type RunnerProgress } from './runner';

const tick = () => new Promise((r) => setTimeout(r, 5));

function fakeClock() {
  let t = 0;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

test('processes every image once, in order, and reports progress with an ETA from the measured mean', async () => {
  const clock = fakeClock();
  const seen: string[] = [];
  const progress: RunnerProgress[] = [];
  const runner = new BatchRunner({
    items: ['a', 'b', 'c', 'd'],
    nameOf: (x) => x,
    now: clock.now,
    process: async (x) => {
      seen.push(x);
      clock.advance(x === 'a' ? 300 : 100);
    },
    onProgress: (p) => progress.push(p),
  });
  const out = await runner.run();
  assert.deepEqual(seen, ['a', 'b', 'c', 'd']);
  assert.deepEqual(out, { state: 'done', done: 4, failed: 0 });
  const afterTwo = progress.find((p) => p.done === 2 && p.current === null)!;
  assert.equal(afterTwo.etaMs, 400); // mean 200 ms × 2 left
  assert.equal(progress.at(-1)!.state, 'done');
  assert.equal(estimateEta(0, 0, 5), null);
});

test('pause finishes the current image and waits; resume continues where it stopped', async () => {
  const seen: string[] = [];
  const runner: BatchRunner<string> = new BatchRunner({
    items: ['a', 'b', 'c', 'd'],
    nameOf: (x) => x,
    process: async (x) => {
      seen.push(x);
      if (x === 'b') runner.pause();
      await tick();
    },
  });
  const running = runner.run();
  await tick();
  await tick();
  await tick();
  assert.deepEqual(seen, ['a', 'b']);
  assert.equal(runner.progress.state, 'paused');
  runner.resume();
  assert.deepEqual(await running, { state: 'done', done: 4, failed: 0 });
  assert.deepEqual(seen, ['a', 'b', 'c', 'd']);
});

test('cancel while paused stops before the next image; a failed image does not stop the run; a fatal one does', async () => {
  const seen: string[] = [];
  const runner: BatchRunner<string> = new BatchRunner({
    items: ['a', 'b', 'c'],
    nameOf: (x) => x,
    process: async (x) => {
      seen.push(x);
      runner.pause();
    },
  });
  const running = runner.run();
  await tick();
  runner.cancel();
  assert.deepEqual(await running, { state: 'cancelled', done: 1, failed: 0 });
  assert.deepEqual(seen, ['a']);

  const failed: string[] = [];
  const r2 = new BatchRunner({
    items: ['a', 'bad', 'c', 'dead', 'e'],
    nameOf: (x) => x,
    process: async (x) => {
      if (x === 'bad' || x === 'dead') throw new Error(x);
    },
    onItemError: (x) => void failed.push(x),
    isFatal: (e) => (e as Error).message === 'dead',
  });
  const out = await r2.run();
  assert.equal(out.state, 'stopped');
  assert.equal(out.done, 4);
  assert.equal(out.failed, 2);
  assert.deepEqual(failed, ['bad', 'dead']);
});

test('cancel aborts the image in progress through its signal: it is neither done nor failed, and nothing after it runs', async () => {
  const seen: string[] = [];
  const failed: string[] = [];
  let release: () => void = () => {};
  const runner: BatchRunner<string> = new BatchRunner({
    items: ['a', 'b', 'c'],
    nameOf: (x) => x,
    process: async (x, signal) => {
      seen.push(x);
      if (x !== 'b') return;
      await new Promise<void>((resolve) => (release = resolve));
      // As an engine call does: a cancelled signal rejects with the coded error.
      if (signal.aborted) throw { code: 'cancelled', message: 'The request was cancelled.' };
    },
    onItemError: (x) => void failed.push(x),
  });
  const running = runner.run();
  await tick();
  runner.cancel();
  release();
  assert.deepEqual(await running, { state: 'cancelled', done: 1, failed: 0 });
  assert.deepEqual(seen, ['a', 'b']);
  assert.deepEqual(failed, []);
});
