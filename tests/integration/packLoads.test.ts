/**
 * Pack downloads as a person meets them: the current pack keeps segmenting while another downloads; a download
 * pauses (keeping what arrived, resumed with a Range request) or cancels (leaving nothing); space is checked before
 * the first byte.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { createEngine, type Engine } from '../../workers/engine/engine';
import { createNodeRuntime } from '../../workers/ort/nodeRuntime';
import { MemoryByteStore } from '../../workers/packs/byteStore';
import { renderScene, SHAPES_SAMPLE } from '../../tools/scenes/scene';
import { DEMO_PACK_DIR, packFilesSource } from '../helpers/demoPackEngine';
import { startTestServer, type TestServer } from '../helpers/testServer';
import { SAM3_TINY_VARIANTS_DIR } from '../parity/fixtures';
import { browserLikeRuntime } from '../helpers/browserLikeRuntime';

let server: TestServer;
let engine: Engine;
let store: MemoryByteStore;
let imageId: string;
const files = Object.fromEntries(
  readdirSync(DEMO_PACK_DIR).map((name) => [name, new Uint8Array(readFileSync(join(DEMO_PACK_DIR, name)))]),
);
const manifestUrl = () => `${server.baseUrl}manifest.json`;
const red = { id: 'red', phrase: 'red', boxes: [] };

/** Resolves when `predicate` holds, polling every 10 ms (at most `ms`). */
async function until(predicate: () => boolean | Promise<boolean>, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await predicate())) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
}

const stored = async (name: string) => (await store.partSizes(`${server.baseUrl}${name}`)).reduce((a, b) => a + b, 0);

describe('pack downloads', () => {
  before(async () => {
    server = await startTestServer(files, 120_000);
    store = new MemoryByteStore();
    engine = createEngine({ createRuntime: () => createNodeRuntime(), store });
    await engine.init();
    await engine.openPack(packFilesSource());
    const scene = renderScene(SHAPES_SAMPLE);
    imageId = (await engine.openImage({ kind: 'rgba', name: 's.png', image: { ...scene } })).imageId;
  });
  after(() => server.close());

  test('the open pack keeps segmenting while another one downloads; pause keeps the bytes, resume ranges on', async () => {
    // The detector arrives slowly: 2 KiB every 20 ms.
    server.behaviour.set('detector.onnx', { kind: 'slow', bytesPerTick: 2048, tickMs: 20 });
    const loading = engine.openPack({ kind: 'url', manifestUrl: manifestUrl() }, undefined, { requestId: 'load-1' });
    const outcome = loading.then(
      () => 'opened',
      (e: { code: string; message: string }) => e,
    );
    await until(
      async () => (await stored('detector.onnx')) > 0 || server.requests.some((r) => r.path === 'detector.onnx'),
    );
    const r = await engine.segment({ imageId, concepts: [red], scoreThreshold: 0.5 });
    assert.equal(r.instances.length, 2, 'segmenting with the open pack during the download');
    await engine.cancel('load-1', 'pause');
    const paused = await outcome;
    assert.notEqual(paused, 'opened');
    assert.equal((paused as { code: string }).code, 'paused');
    assert.match((paused as { message: string }).message, /detector\.onnx: download paused/);
    const kept = await stored('detector.onnx');
    assert.ok(kept > 0 && kept < files['detector.onnx'].byteLength, `kept ${kept} bytes`);

    server.behaviour.delete('detector.onnx');
    const info = await engine.openPack({ kind: 'url', manifestUrl: manifestUrl() });
    assert.equal(info.graphs.length, 7);
    const ranged = server.requests.filter((q) => q.path === 'detector.onnx' && q.range);
    assert.ok(ranged.length >= 1, 'resumed with a Range request');
    assert.equal((await engine.segment({ imageId, concepts: [red], scoreThreshold: 0.5 })).instances.length, 2);
  });

  test('a pause before any file arrives (runtime starting, manifest arriving) still leaves a resumable download', async () => {
    const fresh = new MemoryByteStore();
    const other = createEngine({ createRuntime: () => createNodeRuntime(), store: fresh });
    await other.init();
    const settle = (p: Promise<unknown>) =>
      p.then(
        () => null,
        (e: { code: string; message: string }) => e,
      );
    // Paused in the same tick as the request: nothing has been awaited yet.
    const first = settle(other.openPack({ kind: 'url', manifestUrl: manifestUrl() }, undefined, { requestId: 'a' }));
    await other.cancel('a', 'pause');
    assert.equal((await first)?.code, 'paused');

    // Paused while the manifest trickles in.
    server.behaviour.set('manifest.json', { kind: 'slow', bytesPerTick: 64, tickMs: 20 });
    const requestsBefore = server.requests.length;
    const second = settle(other.openPack({ kind: 'url', manifestUrl: manifestUrl() }, undefined, { requestId: 'b' }));
    await until(() => server.requests.slice(requestsBefore).some((r) => r.path === 'manifest.json'));
    await other.cancel('b', 'pause');
    const stopped = await second;
    assert.equal(stopped?.code, 'paused');
    assert.match(stopped?.message ?? '', /paused/);
    server.behaviour.delete('manifest.json');

    // Resuming opens the pack.
    const info = await other.openPack({ kind: 'url', manifestUrl: manifestUrl() });
    assert.equal(info.graphs.length, 7);
  });

  test('cancel leaves no partial file behind', async () => {
    const fresh = new MemoryByteStore();
    const other = createEngine({ createRuntime: () => createNodeRuntime(), store: fresh });
    await other.init();
    server.behaviour.set('vision.onnx', { kind: 'slow', bytesPerTick: 1024, tickMs: 20 });
    const outcome = other.openPack({ kind: 'url', manifestUrl: manifestUrl() }, undefined, { requestId: 'c' }).then(
      () => null,
      (e: { code: string }) => e,
    );
    const key = `${server.baseUrl}vision.onnx`;
    await until(
      async () => (await fresh.partSizes(key)).length > 0 || server.requests.some((r) => r.path === 'vision.onnx'),
    );
    await new Promise((r) => setTimeout(r, 100));
    await other.cancel('c');
    assert.equal((await outcome)?.code, 'cancelled');
    assert.deepEqual(await fresh.partSizes(key), []);
    assert.ok(
      (await fresh.list()).every((e) => e.complete),
      'only complete files remain',
    );
    server.behaviour.delete('vision.onnx');
  });

  test('a variant this GPU cannot run is refused before any graph is fetched, naming what is missing', async () => {
    const dir = join(SAM3_TINY_VARIANTS_DIR, 'fp16');
    const variantServer = await startTestServer(
      Object.fromEntries(readdirSync(dir).map((n) => [n, new Uint8Array(readFileSync(join(dir, n)))])),
      60_000,
    );
    try {
      const noF16 = await browserLikeRuntime({
        probe: { shaderF16: false, maxBufferSize: 2 ** 30, maxStorageBufferBindingSize: 2 ** 30 },
      });
      const gpuEngine = createEngine({ createRuntime: async () => noF16, store: new MemoryByteStore() });
      await gpuEngine.init();
      await assert.rejects(
        gpuEngine.openPack({ kind: 'url', manifestUrl: `${variantServer.baseUrl}manifest.json` }),
        (e: { code: string; message: string }) => {
          assert.equal(e.code, 'gpu-unfit');
          assert.match(
            e.message,
            /\(fp16\): this GPU cannot run it: it computes in float16 and the adapter lacks shader-f16/,
          );
          assert.match(e.message, /choose WASM/);
          return true;
        },
      );
      assert.deepEqual(
        variantServer.requests.map((r) => r.path),
        ['manifest.json'],
      );
      // Chosen WASM: the same pack opens (and runs on the CPU side).
      const wasmEngine = createEngine({ createRuntime: async () => noF16, store: new MemoryByteStore() });
      await wasmEngine.init({ provider: 'wasm' });
      const info = await wasmEngine.openPack({ kind: 'url', manifestUrl: `${variantServer.baseUrl}manifest.json` });
      assert.ok(info.graphs.every((g) => g.executionProvider === 'wasm' && /WASM chosen/.test(g.reason)));
    } finally {
      await variantServer.close();
    }
  });

  test('a pack that does not fit the space left is refused before any byte is fetched', async () => {
    const tight = createEngine({
      createRuntime: () => createNodeRuntime(),
      store: new MemoryByteStore(),
      freeBytes: async () => 1000,
    });
    await tight.init();
    const before = server.requests.length;
    await assert.rejects(
      tight.openPack({ kind: 'url', manifestUrl: manifestUrl() }),
      (e: { code: string; message: string }) => {
        assert.equal(e.code, 'storage-full');
        assert.match(e.message, /needs [\d.]+ [KMG]?B more storage.*only 1.0 KB more/);
        return true;
      },
    );
    const fetched = server.requests.slice(before).map((r) => r.path);
    assert.deepEqual(fetched, ['manifest.json']);
  });
});
