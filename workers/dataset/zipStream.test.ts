/** The streaming ZIP writer: readers get the files back byte for byte, also past 65,535 files (ZIP64). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { unzipSync, strFromU8, strToU8 } from 'fflate';
import { ZipStream } from './zipStream';

const concat = (chunks: Uint8Array[]) => {
  const out = new Uint8Array(chunks.reduce((s, c) => s + c.length, 0));
  let p = 0;
  for (const c of chunks) {
    out.set(c, p);
    p += c.length;
  }
  return out;
};

test('stored, deflated and streamed files read back byte for byte, with UTF-8 names', async () => {
  const zip = await ZipStream.create(new Date(2024, 5, 1, 12, 30, 10));
  const chunks: Uint8Array[] = [];
  const photo = Uint8Array.from({ length: 5000 }, (_, i) => (i * 7919) & 255);
  zip.store('images/été/photo.png', photo);
  zip.deflate('labels/photo.txt', strToU8('0 0.1 0.2 0.3 0.4 0.5 0.6\n'.repeat(40)));
  chunks.push(...zip.take());
  const json = zip.open('coco.json');
  for (let i = 0; i < 50; i++) json.push(strToU8(`${i ? ',' : '['}{"id":${i},"bbox":[1,2,3,4]}`));
  json.push(strToU8(']'));
  json.end();
  zip.deflate('README.txt', strToU8('hello'));
  zip.end();
  chunks.push(...zip.take());
  const files = unzipSync(concat(chunks));
  assert.deepEqual(Object.keys(files).sort(), ['README.txt', 'coco.json', 'images/été/photo.png', 'labels/photo.txt']);
  assert.deepEqual(files['images/été/photo.png'], photo);
  assert.equal(JSON.parse(strFromU8(files['coco.json'])).length, 50);
  assert.equal(strFromU8(files['README.txt']), 'hello');
  assert.equal(zip.directorySize > 0, true);
});

test('more than 65,535 files: the ZIP64 end records let a reader find every one', async () => {
  const zip = await ZipStream.create(new Date(0));
  const chunks: Uint8Array[] = [];
  const n = 70_000;
  for (let i = 0; i < n; i++) {
    zip.store(`f/${i}`, Uint8Array.of(i & 255));
    if (i % 5000 === 0) chunks.push(...zip.take());
  }
  zip.end();
  chunks.push(...zip.take());
  const files = unzipSync(concat(chunks));
  assert.equal(Object.keys(files).length, n);
  assert.deepEqual(files['f/69999'], Uint8Array.of(69999 & 255));
});

test('no other file while a streamed one is open', async () => {
  const zip = await ZipStream.create(new Date(0));
  zip.open('a.json');
  assert.throws(() => zip.store('b', new Uint8Array(1)), /still open/);
});
