import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LivePump, type PumpFrame } from './livePump';

/** A controllable engine: each process() call waits until the test resolves it. */
function harness() {
  let clock = 0;
  let cameraFrame = 0;
  const pending: { frame: PumpFrame<number>; resolve: (v: string) => void; reject: (e: unknown) => void }[] = [];
  const results: { result: string; seq: number; cameraFrame: number; latencyMs: number }[] = [];
  const errors: unknown[] = [];
  const pump = new LivePump<number, string>({
    capture: () => cameraFrame,
    process: (frame) => new Promise((resolve, reject) => pending.push({ frame, resolve, reject })),
    onResult: (result, frame, latencyMs) =>
      results.push({ result, seq: frame.seq, cameraFrame: frame.frame, latencyMs }),
    onError: (e) => errors.push(e),
    now: () => clock,
  });
  return {
    pump,
    pending,
    results,
    errors,
    camera(n: number) {
      cameraFrame = n;
      pump.offer();
    },
    advance(ms: number) {
      clock += ms;
    },
  };
}

const tick = () => new Promise((r) => setImmediate(r));

test('at most one frame in flight; frames arriving meanwhile are dropped, never queued', async () => {
  const h = harness();
  h.camera(0);
  await tick();
  for (let n = 1; n <= 5; n++) h.camera(n);
  await tick();
  assert.equal(h.pending.length, 1);
  assert.deepEqual(h.pump.getStats(), { offered: 6, sent: 1, dropped: 5, completed: 0, inFlight: 1, maxInFlight: 1 });
  h.advance(250);
  h.pending.shift()!.resolve('r0');
  await tick();
  assert.deepEqual(h.results, [{ result: 'r0', seq: 0, cameraFrame: 0, latencyMs: 250 }]);
  assert.equal(h.pump.idle, true);
});

test('the newest camera frame is the one sent once the engine is idle', async () => {
  const h = harness();
  h.camera(0);
  await tick();
  h.camera(1);
  h.camera(2);
  h.pending.shift()!.resolve('a');
  await tick();
  h.camera(3); // the first frame after idle: sent, not 1 or 2
  await tick();
  assert.equal(h.pending.length, 1);
  assert.equal(h.pending[0].frame.frame, 3);
  assert.equal(h.pending[0].frame.seq, 1);
  assert.equal(h.pump.getStats().maxInFlight, 1);
});

test('latency is bounded by one processing time however long the camera runs', async () => {
  const h = harness();
  for (let n = 0; n < 300; n++) {
    h.camera(n);
    await tick();
    h.advance(33); // 30 fps camera
    if (n % 5 === 4 && h.pending.length) h.pending.shift()!.resolve(`r${n}`); // ~6 fps engine
    await tick();
  }
  const s = h.pump.getStats();
  assert.ok(s.completed > 50 && s.completed < 70, `completed ${s.completed}`);
  assert.equal(s.maxInFlight, 1);
  assert.ok(s.dropped > 200);
  assert.ok(Math.max(...h.results.map((r) => r.latencyMs)) <= 5 * 33);
});

test('an engine error is reported and the pump keeps going; stop() silences late results', async () => {
  const h = harness();
  h.camera(0);
  await tick();
  h.pending.shift()!.reject(new Error('boom'));
  await tick();
  assert.equal(h.errors.length, 1);
  h.camera(1);
  await tick();
  assert.equal(h.pending.length, 1);
  h.pump.stop();
  h.pending.shift()!.resolve('late');
  await tick();
  assert.equal(h.results.length, 0);
  h.camera(2);
  await tick();
  assert.equal(h.pending.length, 0);
});
