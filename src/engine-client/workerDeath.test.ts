/** A dying worker must not leave calls pending forever: they reject with a clear message, and later calls too. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rejectWhenDead } from './engineClient';
import type { EngineApi } from '../../workers/protocol';

test('pending and later engine calls reject once the worker dies', async () => {
  const worker = new EventTarget();
  const never = new Promise<never>(() => {});
  const api = { stats: () => never, cacheState: async () => [] } as unknown as EngineApi;
  const guarded = rejectWhenDead(api, worker as unknown as Worker);
  assert.deepEqual(await guarded.cacheState(), []);
  const pending = guarded.stats();
  const crash = new Event('error', { cancelable: true });
  Object.assign(crash, { message: 'RuntimeError: unreachable' });
  worker.dispatchEvent(crash);
  await assert.rejects(pending, (e: { code: string; message: string; detail: string }) => {
    assert.equal(e.code, 'internal');
    assert.match(e.message, /engine stopped unexpectedly/);
    assert.equal(e.detail, 'RuntimeError: unreachable');
    return true;
  });
  await assert.rejects(guarded.cacheState(), (e: { message: string }) => /engine stopped/.test(e.message));
});
