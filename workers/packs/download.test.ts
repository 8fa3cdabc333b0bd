import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { ProgressEvent } from '../protocol/progress';
import { MemoryByteStore } from './byteStore';
import { sha256Hex, totalLength } from './bytes';
import { CacheStorageByteStore } from './cacheStorageByteStore';
import { fetchPackFile } from './download';
import { FakeCacheStorage } from '../../tests/helpers/fakeCacheStorage';
import { PackError } from './packError';
import { randomBytes, startTestServer, type TestServer } from '../../tests/helpers/testServer';

/** The bytes behind a downloaded file's Blob handle. */
async function bytesOf(blob: Promise<Blob>): Promise<Uint8Array> {
  return new Uint8Array(await (await blob).arrayBuffer());
}

const SIZE = 64 * 1024;
const DATA = randomBytes(SIZE, 7);

async function rejectsWith(promise: Promise<unknown>, code: string, pattern?: RegExp): Promise<PackError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof PackError, `expected a PackError, got ${String(error)}`);
    assert.equal(error.code, code, error.message);
    if (pattern) assert.match(error.message, pattern);
    return error;
  }
  assert.fail(`expected PackError(${code})`);
}

describe('fetchPackFile', () => {
  let server: TestServer;
  let sha: string;
  before(async () => {
    sha = await sha256Hex(DATA);
    server = await startTestServer({
      'a.onnx': DATA,
      'cut.onnx': DATA,
      'ignore.onnx': DATA,
      'gone.onnx': DATA,
      'nolength.onnx': DATA,
    });
  });
  after(() => server.close());
  const url = (p: string) => `${server.baseUrl}${p}`;

  test('downloads, stores in parts and reports progress; a second call is served from the store', async () => {
    const store = new MemoryByteStore();
    const events: ProgressEvent[] = [];
    const bytes = await bytesOf(
      fetchPackFile(url('a.onnx'), { path: 'a.onnx', size: SIZE, sha256: sha }, store, {
        onProgress: (e) => events.push(e),
        partBytes: 10_000,
        progressIntervalMs: 0,
      }),
    );
    assert.deepEqual(bytes, DATA);
    assert.deepEqual(events[0], { status: 'initiate', file: 'a.onnx', total: SIZE });
    const progress = events.filter((e) => e.status === 'progress');
    assert.ok(progress.length >= 2);
    const last = progress[progress.length - 1];
    assert.ok(last.status === 'progress' && last.loaded === SIZE && last.total === SIZE && last.bytesPerSecond >= 0);
    assert.deepEqual(events.slice(-2), [
      { status: 'verifying', file: 'a.onnx' },
      { status: 'done', file: 'a.onnx' },
    ]);
    assert.ok((await store.readParts(url('a.onnx'))).length >= 2, 'stored in several parts');
    assert.equal(await store.isComplete(url('a.onnx')), true);

    const before = server.requests.length;
    const cachedEvents: ProgressEvent[] = [];
    const again = await bytesOf(
      fetchPackFile(url('a.onnx'), { path: 'a.onnx', size: SIZE, sha256: sha }, store, {
        onProgress: (e) => cachedEvents.push(e),
        verifyCachedHash: true,
      }),
    );
    assert.deepEqual(again, DATA);
    assert.equal(server.requests.length, before, 'no request for a cached file');
    assert.deepEqual(cachedEvents, [{ status: 'cached', file: 'a.onnx', total: SIZE }]);
  });

  test('a cut connection keeps the parts; the next call resumes with Range and ends byte-identical', async () => {
    const store = new MemoryByteStore();
    server.behaviour.set('cut.onnx', { kind: 'cut', afterBytes: 30_000, times: 1 });
    const ref = { path: 'models/cut.onnx', size: SIZE, sha256: sha };
    const err = await rejectsWith(
      fetchPackFile(url('cut.onnx'), ref, store, { partBytes: 4096 }),
      'network',
      /^cut\.onnx: the download stopped at [\d.]+ K?B of 65.5 KB \(network error\); it will resume from there\.$/,
    );
    assert.match(err.detail ?? '', /cut\.onnx/);
    const kept = totalLength(await store.readParts(url('cut.onnx')));
    assert.ok(kept > 0 && kept <= 30_000, `kept ${kept} bytes`);

    const events: ProgressEvent[] = [];
    const bytes = await bytesOf(
      fetchPackFile(url('cut.onnx'), ref, store, {
        partBytes: 4096,
        onProgress: (e) => events.push(e),
      }),
    );
    assert.deepEqual(bytes, DATA);
    const last = server.requests.filter((r) => r.path === 'cut.onnx').at(-1);
    assert.equal(last?.range, `bytes=${kept}-`);
    assert.ok(events.some((e) => e.status === 'resumed' && e.from === kept && e.total === SIZE));
    assert.equal(await store.isComplete(url('cut.onnx')), true);
  });

  test('resume works the same through the Cache Storage store', async () => {
    const store = new CacheStorageByteStore({ cacheStorage: new FakeCacheStorage() as unknown as CacheStorage });
    server.behaviour.set('cut.onnx', { kind: 'cut', afterBytes: 20_000, times: 1 });
    const ref = { path: 'cut.onnx', size: SIZE, sha256: sha };
    await rejectsWith(fetchPackFile(url('cut.onnx'), ref, store, { partBytes: 4096 }), 'network');
    const kept = totalLength(await store.readParts(url('cut.onnx')));
    assert.ok(kept > 0 && kept <= 20_000);
    assert.deepEqual(await bytesOf(fetchPackFile(url('cut.onnx'), ref, store, { partBytes: 4096 })), DATA);
    assert.equal(server.requests.filter((r) => r.path === 'cut.onnx').at(-1)?.range, `bytes=${kept}-`);
    assert.deepEqual(await bytesOf(fetchPackFile(url('cut.onnx'), ref, store)), DATA);
    assert.deepEqual(await store.list(), [{ url: url('cut.onnx'), bytes: SIZE, complete: true }]);
  });

  test('a server that ignores Range gets the old parts discarded and the file fetched whole', async () => {
    const store = new MemoryByteStore();
    server.behaviour.set('ignore.onnx', { kind: 'ignore-range' });
    await store.appendPart(url('ignore.onnx'), new Uint8Array(5000).fill(9)); // wrong bytes: must not survive
    const bytes = await bytesOf(
      fetchPackFile(url('ignore.onnx'), { path: 'ignore.onnx', size: SIZE, sha256: sha }, store),
    );
    assert.deepEqual(bytes, DATA);
    assert.equal(server.requests.filter((r) => r.path === 'ignore.onnx').at(-1)?.range, 'bytes=5000-');
    assert.equal(totalLength(await store.readParts(url('ignore.onnx'))), SIZE);
  });

  test('a size mismatch discards the entry', async () => {
    const store = new MemoryByteStore();
    await rejectsWith(
      fetchPackFile(url('a.onnx'), { path: 'a.onnx', size: SIZE + 10 }, store, { partBytes: 4096 }),
      'integrity',
      /a\.onnx: expected 65,546 bytes, got 65,536 — the download was truncated; the bad copy was discarded/,
    );
    assert.deepEqual(await store.list(), []);
    await rejectsWith(
      fetchPackFile(url('a.onnx'), { path: 'a.onnx', size: SIZE - 10 }, store, { partBytes: 4096 }),
      'integrity',
      /expected 65,526 bytes, but the server sent more/,
    );
    assert.deepEqual(await store.list(), []);
  });

  test('a SHA-256 mismatch discards the entry', async () => {
    const store = new MemoryByteStore();
    await rejectsWith(
      fetchPackFile(url('a.onnx'), { path: 'a.onnx', size: SIZE, sha256: '0'.repeat(64) }, store),
      'integrity',
      /SHA-256 does not match.*discarded/,
    );
    assert.deepEqual(await store.list(), []);
  });

  test('HTTP 404 and 403 are download failures naming the status', async () => {
    const store = new MemoryByteStore();
    await rejectsWith(
      fetchPackFile(url('missing.onnx'), { path: 'missing.onnx', size: 1 }, store),
      'download-failed',
      /404/,
    );
    server.behaviour.set('gone.onnx', { kind: 'status', status: 403 });
    await rejectsWith(
      fetchPackFile(url('gone.onnx'), { path: 'gone.onnx', size: SIZE }, store),
      'download-failed',
      /403/,
    );
  });

  test('unknown size (0) is taken from Content-Length, or accepted as streamed when there is none', async () => {
    const store = new MemoryByteStore();
    assert.deepEqual(await bytesOf(fetchPackFile(url('a.onnx'), { path: 'a.onnx', size: 0 }, store)), DATA);
    server.behaviour.set('nolength.onnx', { kind: 'no-length' });
    assert.deepEqual(await bytesOf(fetchPackFile(url('nolength.onnx'), { path: 'n.onnx', size: 0 }, store)), DATA);
    assert.equal(await store.completeSize(url('nolength.onnx')), SIZE);
  });

  test('a refused connection is a network error; an abort is reported as cancelled', async () => {
    const store = new MemoryByteStore();
    await rejectsWith(
      fetchPackFile('http://127.0.0.1:1/x.onnx', { path: 'x.onnx', size: 10 }, store),
      'network',
      /x\.onnx: the download stopped at 0 B of 10 B/,
    );
    const controller = new AbortController();
    controller.abort();
    await rejectsWith(
      fetchPackFile(url('a.onnx'), { path: 'a.onnx', size: SIZE }, store, { signal: controller.signal }),
      'cancelled',
    );
  });
});
