/**
 * Reading zips for the import, in Node on the same code the import worker runs: the directory of archives as fflate,
 * ZIP64 writers and self-extractors make them; a 1.5 GiB-per-entry bomb refused from its directory without a byte
 * inflated; an entry lying about its size stopped as it inflates; a corrupt entry caught by its CRC; overlapping
 * entries; 5,000 entries in one archive (the old streaming reader overflowed the stack); and one plan that orders
 * loose files and entries alike and names every skipped file with its reason.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { zipSync, Zip, ZipDeflate } from 'fflate';
import { entryOf, rawZip, zerosDeflated } from '../../tools/scenes/rawZip';
import { skipReason } from '../../workers/batch/importLimits';
import { ArchiveImporter } from './archiveImporter';
import { blobSource, readZipDirectory } from './zipDirectory';
import { EntryError, ZipEntryReader } from './zipEntryReader';
import { importBatches, storageShortfall } from './importPlan';

const GiB = 2 ** 30;
const bytes = (n: number, seed = 1) => Uint8Array.from({ length: n }, (_, i) => (i * 31 + seed * 7) & 255);
const blob = (b: Uint8Array) => new Blob([b as BlobPart]);
const text = async (b: Blob) => new Uint8Array(await b.arrayBuffer());

test('a zip from fflate: names, sizes and methods from its directory; entries read back whole', async () => {
  const files = { 'a/one.png': bytes(5000), 'a/two.jpg': new Uint8Array(3000), 'b/three.png': bytes(10, 3) };
  const zip = blob(zipSync(files, { level: 6 }));
  const dir = await readZipDirectory(blobSource(zip));
  assert.deepEqual(
    dir.entries.map((e) => [e.name, e.size]),
    Object.entries(files).map(([n, b]) => [n, b.length]),
  );
  const reader = new ZipEntryReader(zip, dir.directoryStart);
  const out = await reader.readMany(dir.entries, ['image/png', 'image/jpeg', 'image/png']);
  for (const [k, b] of Object.values(files).entries()) {
    assert.ok(out[k] instanceof Blob);
    assert.deepEqual(await text(out[k] as Blob), b);
  }
  assert.equal((out[1] as Blob).type, 'image/jpeg');
});

test('a streamed zip (data descriptors, sizes only in the directory) and one with a stub prepended', async () => {
  const parts: Uint8Array[] = [];
  const z = new Zip((err, chunk) => {
    if (err) throw err;
    parts.push(chunk);
  });
  const file = new ZipDeflate('s/x.png', { level: 6 });
  z.add(file);
  file.push(bytes(70_000), true);
  z.end();
  const streamed = blob(new Uint8Array(await new Blob(parts as BlobPart[]).arrayBuffer()));
  const dir = await readZipDirectory(blobSource(streamed));
  assert.deepEqual(
    dir.entries.map((e) => [e.name, e.size, (e.flags & 8) !== 0]),
    [['s/x.png', 70_000, true]],
  );
  const [got] = await new ZipEntryReader(streamed, dir.directoryStart).readMany(dir.entries, ['image/png']);
  assert.deepEqual(await text(got as Blob), bytes(70_000));

  const stub = new TextEncoder().encode('#!/bin/sh\necho self-extracting\nexit 0\n');
  const sfx = blob(rawZip([entryOf('in/a.png', bytes(900))], { prefix: stub }));
  const d2 = await readZipDirectory(blobSource(sfx));
  const [a] = await new ZipEntryReader(sfx, d2.directoryStart).readMany(d2.entries, ['image/png']);
  assert.deepEqual(await text(a as Blob), bytes(900));
});

test('ZIP64: end records and 64-bit sizes and offsets in extra fields', async () => {
  const zip = blob(
    rawZip(
      [
        { ...entryOf('big/a.png', bytes(4000)), zip64: true },
        { ...entryOf('big/b.png', bytes(2000, 2), 0), zip64: true },
      ],
      { zip64End: true, comment: 'made by a test' },
    ),
  );
  const dir = await readZipDirectory(blobSource(zip));
  assert.deepEqual(
    dir.entries.map((e) => [e.name, e.size, e.method]),
    [
      ['big/a.png', 4000, 8],
      ['big/b.png', 2000, 0],
    ],
  );
  const out = await new ZipEntryReader(zip, dir.directoryStart).readMany(dir.entries, ['image/png', 'image/png']);
  assert.deepEqual(await text(out[0] as Blob), bytes(4000));
  assert.deepEqual(await text(out[1] as Blob), bytes(2000, 2));
});

test('not a zip, truncated, empty: a reason for the archive as a whole', async () => {
  const importer = new ArchiveImporter();
  const good = zipSync({ 'a.png': bytes(100) });
  const plan = await importer.plan(
    [],
    [
      { name: 'notes.zip', file: blob(new TextEncoder().encode('just text')) },
      { name: 'cut.zip', file: blob(good.subarray(0, good.length - 30)) },
      { name: 'empty.zip', file: blob(new Uint8Array(0)) },
    ],
  );
  assert.deepEqual(plan.items, []);
  assert.deepEqual(
    plan.skipped.map((s) => `${s.path}: ${skipReason(s)}`),
    [
      'notes.zip: is not a zip archive, or it is truncated: it has no end-of-archive record',
      'cut.zip: is not a zip archive, or it is truncated: it has no end-of-archive record',
      'empty.zip: is empty (0 bytes)',
    ],
  );
});

test('a zip bomb (4 entries declaring 1.5 GiB each, 6 MiB on disk) is refused from its directory: nothing inflated', async () => {
  const zeros = zerosDeflated(1.5 * GiB);
  assert.ok(zeros.data.length < 2 * 2 ** 20, `${zeros.data.length} bytes of deflate`);
  const bomb = rawZip(
    ['a', 'b', 'c', 'd'].map((n) => ({
      name: `${n}.png`,
      data: zeros.data,
      method: 8,
      crc32: zeros.crc32,
      size: 1.5 * GiB,
    })),
  );
  let reads = 0;
  const file = blob(bomb);
  const counted = Object.assign(Object.create(file), {
    slice: (...a: Parameters<Blob['slice']>) => {
      reads++;
      return file.slice(...a);
    },
  }) as Blob;
  const importer = new ArchiveImporter();
  const plan = await importer.plan([{ path: 'kept.png', size: 1000 }], [{ name: 'bomb.zip', file: counted }]);
  assert.deepEqual(
    plan.items.map((i) => i.path),
    ['kept.png'],
  );
  assert.deepEqual(
    plan.skipped.map((s) => `${s.path}: ${skipReason(s)}`),
    ['a', 'b', 'c', 'd'].map((n) => `bomb.zip › ${n}.png: declares 1.5 GiB; the limit for one image is 1 GiB`),
  );
  assert.ok(reads <= 2, `only the tail and the directory are read (${reads} reads)`);
});

test('an entry that lies about its size stops once it inflates past it; a corrupt one fails its CRC', async () => {
  const zeros = zerosDeflated(64 * 2 ** 20);
  const ok = entryOf('ok.png', bytes(3000));
  const corrupt = entryOf('corrupt.png', bytes(3000, 5), 0);
  corrupt.crc32 ^= 1;
  const zip = blob(
    rawZip([
      { name: 'liar.png', data: zeros.data, method: 8, crc32: zeros.crc32, size: 1000 },
      ok,
      corrupt,
      { ...entryOf('short.png', bytes(500)), size: 600 },
    ]),
  );
  const dir = await readZipDirectory(blobSource(zip));
  const out = await new ZipEntryReader(zip, dir.directoryStart).readMany(
    dir.entries,
    dir.entries.map(() => 'image/png'),
  );
  assert.ok(out[0] instanceof EntryError);
  assert.equal((out[0] as EntryError).detail, 'inflates to more than the 1,000 bytes it declares');
  assert.deepEqual(await text(out[1] as Blob), bytes(3000), 'the next entry still comes');
  assert.equal((out[2] as EntryError).detail, 'fails its CRC-32 check: the data is corrupt');
  assert.equal((out[3] as EntryError).detail, 'holds 500 bytes, not the 600 bytes it declares');
});

test('5,000 entries in one zip: listed, planned in path order and read back, without recursion limits', async () => {
  const files: Record<string, Uint8Array> = {};
  for (let i = 4999; i >= 0; i--) files[`many/img_${i}.png`] = bytes(64, i);
  files['many/labels.csv'] = bytes(10);
  const importer = new ArchiveImporter();
  const plan = await importer.plan([], [{ name: 'many.zip', file: blob(zipSync(files, { level: 1 })) }]);
  assert.equal(plan.items.length, 5000);
  assert.deepEqual(
    plan.items.slice(0, 3).map((i) => i.path),
    ['many/img_0.png', 'many/img_1.png', 'many/img_2.png'],
  );
  assert.deepEqual(
    plan.skipped.map((s) => `${s.path}: ${skipReason(s)}`),
    ['many.zip › many/labels.csv: not an image'],
  );
  let read = 0;
  for (const batch of importBatches(plan.items)) {
    const got = await importer.read(
      batch.map((i) => ({ ...(i.source as { archive: number; entry: number }), path: i.path })),
    );
    for (const [k, b] of got.entries()) {
      assert.ok(b instanceof Blob, batch[k].path);
      assert.deepEqual(await text(b), files[batch[k].path]);
      read++;
    }
  }
  assert.equal(read, 5000);
});

test('one plan for loose files and entries: path order, unsafe paths, encrypted, methods, links, duplicates, overlaps', async () => {
  const img = bytes(300);
  const zip = rawZip([
    entryOf('z/b.png', img),
    entryOf('../escape.png', img),
    { ...entryOf('z/secret.png', img), flags: 1 },
    { ...entryOf('z/bz.png', img), method: 12 as 0 },
    { ...entryOf('z/link.png', new TextEncoder().encode('/etc/passwd'), 0), unixMode: 0o120777 },
    entryOf('loose/a10.png', img),
    entryOf('inner.zip', img),
    entryOf('__MACOSX/z/._b.png', img),
  ]);
  const importer = new ArchiveImporter();
  const plan = await importer.plan(
    [
      { path: 'loose/a2.png', size: 10 },
      { path: 'loose/a10.png', size: 10 },
      { path: 'loose/readme.md', size: 10 },
      { path: 'loose/huge.png', size: 1.5 * GiB },
    ],
    [{ name: 'x.zip', file: blob(zip) }],
  );
  assert.deepEqual(
    plan.items.map((i) => i.path),
    ['loose/a2.png', 'loose/a10.png', 'z/b.png'],
  );
  assert.deepEqual(
    plan.skipped.map((s) => `${s.path}: ${skipReason(s)}`),
    [
      'loose/readme.md: not an image',
      'loose/huge.png: is 1.5 GiB; the limit for one image is 1 GiB',
      'x.zip › ../escape.png: with a path that leads out of the archive (..)',
      'x.zip › z/secret.png: encrypted (password-protected)',
      'x.zip › z/bz.png: bzip2; only stored and deflated entries are read; re-zip it with the default settings',
      'x.zip › z/link.png: a symbolic link',
      'x.zip › loose/a10.png: listed twice (the first one is kept)',
      'x.zip › inner.zip: an archive inside an archive; unzip it and add it on its own',
      'x.zip › __MACOSX/z/._b.png: a hidden or system file',
    ],
  );

  // Two entries pointing into each other's bytes (how "better zip bombs" reuse one kernel) are read as neither.
  const a = entryOf('o/a.png', img);
  const overlapped = rawZip([a, entryOf('o/b.png', img)]);
  const v = new DataView(overlapped.buffer);
  const dirAt = v.getUint32(overlapped.length - 22 + 16, true);
  const secondCentral = dirAt + 46 + 'o/a.png'.length;
  v.setUint32(secondCentral + 42, 0, true); // b's header offset = a's
  const p2 = await new ArchiveImporter().plan([], [{ name: 'o.zip', file: blob(overlapped) }]);
  assert.deepEqual(p2.items, []);
  assert.deepEqual(
    p2.skipped.map((s) => skipReason(s)),
    ['overlaps another entry', 'overlaps another entry'],
  );
});

test('storage: refused with the numbers when the images do not fit what the browser leaves this site', () => {
  assert.equal(storageShortfall(10, 1000, null), null, 'no estimate: no refusal');
  assert.equal(storageShortfall(10, 1000, { quota: 100 * 2 ** 20, usage: 0 }), null);
  assert.equal(
    storageShortfall(4, 6 * GiB, { quota: 10 * GiB, usage: 8.5 * GiB }),
    "The 4 new images need 6 GiB of the browser's storage, but only 1.5 GiB is left for this site (8.5 GiB of 10 GiB " +
      'used). Nothing was added: free some space, or add fewer images at a time.',
  );
});

test('batches: at most 200 images or 32 MiB, a larger image alone', () => {
  const sizes = [...Array(450).fill(1000), 40 * 2 ** 20, 10, 10];
  const batches = importBatches(sizes.map((b) => ({ bytes: b })));
  assert.deepEqual(
    batches.map((b) => b.length),
    [200, 200, 50, 1, 2],
  );
});
