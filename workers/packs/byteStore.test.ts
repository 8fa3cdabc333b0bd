import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { MemoryByteStore, type ByteStore } from './byteStore';
import { CacheStorageByteStore } from './cacheStorageByteStore';
import { FakeCacheStorage } from '../../tests/helpers/fakeCacheStorage';

const stores: [string, () => ByteStore][] = [
  ['MemoryByteStore', () => new MemoryByteStore()],
  [
    'CacheStorageByteStore',
    () => new CacheStorageByteStore({ cacheStorage: new FakeCacheStorage() as unknown as CacheStorage }),
  ],
];

for (const [name, make] of stores) {
  describe(name, () => {
    const key = 'https://example.org/pack/vision.onnx';

    test('parts append in order; the whole is readable only once complete', async () => {
      const store = make();
      assert.deepEqual(await store.readParts(key), []);
      await store.appendPart(key, new Uint8Array([1, 2, 3]));
      await store.appendPart(key, new Uint8Array([4, 5]));
      assert.deepEqual(await store.readParts(key), [new Uint8Array([1, 2, 3]), new Uint8Array([4, 5])]);
      assert.equal(await store.isComplete(key), false);
      assert.equal(await store.read(key), null);
      assert.deepEqual(await store.list(), [{ url: key, bytes: 5, complete: false }]);
      await store.markComplete(key, 5);
      assert.equal(await store.isComplete(key), true);
      assert.equal(await store.completeSize(key), 5);
      assert.deepEqual(await store.read(key), new Uint8Array([1, 2, 3, 4, 5]));
      assert.deepEqual(await store.list(), [{ url: key, bytes: 5, complete: true }]);
    });

    test('markComplete refuses a wrong total', async () => {
      const store = make();
      await store.appendPart(key, new Uint8Array([1]));
      await assert.rejects(store.markComplete(key, 2));
    });

    test('keys that differ only after # stay apart; delete and clear remove entries', async () => {
      const store = make();
      await store.appendPart(`${key}#a`, new Uint8Array([1]));
      await store.appendPart(`${key}#b`, new Uint8Array([2, 2]));
      assert.deepEqual(await store.readParts(`${key}#a`), [new Uint8Array([1])]);
      assert.deepEqual(await store.readParts(`${key}#b`), [new Uint8Array([2, 2])]);
      await store.delete(`${key}#a`);
      assert.deepEqual(await store.readParts(`${key}#a`), []);
      assert.equal((await store.list()).length, 1);
      await store.clear();
      assert.deepEqual(await store.list(), []);
      await store.appendPart(key, new Uint8Array([7]));
      assert.deepEqual(await store.readParts(key), [new Uint8Array([7])]);
    });

    test('stored parts are copies, not views of the caller buffer', async () => {
      const store = make();
      const buf = new Uint8Array([1, 2, 3, 4]);
      await store.appendPart(key, buf.subarray(1, 3));
      buf.fill(0);
      assert.deepEqual(await store.readParts(key), [new Uint8Array([2, 3])]);
    });
  });
}

test('CacheStorageByteStore keeps the intact prefix when a part went missing', async () => {
  const storage = new FakeCacheStorage();
  const store = new CacheStorageByteStore({ cacheStorage: storage as unknown as CacheStorage, cacheName: 'x' });
  const key = 'https://example.org/t.onnx';
  for (let i = 0; i < 3; i++) await store.appendPart(key, new Uint8Array([i]));
  const cache = await storage.open('x');
  await cache.delete(`https://sam3-web.invalid/part/${encodeURIComponent(key)}/1`);
  assert.deepEqual(await store.readParts(key), [new Uint8Array([0])]);
  assert.deepEqual(await store.list(), [{ url: key, bytes: 1, complete: false }]);
});

test('CacheStorageByteStore follows its cache being deleted elsewhere (another tab, the page): nothing is read from the orphan', async () => {
  const storage = new FakeCacheStorage();
  const store = new CacheStorageByteStore({ cacheStorage: storage as unknown as CacheStorage, cacheName: 'x' });
  const key = 'https://example.org/t.onnx';
  await store.appendPart(key, new Uint8Array([1, 2]));
  await store.markComplete(key, 2);
  assert.equal(await store.completeSize(key), 2);
  await storage.delete('x');
  assert.equal(await store.completeSize(key), null);
  assert.deepEqual(await store.list(), []);
  // Written again, it lands in the cache that exists now.
  await store.appendPart(key, new Uint8Array([3]));
  assert.equal(storage.caches.has('x'), true);
  assert.deepEqual(await store.readParts(key), [new Uint8Array([3])]);
});
