/**
 * The read-ahead: images come out of the worker threads in list order with the pixels the inline decoder gives
 * (PNG, JPEG with EXIF applied), an unreadable file comes out as its own error in its place and the next images
 * still arrive, and asking out of order is refused.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeTestFolder } from '../cluster/makeTestFolder';
import { decodeAhead } from './decodeAhead';
import { listImages } from './label';

let dir: string;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'sam3-ahead-'));
  makeTestFolder(dir, 7);
  writeFileSync(join(dir, 'scene003b.png'), new Uint8Array([137, 80, 78, 71, 13, 10, 26, 10, 0, 0]));
});
after(() => rmSync(dir, { recursive: true, force: true }));

test('decoded ahead on 2 threads = decoded inline, in order; a broken file fails in its place', async () => {
  const names = listImages(dir);
  assert.equal(names.length, 8);
  const inline = decodeAhead(dir, names, { depth: 0, threads: 1 });
  const ahead = decodeAhead(dir, names, { depth: 3, threads: 2 });
  try {
    for (const name of names) {
      if (name === 'scene003b.png') {
        await assert.rejects(inline.next(name), /“scene003b\.png” is not a readable PNG/);
        await assert.rejects(ahead.next(name), /“scene003b\.png” is not a readable PNG/);
        continue;
      }
      const [a, b] = [await inline.next(name), await ahead.next(name)];
      assert.deepEqual([b.width, b.height], [a.width, a.height], name);
      assert.ok(Buffer.from(a.data).equals(Buffer.from(b.data)), `${name}: same pixels`);
    }
    assert.ok(ahead.decodeMs > 0);
  } finally {
    await ahead.close();
  }
  const again = decodeAhead(dir, names, { depth: 2, threads: 1 });
  await assert.rejects(again.next(names[1]), /asked for .*the list's next image is/);
  await again.close();
});

test('a file larger than one image may be is refused unread, in its place, with the limit the app applies', async () => {
  const big = join(dir, 'big');
  mkdirSync(big);
  writeFileSync(join(big, 'a.png'), '');
  truncateSync(join(big, 'a.png'), 1.5 * 2 ** 30); // sparse: 1.5 GiB that take no disk
  makeTestFolder(big, 1);
  const names = listImages(big);
  assert.deepEqual(names, ['a.png', 'scene000.png']);
  for (const depth of [0, 2]) {
    const images = decodeAhead(big, names, { depth, threads: 1 });
    try {
      await assert.rejects(images.next('a.png'), {
        message: '“a.png” is 1.5 GiB; the limit for one image is 1 GiB.',
      });
      assert.ok((await images.next('scene000.png')).width > 0, 'the next image still comes');
    } finally {
      await images.close();
    }
  }
});
