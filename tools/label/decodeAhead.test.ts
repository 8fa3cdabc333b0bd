/**
 * The read-ahead: images come out of the worker threads in list order with the pixels the inline decoder gives
 * (PNG, JPEG with EXIF applied), an unreadable file comes out as its own error in its place and the next images
 * still arrive, and asking out of order is refused.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
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
