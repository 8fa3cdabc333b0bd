import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { PackManifest } from '../protocol/manifest';
import type { ProgressEvent } from '../protocol/progress';
import { MemoryByteStore } from './byteStore';
import { concatBytes, sha256Hex } from './bytes';
import { loadPack } from './loadPack';
import { sampleManifest } from '../../tests/helpers/manifestTestData';
import { PackError } from './packError';
import { randomBytes, startTestServer } from '../../tests/helpers/testServer';

const CONTENT: Record<string, Uint8Array> = {
  'tokenizer.json': new TextEncoder().encode('{"model":{"vocab":{}}}'),
  'vision.onnx': randomBytes(3000, 1),
  'vision.onnx.data': randomBytes(20_000, 2),
  'vision.onnx.data_1': randomBytes(7000, 3),
  'text.onnx': randomBytes(5000, 4),
  'detector.onnx': randomBytes(4000, 5),
};

async function packManifest(): Promise<PackManifest> {
  const m = sampleManifest();
  const refs = [
    m.tokenizer.file,
    m.graphs.vision.file,
    ...m.graphs.vision.externalData![0].chunks,
    m.graphs.text.file,
    m.graphs.detector.file,
  ];
  for (const ref of refs) {
    ref.size = CONTENT[ref.path].byteLength;
    ref.sha256 = await sha256Hex(CONTENT[ref.path]);
  }
  return m;
}

const bytes = async (blob: Blob) => new Uint8Array(await blob.arrayBuffer());

async function checkFiles(loaded: Awaited<ReturnType<typeof loadPack>>): Promise<void> {
  assert.deepEqual(loaded.files.tokenizer, CONTENT['tokenizer.json']);
  assert.deepEqual(await bytes(loaded.files.graphs.vision.model), CONTENT['vision.onnx']);
  assert.equal(loaded.files.graphs.vision.externalData.length, 1);
  assert.equal(loaded.files.graphs.vision.externalData[0].path, 'vision.onnx.data');
  // Chunks of one location are one Blob over the chunks, in order.
  assert.deepEqual(
    await bytes(loaded.files.graphs.vision.externalData[0].data),
    concatBytes([CONTENT['vision.onnx.data'], CONTENT['vision.onnx.data_1']]),
  );
  for (const role of ['text', 'detector'] as const) {
    assert.deepEqual(await bytes(loaded.files.graphs[role].model), CONTENT[`${role}.onnx`]);
    assert.deepEqual(loaded.files.graphs[role].externalData, []);
  }
}

async function rejectsWith(promise: Promise<unknown>, code: string, pattern: RegExp): Promise<void> {
  await assert.rejects(promise, (e: unknown) => {
    assert.ok(e instanceof PackError, String(e));
    assert.equal(e.code, code, e.message);
    assert.match(e.message, pattern);
    return true;
  });
}

describe('loadPack from a URL', () => {
  test('downloads every file, then opens again offline from the store', async () => {
    const manifest = await packManifest();
    const served: Record<string, Uint8Array> = {
      'pack/manifest.json': new TextEncoder().encode(JSON.stringify(manifest)),
    };
    for (const [p, b] of Object.entries(CONTENT)) served[`pack/${p}`] = b;
    const server = await startTestServer(served);
    const store = new MemoryByteStore();
    const manifestUrl = `${server.baseUrl}pack/manifest.json`;
    const events: ProgressEvent[] = [];
    try {
      const loaded = await loadPack({ kind: 'url', manifestUrl }, store, { onProgress: (e) => events.push(e) });
      assert.deepEqual(loaded.manifest, manifest);
      assert.equal(loaded.sourceLabel, manifestUrl);
      await checkFiles(loaded);
      assert.equal(events.filter((e) => e.status === 'done').length, 6);
      assert.equal((await store.list()).length, 7, 'six files and the manifest are stored');
    } finally {
      await server.close();
    }
    const offlineEvents: ProgressEvent[] = [];
    const offline = await loadPack({ kind: 'url', manifestUrl }, store, { onProgress: (e) => offlineEvents.push(e) });
    await checkFiles(offline);
    assert.ok(offlineEvents.every((e) => e.status === 'cached'));
  });

  test('an inline manifest resolves its files against baseUrl', async () => {
    const manifest = await packManifest();
    const server = await startTestServer(Object.fromEntries(Object.entries(CONTENT).map(([p, b]) => [`base/${p}`, b])));
    try {
      const loaded = await loadPack(
        { kind: 'manifest', manifest, baseUrl: `${server.baseUrl}base/` },
        new MemoryByteStore(),
      );
      await checkFiles(loaded);
      assert.ok(server.requests.every((r) => r.path.startsWith('base/')));
    } finally {
      await server.close();
    }
  });

  test('without network and without a cached manifest, the error says so', async () => {
    await rejectsWith(
      loadPack({ kind: 'url', manifestUrl: 'http://127.0.0.1:1/manifest.json' }, new MemoryByteStore()),
      'network',
      /no copy of it is cached/,
    );
  });

  test('a missing manifest is a download failure; an invalid one names the field', async () => {
    const bad = { ...(await packManifest()), inputSize: 1000 };
    const server = await startTestServer({ 'bad.json': new TextEncoder().encode(JSON.stringify(bad)) });
    try {
      await rejectsWith(
        loadPack({ kind: 'url', manifestUrl: `${server.baseUrl}nope.json` }, new MemoryByteStore()),
        'download-failed',
        /404/,
      );
      await rejectsWith(
        loadPack({ kind: 'url', manifestUrl: `${server.baseUrl}bad.json` }, new MemoryByteStore()),
        'pack-invalid',
        /inputSize must be a positive multiple of 14/,
      );
    } finally {
      await server.close();
    }
  });

  test('unknown sizes are refused for manifests that are not from the catalogue', async () => {
    const manifest = await packManifest();
    manifest.graphs.text.file.size = 0;
    await rejectsWith(
      loadPack({ kind: 'manifest', manifest, baseUrl: 'http://127.0.0.1:1/' }, new MemoryByteStore()),
      'pack-invalid',
      /graphs\.text\.file\.size must be a positive integer/,
    );
  });
});

describe('loadPack from local files', () => {
  const asFiles = async (prefix: string, skip: string[] = []) => {
    const manifest = await packManifest();
    const files: { path: string; data: Blob | ArrayBuffer }[] = [
      { path: `${prefix}manifest.json`, data: new Blob([JSON.stringify(manifest)]) },
    ];
    for (const [p, b] of Object.entries(CONTENT)) {
      if (!skip.includes(p)) files.push({ path: `${prefix}${p}`, data: new Blob([b as Uint8Array<ArrayBuffer>]) });
    }
    return files;
  };

  test('a folder of files opens, with or without a folder prefix', async () => {
    for (const prefix of ['my pack/', '']) {
      const loaded = await loadPack({ kind: 'files', files: await asFiles(prefix) }, new MemoryByteStore());
      await checkFiles(loaded);
      assert.match(loaded.sourceLabel, /7 local files/);
    }
  });

  test('files are matched by base name when the manifest paths have folders', async () => {
    const manifest = await packManifest();
    manifest.graphs.text.file.path = 'graphs/text.onnx';
    const files = (await asFiles('')).map((f) =>
      f.path === 'manifest.json' ? { path: 'pack.json', data: new Blob([JSON.stringify(manifest)]) } : f,
    );
    const loaded = await loadPack({ kind: 'files', files }, new MemoryByteStore());
    assert.deepEqual(await bytes(loaded.files.graphs.text.model), CONTENT['text.onnx']);
  });

  test('a missing file is named', async () => {
    await rejectsWith(
      loadPack({ kind: 'files', files: await asFiles('p/', ['text.onnx']) }, new MemoryByteStore()),
      'pack-invalid',
      /^The pack needs text\.onnx; it was not among the 6 files you opened\.$/,
    );
    await rejectsWith(
      loadPack(
        { kind: 'files', files: await asFiles('p/', ['text.onnx', 'vision.onnx.data_1']) },
        new MemoryByteStore(),
      ),
      'pack-invalid',
      /needs vision\.onnx\.data_1 and text\.onnx; they were not among the 5 files/,
    );
  });

  test('a truncated or altered file fails the integrity check', async () => {
    const files = await asFiles('');
    const i = files.findIndex((f) => f.path === 'detector.onnx');
    files[i] = { path: 'detector.onnx', data: CONTENT['detector.onnx'].slice(0, 3900).buffer };
    await rejectsWith(
      loadPack({ kind: 'files', files }, new MemoryByteStore()),
      'integrity',
      /^detector\.onnx: expected 4,000 bytes, got 3,900 — the file is truncated\.$/,
    );
    const altered = CONTENT['detector.onnx'].slice();
    altered[10] ^= 1;
    files[i] = { path: 'detector.onnx', data: altered.buffer };
    await rejectsWith(loadPack({ kind: 'files', files }, new MemoryByteStore()), 'integrity', /SHA-256 does not match/);
  });

  test('no manifest among the files', async () => {
    const files = (await asFiles('')).filter((f) => f.path !== 'manifest.json');
    await rejectsWith(
      loadPack({ kind: 'files', files }, new MemoryByteStore()),
      'pack-invalid',
      /^No pack manifest \(manifest\.json\) was among the 6 files you opened\.$/,
    );
  });
});
